"""Understanding a question: places, ages, typos corrected, and the needs it names."""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.ages import AgeMention, find_ages
from directory.index import SearchIndex
from directory.places import Gazetteer, PlaceMention
from directory.synonyms import Phrase, Thesaurus
from directory.text import STOPWORDS, stem, words

SYNONYM_QUALITY = 0.85
TYPO_QUALITY = 0.8
PREFIX_QUALITY = 0.6
OPTIONAL_WEIGHT = 0.35
# Who the need is for, not what it is: these words help ranking but are not required.
PEOPLE_WORDS = frozenset(
    ["famille", "familles", "enfant", "enfants", "parent", "parents", "maman", "mere", "mamans", "papa", "pere", "papas", "femme", "femmes", "homme", "hommes", "fille", "filles", "gars", "garcon", "garcons", "fils", "jeune", "jeunes", "adulte", "adultes", "personne", "personnes", "monsieur", "madame", "dame", "client", "cliente", "clients", "usager", "usagere", "mari", "conjoint", "conjointe", "chum", "blonde", "ami", "amie", "seul", "seule", "seuls", "monoparentale", "monoparental", "monoparentales", "monoparentaux", "frere", "freres", "soeur", "soeurs", "grandmere", "grandpere", "voisin", "voisine", "coloc", "proche", "proches"]
)
# Age groups as services name them, for ages given as numbers (years, inclusive).
AGE_GROUPS = ((0, 1.5, "bebe"), (12, 17, "ado"), (65, 120, "aines"))
# Words after which an unknown word is most likely a place ("à Tadoussac", "secteur Kénogami").
PLACE_PREPOSITIONS = frozenset(
    {"a", "au", "aux", "dans", "sur", "pres", "proche", "vers", "secteur", "region", "ville", "quartier", "coin"}
)
_PLACE_JOINERS = frozenset({"saint", "sainte", "st", "ste", "mont", "lac", "notre", "dame", "de", "du", "des", "la", "le", "les"})
PEOPLE_STEMS = frozenset(stem(word) for word in PEOPLE_WORDS)
# Letters French glues to the next word when the apostrophe is skipped ("lecole", "dun").
_GLUED = ("qu", "l", "d", "j", "m", "n", "s", "t", "c")


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way a need may appear in a record, and how much a match on it is worth."""

    phrase: Phrase
    quality: float
    label: str


@dataclass(slots=True)
class Concept:
    """A need named in the question ("bouffe"), with the phrases that stand for it."""

    label: str
    alternatives: list[Alternative]
    crisis: bool = False
    optional: bool = False  # an age word ("ado"): it helps ranking but is not required
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, corrected)

    @property
    def weight_factor(self) -> float:
        """Share of a need's weight this concept carries (optional ones count less)."""
        return OPTIONAL_WEIGHT if self.optional else 1.0


@dataclass(slots=True)
class ParsedQuery:
    """Everything the search read from a question."""

    text: str
    words: list[str]
    places: list[PlaceMention]
    ages: list[AgeMention]
    concepts: list[Concept]

    @property
    def crisis(self) -> bool:
        """True when the question names an urgent need (suicide, violence, crise)."""
        return any(c.crisis for c in self.concepts)

    @property
    def age(self) -> AgeMention | None:
        """The most precise age named: a number beats a word ("bébé de 6 mois" → 6 mois)."""
        numbered = [a for a in self.ages if not a.word_only]
        return (numbered or self.ages or [None])[0]


def parse(text: str, index: SearchIndex, gazetteer: Gazetteer, thesaurus: Thesaurus) -> ParsedQuery:
    """Read ``text`` into places, ages and needs, against what ``index`` knows."""
    folded = words(text)
    places = gazetteer.find_in_text(text)
    consumed = {i for p in places for i in range(p.start, p.end)}
    ages = [a for a in find_ages(folded) if not consumed & set(range(a.start, a.end))]
    age_words = {i for a in ages if a.word_only for i in range(a.start, a.end)}
    consumed |= {i for a in ages if not a.word_only for i in range(a.start, a.end)}
    kept: list[tuple[str, str]] = []  # (typed, corrected) for each word left
    for i, typed in enumerate(folded):
        word = _unglue(typed, index)
        if i in consumed or i in age_words or word in STOPWORDS:
            continue
        corrected = _correct(word, index, is_last=i == len(folded) - 1)
        if not index.knows(corrected) and _after_place_word(folded, i):
            continue  # "à Tadoussac": a place the gazetteer lacks, not a need
        kept.append((word, corrected))
    concepts = _concepts(kept, thesaurus)
    worded = any(age.word_only for age in ages)  # "bébé de 6 mois": the word already names the group
    for age in ages:
        named = folded[age.start : age.end] if age.word_only else [] if worded else _age_group(age)
        concepts.extend(_concepts([(w, w) for w in named], thesaurus, optional=True))
    return ParsedQuery(text, folded, places, ages, concepts)


def _age_group(age: AgeMention) -> list[str]:
    """The word services use for the age group a number falls in ("82 ans" → aînés)."""
    for low, high, word in AGE_GROUPS:
        if low <= age.low and age.high <= high:
            return [word]
    return []


def _after_place_word(folded: list[str], i: int) -> bool:
    """True when word ``i`` follows "à", "dans", "secteur de"… (over "saint", "la", "de")."""
    j = i - 1
    while j >= 0 and folded[j] in _PLACE_JOINERS:
        j -= 1
    return j >= 0 and folded[j] in PLACE_PREPOSITIONS


def _unglue(word: str, index: SearchIndex) -> str:
    """``word`` without an elided article typed without its apostrophe ("lecole" → "ecole")."""
    if index.knows(word):
        return word
    for glued in _GLUED:
        rest = word[len(glued) :]
        if word.startswith(glued) and len(rest) >= 2 and rest[0] in "aeiouyh" and (
            rest in STOPWORDS or (len(rest) >= 4 and index.knows(rest))
        ):
            return rest
    return word


def _correct(word: str, index: SearchIndex, *, is_last: bool) -> str:
    if index.knows(word) or word.isdigit():
        return word
    closest = index.closest_word(word)
    if closest:
        return closest
    if is_last and len(word) >= 4:  # still being typed: "orthoph"
        completions = index.completions(word, limit=1)
        if completions:
            return completions[0]
    return word


def _concepts(kept: list[tuple[str, str]], thesaurus: Thesaurus, *, optional: bool = False) -> list[Concept]:
    stems = [stem(corrected) for _, corrected in kept]
    concepts: list[Concept] = []
    covered: set[int] = set()
    for expansion in thesaurus.expand(stems):
        typed = kept[expansion.start : expansion.end]
        alternatives = [Alternative(expansion.phrase, _quality(typed), " ".join(c for _, c in typed))]
        alternatives += [Alternative(p, SYNONYM_QUALITY * pref, label) for p, label, pref in expansion.alternatives]
        people = all(c in PEOPLE_WORDS for _, c in typed)
        concepts.append(
            Concept(" ".join(t for t, _ in typed), alternatives, expansion.crisis, optional or people, _fixes(typed))
        )
        covered.update(range(expansion.start, expansion.end))
    for i, (typed, corrected) in enumerate(kept):
        if i in covered or (corrected.isdigit() and len(corrected) <= 2):  # "2 enfants": a count, not a need
            continue
        alternative = Alternative((stems[i],), _quality([(typed, corrected)]), corrected)
        concepts.append(
            Concept(
                typed,
                [alternative],
                optional=optional or corrected in PEOPLE_WORDS,
                corrections=_fixes([(typed, corrected)]),
            )
        )
    return concepts


def _quality(typed: list[tuple[str, str]]) -> float:
    if all(t == c for t, c in typed):
        return 1.0
    if any(not c.startswith(t) for t, c in typed):
        return TYPO_QUALITY
    return PREFIX_QUALITY


def _fixes(typed: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(t, c) for t, c in typed if t != c]
