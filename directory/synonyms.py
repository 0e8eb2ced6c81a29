"""The synonyms and acronyms table: which words of a question also mean which others.

Clusters come from ``directory/data/synonyms.csv`` (and any extra CSV of the same
layout), and from the ``synonym`` table that admins add to from the chat:
``synonyme`` and ``acronyme`` clusters are symmetric, ``vers`` expands its
first term to the others only, ``crise`` is symmetric and marks the need as urgent.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime
from directory.text import content_words, stem, words

KINDS = ("synonyme", "acronyme", "vers", "crise")
# A "vers" row lists its targets best first: each next one is preferred a little less.
VERS_STEP = 0.04
Phrase = tuple[str, ...]


def to_phrase(text: str) -> Phrase:
    """The stems of the meaningful words of ``text``: the key a term is matched by."""
    return tuple(stem(w) for w in content_words(words(text)))


class SynonymRow(Base):
    """A cluster added by an admin: its kind and its terms, ``|``-separated as in the CSV."""

    __tablename__ = "synonym"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))
    terms: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(Text)
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True, slots=True)
class Cluster:
    """Terms that stand for one another, as written and as matched."""

    kind: str
    labels: tuple[str, ...]
    phrases: tuple[Phrase, ...]

    @property
    def crisis(self) -> bool:
        """True for an urgent need (suicide, violence, crisis)."""
        return self.kind == "crise"


@dataclass(frozen=True, slots=True)
class Expansion:
    """A phrase of the question, where it stands, and the other phrases it also means."""

    start: int
    end: int
    phrase: Phrase
    # (phrase, label as written in the table, preference: 1, or less for later targets of a "vers" row)
    alternatives: tuple[tuple[Phrase, str, float], ...]
    crisis: bool


class Thesaurus:
    """Looks up the phrases of a question in the clusters, longest phrase first."""

    def __init__(self, clusters: Iterable[Cluster]) -> None:
        self.clusters = list(clusters)
        self._by_phrase: dict[Phrase, list[Cluster]] = {}
        for cluster in self.clusters:
            triggers = cluster.phrases[:1] if cluster.kind == "vers" else cluster.phrases
            for phrase in triggers:
                if phrase:
                    self._by_phrase.setdefault(phrase, []).append(cluster)
        self._longest = max((len(p) for p in self._by_phrase), default=1)

    @classmethod
    def load(cls, extra: Iterable[Path] = (), added: Iterable[Cluster] = ()) -> Thesaurus:
        """The shipped starter table plus ``extra`` CSV files of the same layout, then the clusters
        ``added`` from the chat (``added_clusters``)."""
        shipped = resources.files("directory") / "data" / "synonyms.csv"
        with shipped.open(encoding="utf-8", newline="") as handle:
            clusters = list(to_clusters(csv.DictReader(handle)))
        for path in extra:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                clusters.extend(to_clusters(csv.DictReader(handle)))
        return cls([*clusters, *added])

    def expand(self, stems: list[str]) -> Iterator[Expansion]:
        """Phrases of ``stems`` found in the table, longest first and non-overlapping."""
        i = 0
        while i < len(stems):
            for width in range(min(self._longest, len(stems) - i), 0, -1):
                phrase = tuple(stems[i : i + width])
                clusters = self._by_phrase.get(phrase)
                if clusters:
                    yield self._expansion(i, i + width, phrase, clusters)
                    i += width
                    break
            else:
                i += 1

    @staticmethod
    def _expansion(start: int, end: int, phrase: Phrase, clusters: list[Cluster]) -> Expansion:
        alternatives: dict[Phrase, tuple[str, float]] = {}
        for cluster in clusters:
            targets = zip(cluster.phrases, cluster.labels, strict=True)
            for rank, (other, label) in enumerate(t for t in targets if t[0] and t[0] != phrase):
                preference = 1.0 - VERS_STEP * rank if cluster.kind == "vers" else 1.0
                if alternatives.get(other, ("", 0.0))[1] < preference:
                    alternatives[other] = (label, preference)
        crisis = any(c.crisis for c in clusters)
        found = tuple((other, label, preference) for other, (label, preference) in alternatives.items())
        return Expansion(start, end, phrase, found, crisis)


def to_clusters(rows: Iterable[Mapping[str, str]]) -> Iterator[Cluster]:
    """Clusters from CSV rows with columns ``kind``, ``terms`` (``|``-separated) and ``note``."""
    for number, row in enumerate(rows, start=2):
        kind = (row.get("kind") or "").strip()
        if kind not in KINDS:
            raise ValueError(f"synonymes, ligne {number} : type « {kind} » inconnu (attendu : {', '.join(KINDS)})")
        labels = tuple(t.strip() for t in (row.get("terms") or "").split("|") if t.strip())
        if len(labels) < 2:
            raise ValueError(f"synonymes, ligne {number} : il faut au moins deux termes séparés par « | »")
        yield Cluster(kind, labels, tuple(to_phrase(label) for label in labels))


async def added_rows(sessions: async_sessionmaker[AsyncSession]) -> list[SynonymRow]:
    """The clusters added from the chat, oldest first."""
    async with sessions() as session:
        return list(await session.scalars(select(SynonymRow).order_by(SynonymRow.added_at, SynonymRow.id)))


async def added_clusters(sessions: async_sessionmaker[AsyncSession]) -> list[Cluster]:
    """The clusters added from the chat, ready for ``Thesaurus.load(added=...)``."""
    rows = await added_rows(sessions)
    return list(to_clusters({"kind": row.kind, "terms": row.terms, "note": row.note} for row in rows))
