"""Organization names matched to what people type: exactly, nearly, or by the words they share.

A name typed whole (accents, case and one slip aside) is the organization meant.
Otherwise each content word of the query (articles and prepositions left out) is
looked up among the words of the names, tolerating typos, and an organization
scores the share of the query it covers, each word weighted by its rarity among
names: "Centre" or "Jonquière" count little, "Transit" a lot.
"""

from __future__ import annotations

import math
import uuid
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from directory.index import typo_budget
from directory.text import words

NameRow = tuple[uuid.UUID, str | None, ...]
"""(id, name, alternate name, …): a record and the names it may be called by (None where absent)."""

# Words that never tell one organization from another.
NAME_STOPWORDS = frozenset(
    ["a", "au", "aux", "avec", "chez", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour", "sur", "un", "une", "and", "of", "the"]
)
NEAR = 90  # fuzz.ratio of whole folded names: one slip in a name of ten letters or more
SURE = 0.8  # share of the query covered to show a card at once…
LEAD = 0.15  # …when no other organization comes this close
CLOSE = 0.5  # share of the query covered to be offered as a choice
MAX_CHOICES = 5
PREFIX_LETTERS = 4  # a query word this long may be the start of a name's word
PREFIX_SIMILARITY = 0.8
TYPO_PENALTY = 0.1  # per edit


@dataclass(frozen=True, slots=True)
class Choice:
    """An organization that may be the one meant, with the label to show."""

    org_id: uuid.UUID
    label: str


@dataclass(frozen=True, slots=True)
class NameMatch:
    """The organizations a query may name, best first; ``sure`` when the first one is it."""

    choices: tuple[Choice, ...]
    sure: bool


def content(folded: list[str]) -> list[str]:
    """The words of a name that tell it apart (all of them if it has nothing else)."""
    return [w for w in folded if w not in NAME_STOPWORDS] or folded


class _Ranked(NamedTuple):
    coverage: float  # share of the query's words found in the names, weighted by rarity
    precision: float  # share of the names' words the query matched
    label: str
    number: int


class OrganizationNames:
    """Every organization's names, folded and indexed by word once, to match queries quickly."""

    def __init__(self, rows: Sequence[NameRow]) -> None:
        self.rows = list(rows)
        self._choices = [Choice(row[0], " / ".join(filter(None, row[1:3]))) for row in self.rows]
        self._slugs: list[str] = []
        self._slug_owners: list[int] = []
        self._words: list[frozenset[str]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        for number, (_, *names) in enumerate(self.rows):
            own: set[str] = set()
            for label in filter(None, names):
                folded = words(label)
                self._slugs.append(" ".join(folded))
                self._slug_owners.append(number)
                own.update(content(folded))
            self._words.append(frozenset(own))
            for word in own:
                self._postings[word].append(number)
        self._vocabulary = sorted(self._postings)

    def find(self, query: str) -> NameMatch:
        """The organizations ``query`` may name; none when nothing is close enough."""
        folded = words(query)
        if not folded:
            return NameMatch((), False)
        near = self._nearly_exact(" ".join(folded))
        if len(near) == 1:
            return NameMatch((self._choices[near[0]],), True)
        if near:  # several records bear this very name: those are the choice
            return NameMatch(tuple(self._choices[number] for number in near[:MAX_CHOICES]), False)
        ranked = [r for r in self._ranked(content(folded)) if r.coverage >= CLOSE]
        if not ranked:
            return NameMatch((), False)
        runner_up = ranked[1].coverage if len(ranked) > 1 else 0.0
        sure = ranked[0].coverage >= SURE and ranked[0].coverage - runner_up >= LEAD
        shown = ranked[:1] if sure else ranked[:MAX_CHOICES]
        return NameMatch(tuple(self._choices[r.number] for r in shown), sure)

    def _nearly_exact(self, slug: str) -> list[int]:
        """The records named ``slug`` exactly (accents and case aside), else the one named so but for a
        slip; none when no name, or several names, are that close."""
        best: dict[int, float] = {}
        for _, similarity, position in process.extract(
            slug, self._slugs, scorer=fuzz.ratio, score_cutoff=NEAR, limit=None
        ):
            owner = self._slug_owners[position]
            best[owner] = max(best.get(owner, 0.0), similarity)
        exact = sorted(owner for owner, similarity in best.items() if similarity == 100)
        if exact:
            return exact
        return list(best) if len(best) == 1 else []

    def _ranked(self, query_words: list[str]) -> list[_Ranked]:
        """Every organization sharing a word with the query, best first."""
        count = len(self.rows)
        weights, similar = [], []
        for word in query_words:
            near = self._similar(word)
            best = max(near, key=lambda w: (near[w], -len(self._postings[w])), default=None)
            weights.append(math.log(1 + count / (len(self._postings[best]) if best else 1)))
            similar.append(near)
        found: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(query_words))
        matched: dict[int, set[str]] = defaultdict(set)
        for position, near in enumerate(similar):
            for word, similarity in near.items():
                for number in self._postings[word]:
                    found[number][position] = max(found[number][position], similarity)
                    matched[number].add(word)
        total = sum(weights)
        ranked = [
            _Ranked(sum(w * s for w, s in zip(weights, shares, strict=True)) / total,
                    len(matched[number]) / len(self._words[number]), self._choices[number].label, number)
            for number, shares in found.items()
        ]
        return sorted(ranked, key=lambda r: (-r.coverage, -r.precision, r.label))

    def _similar(self, word: str) -> dict[str, float]:
        """Words of the names close to ``word``, with how close (1 when identical)."""
        near = {
            known: 1.0 - TYPO_PENALTY * edits
            for known, edits, _ in process.extract(
                word, self._vocabulary, scorer=OSA.distance, score_cutoff=typo_budget(word), limit=None
            )
        }
        if len(word) >= PREFIX_LETTERS:
            position = bisect_left(self._vocabulary, word)
            while position < len(self._vocabulary) and self._vocabulary[position].startswith(word):
                near.setdefault(self._vocabulary[position], PREFIX_SIMILARITY)
                position += 1
        return near


class NameCache:
    """The ``OrganizationNames`` of the rows last read, rebuilt only when the rows change."""

    def __init__(self) -> None:
        self._names = OrganizationNames([])

    def of(self, rows: Sequence[NameRow]) -> OrganizationNames:
        """The names of ``rows``, indexed."""
        if list(rows) != self._names.rows:
            self._names = OrganizationNames(rows)
        return self._names
