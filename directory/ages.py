"""Ages read from a French question: "3 ans", "bébé de 6 mois", "0-5 ans", "ado", "aîné"."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that name an age group, with the ages they stand for (years, inclusive).
AGE_WORDS: dict[str, tuple[float, float]] = {
    "bebe": (0, 1.5), "bebes": (0, 1.5), "nourrisson": (0, 1), "nourrissons": (0, 1),
    "poupon": (0, 1.5), "poupons": (0, 1.5),
    "bambin": (1, 3), "bambins": (1, 3), "toutpetit": (0, 5), "prescolaire": (3, 5),
    "ado": (12, 17), "ados": (12, 17), "adolescent": (12, 17), "adolescents": (12, 17),
    "adolescente": (12, 17), "adolescentes": (12, 17), "adolescence": (12, 17),
    "aine": (65, 120), "aines": (65, 120), "ainee": (65, 120), "ainees": (65, 120),
    "retraite": (65, 120), "retraites": (65, 120),
}
_NUMBER = r"(\d{1,3}(?:[.,]5)?)"
_RANGE = re.compile(rf"^{_NUMBER}\s+(?:a\s+|et\s+)?{_NUMBER}\s+(ans?|mois)$")
_SINGLE = re.compile(rf"^{_NUMBER}\s+(ans?|mois)$")


@dataclass(frozen=True, slots=True)
class AgeMention:
    """An age or age range named in a question, and where it stands in its words."""

    low: float
    high: float
    start: int
    end: int
    label: str
    word_only: bool  # named by a word ("ado"), not a number

    @property
    def age(self) -> float:
        """The age the search checks services against (middle of a range)."""
        return (self.low + self.high) / 2


def _years(value: str, unit: str) -> float:
    number = float(value.replace(",", "."))
    return number / 12 if unit == "mois" else number


def find_ages(words: list[str]) -> list[AgeMention]:
    """Ages named in ``words`` (folded words of a question), left to right, non-overlapping."""
    found: list[AgeMention] = []
    i = 0
    while i < len(words):
        mention = _age_at(words, i)
        if mention is None:
            i += 1
            continue
        found.append(mention)
        i = mention.end
    return found


def _age_at(words: list[str], i: int) -> AgeMention | None:
    for width in (4, 3, 2):
        chunk = " ".join(words[i : i + width])
        if len(words) - i < width:
            continue
        if match := _RANGE.match(chunk):
            low, high = _years(match[1], match[3]), _years(match[2], match[3])
            if low <= high <= 120:
                return AgeMention(low, high, i, i + width, chunk, False)
        if width == 2 and (match := _SINGLE.match(chunk)):
            age = _years(match[1], match[2])
            if age <= 120:
                return AgeMention(age, age, i, i + width, chunk, False)
    if i + 1 < len(words) and (joined := words[i] + words[i + 1]) in AGE_WORDS:  # "tout petit"
        return AgeMention(*AGE_WORDS[joined], i, i + 2, f"{words[i]} {words[i + 1]}", True)
    if words[i] in AGE_WORDS:
        return AgeMention(*AGE_WORDS[words[i]], i, i + 1, words[i], True)
    if words[i] in ("personne", "personnes") and i + 1 < len(words) and words[i + 1] in ("agee", "agees"):
        return AgeMention(65, 120, i, i + 2, "personne âgée", True)
    return None


def fits(low: float, high: float, minimum: float | None, maximum: float | None) -> bool:
    """True when a service for ages ``minimum``–``maximum`` serves someone aged ``low``–``high``."""
    if minimum is not None and high < minimum:
        return False
    return maximum is None or low <= maximum
