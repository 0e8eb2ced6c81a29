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
    for i, word in enumerate(folded):
        if i in consumed or i in age_words or word in STOPWORDS:
            continue
        kept.append((word, _correct(word, index, is_last=i == len(folded) - 1)))
    concepts = _concepts(kept, thesaurus)
    for age in ages:
        if age.word_only:
            concepts.extend(_concepts([(w, w) for w in folded[age.start : age.end]], thesaurus, optional=True))
    return ParsedQuery(text, folded, places, ages, concepts)


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
        alternatives += [Alternative(p, SYNONYM_QUALITY, label) for p, label in expansion.alternatives]
        concepts.append(
            Concept(" ".join(t for t, _ in typed), alternatives, expansion.crisis, optional, _fixes(typed))
        )
        covered.update(range(expansion.start, expansion.end))
    for i, (typed, corrected) in enumerate(kept):
        if i not in covered:
            alternative = Alternative((stems[i],), _quality([(typed, corrected)]), corrected)
            concepts.append(Concept(typed, [alternative], False, optional, _fixes([(typed, corrected)])))
    return concepts


def _quality(typed: list[tuple[str, str]]) -> float:
    if all(t == c for t, c in typed):
        return 1.0
    if any(not c.startswith(t) for t, c in typed):
        return TYPO_QUALITY
    return PREFIX_QUALITY


def _fixes(typed: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(t, c) for t, c in typed if t != c]
