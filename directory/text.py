"""French text normalization shared by search, places and synonyms.

Everything that compares words goes through the same pipeline: NFC, casefold,
elisions removed (l', d', qu', … with either apostrophe), accents and ligatures
folded, then a light Snowball French stem for matching.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

ELISIONS = ("jusqu", "quoiqu", "lorsqu", "puisqu", "qu", "l", "m", "t", "n", "s", "j", "d", "c")
_APOSTROPHES = {"\u2019": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}
_ELISION_RE = re.compile(rf"\b(?:{'|'.join(ELISIONS)})'(?=\w)")
_WORD_RE = re.compile(r"[a-z0-9]+")
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss"}
_STEMMER = snowballstemmer.stemmer("french")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Ligatures, apostrophes and accented Latin letters, folded once here so that most texts
# fold by a single translate.
_FOLDED = str.maketrans(
    {
        **{chr(code): _strip_accents(chr(code)) for code in range(0xC0, 0x250) if _strip_accents(chr(code)) != chr(code)},
        **_LIGATURES,
        **_APOSTROPHES,
    }
)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents and ligatures ("Œuvre à Jonquière" → "oeuvre a jonquiere")."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_FOLDED)
    return text if text.isascii() else _strip_accents(text)


def words(text: str) -> list[str]:
    """Split ``text`` into folded words, dropping French elisions ("l'aide d'urgence" → aide, urgence)."""
    return _WORD_RE.findall(_ELISION_RE.sub(" ", fold(text)))


# Where the Snowball stemmer merges words a referral tells apart (loyer / loi, crise / cri,
# cours / cour, réfugié / refuge) or splits one word's forms (aîné / aînée, jeune / jeunesse).
STEM_OVERRIDES = {
    **dict.fromkeys(("loyer", "loyers"), "loyer"),
    **dict.fromkeys(("crise", "crises"), "crise"),
    **dict.fromkeys(("cours",), "cours"),
    **dict.fromkeys(("refugie", "refugies", "refugiee", "refugiees"), "refugie"),
    **dict.fromkeys(("aine", "aines", "ainee", "ainees"), "aine"),
    **dict.fromkeys(("jeunesse", "jeunesses"), "jeun"),
}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of an already folded word, with plurals in -s reduced consistently."""
    if word in STEM_OVERRIDES:
        return STEM_OVERRIDES[word]
    if word.isdigit() or len(word) <= 2:
        return word
    stemmed = _STEMMER.stemWord(word)
    if stemmed.endswith("s") and len(stemmed) > 3:
        stemmed = stemmed[:-1]
    return stemmed


def stems(text: str) -> list[str]:
    """Folded, stemmed words of ``text``."""
    return [stem(w) for w in words(text)]


def slug(text: str) -> str:
    """Folded words joined by single spaces: the comparison key for names."""
    return " ".join(words(text))


# Words that carry no need in a referral question. "sans", "pas", "plus", "seul"
# and numbers are kept on purpose: "sans rendez-vous", "sans statut", "plus de 65 ans".
STOPWORDS = frozenset(
    ["a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "chez", "d", "dans", "de", "des", "du", "elle", "elles", "en", "et", "eux", "il", "ils", "je", "j", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "me", "mes", "moi", "mon", "n", "ne", "nos", "notre", "nous", "on", "ou", "par", "pour", "qu", "que", "quel", "quelle", "quelles", "quels", "qui", "quoi", "s", "sa", "se", "ses", "si", "son", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y", "est", "sont", "etre", "ete", "ai", "as", "avons", "avez", "ont", "avoir", "fait", "faire", "svp", "stp", "sil", "plait", "bonjour", "allo", "salut", "merci", "besoin", "besoins", "cherche", "chercher", "recherche", "trouver", "trouve", "ou", "quelqu", "quelque", "comment", "pourquoi", "quand", "combien", "peut", "peux", "pouvez", "veux", "voudrais", "voudrait", "aimerais", "aimerait", "faut", "faudrait", "doit", "dois", "envoyer", "referer", "diriger", "orienter", "appeler", "contacter", "rejoindre", "organisme", "organismes", "ressource", "ressources", "service", "services", "endroit", "place", "quoi", "genre", "aussi", "tres", "bien", "mais", "donc", "alors", "veut", "veulent", "voulait", "pense", "pensais", "crois", "depuis", "pis", "ca", "va", "vais", "suis", "etait", "avait", "encore", "comme", "juste", "vraiment", "beaucoup", "deja", "parce", "urgent", "urgente", "vite", "rapidement", "asap", "aujourd", "hui", "demain", "secteur", "quartier", "coin", "st", "ste"]
)


def content_words(words_: list[str]) -> list[str]:
    """The words of a question that may name a need (stop words removed)."""
    return [w for w in words_ if w not in STOPWORDS]
