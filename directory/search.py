"""Search: "qui appeler ?" answered from the in-memory index, or honestly not answered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.catalog import load_documents
from directory.documents import ServiceDoc
from directory.index import SearchIndex
from directory.places import Gazetteer, Place
from directory.query import ParsedQuery, parse
from directory.ranking import eligibility, explain, place_factors, relaxed, score
from directory.synonyms import Thesaurus
from directory.text import fold, words

# Below this score the best answer is a guess: the search abstains.
ABSTAIN_BELOW = 0.2
# Answers far below the best one are noise.
RELATIVE_FLOOR = 0.3
# An answer must hold at least this share of what the question asks for.
MIN_COVERAGE = 0.4


@dataclass(frozen=True, slots=True)
class Result:
    """One service answering the question, and why."""

    doc: ServiceDoc
    score: float
    why: list[str]


@dataclass(slots=True)
class SearchResponse:
    """The answers to a question, the places read in it, or why there is none."""

    query: ParsedQuery
    results: list[Result]
    total: int
    place: Place | None
    place_relaxed: bool = False
    abstained: bool = False
    suggestions: list[str] = field(default_factory=list)

    @property
    def places(self) -> list[Place]:
        """Places named in the question."""
        return [mention.place for mention in self.query.places]


class Search:
    """The directory's search: index, places and synonyms together."""

    def __init__(self, index: SearchIndex, gazetteer: Gazetteer, thesaurus: Thesaurus) -> None:
        self.index = index
        self.gazetteer = gazetteer
        self.use_thesaurus(thesaurus)

    def use_thesaurus(self, thesaurus: Thesaurus) -> None:
        """Search with ``thesaurus`` from now on (after synonyms were added or removed); its words are
        learnt, so that a typo in one of them is read as it."""
        self.thesaurus = thesaurus
        self.index.learn_words(w for cluster in thesaurus.clusters for label in cluster.labels for w in words(label))

    @classmethod
    async def from_database(
        cls, sessions: async_sessionmaker[AsyncSession], gazetteer: Gazetteer, thesaurus: Thesaurus
    ) -> Search:
        """A search over every service in the database."""
        async with sessions() as session:
            docs = await load_documents(session, gazetteer)
        return cls(SearchIndex.build(docs), gazetteer, thesaurus)

    async def refresh(self, sessions: async_sessionmaker[AsyncSession], service_ids: list[uuid.UUID]) -> None:
        """Re-read ``service_ids`` from the database after an edit (deleted ones are dropped)."""
        async with sessions() as session:
            docs = await load_documents(session, self.gazetteer, service_ids)
        for service_id in set(service_ids) - {d.service_id for d in docs}:
            self.index.remove(service_id)
        for doc in docs:
            self.index.add(doc)

    def search(
        self, text: str, *, place: str | None = None, default_place: str | None = None, limit: int = 5, offset: int = 0
    ) -> SearchResponse:
        """Services answering ``text``; ``place`` overrides the place read in the text,
        ``default_place`` (a place's id or name) applies when the text names none."""
        parsed = parse(text, self.index, self.gazetteer, self.thesaurus)
        where = self._place(parsed, place, default_place)
        scored = score(parsed, self.index)
        kept = scored.scores * eligibility(parsed, self.index) * (scored.coverage >= MIN_COVERAGE)
        final, relaxed_place = kept, False
        if where is not None:
            by_place = place_factors(where, self.index, self.gazetteer)
            final = kept * by_place
            if final.max(initial=0.0) < ABSTAIN_BELOW:  # nothing answers there: say so, show the nearest
                final, relaxed_place = kept * relaxed(by_place), True
        best = float(final.max(initial=0.0))
        if kept.max(initial=0.0) < ABSTAIN_BELOW or scored.required == 0:
            return SearchResponse(parsed, [], 0, where, relaxed_place, True, self.suggestions(parsed))
        floor = best * RELATIVE_FLOOR
        candidates = np.flatnonzero((final >= floor) & (final > 0) & (kept >= ABSTAIN_BELOW))
        page = self._page(final, candidates, offset, limit)
        results = [
            Result(doc, float(final[slot]), explain(doc, parsed, where, self.gazetteer))
            for slot in page
            if (doc := self.index.docs[slot]) is not None
        ]
        return SearchResponse(parsed, results, len(candidates), where, relaxed_place)

    def _page(self, final: np.ndarray, candidates: np.ndarray, offset: int, limit: int) -> list[int]:
        """Slots ``offset`` to ``offset + limit`` of ``candidates`` by score, then service name."""
        wanted = offset + limit
        scores = np.round(final[candidates], 6)
        if len(candidates) > wanted:  # only the best ones, and those tied with the last of them, get sorted
            cutoff = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
            keep = scores >= cutoff
            candidates, scores = candidates[keep], scores[keep]
        docs = self.index.docs
        ranked = sorted(zip(candidates.tolist(), scores.tolist(), strict=True), key=lambda p: (-p[1], docs[p[0]].service_name))
        return [slot for slot, _ in ranked[offset:wanted]]

    def _place(self, parsed: ParsedQuery, place: str | None, default_place: str | None) -> Place | None:
        if place:
            return self.gazetteer.resolve(place)
        if parsed.places:
            return parsed.places[0].place
        if not default_place:
            return None
        return self.gazetteer.get(default_place) or self.gazetteer.resolve(default_place)

    def suggestions(self, parsed: ParsedQuery, limit: int = 4) -> list[str]:
        """Categories of the directory nearest to the question, for when nothing fits."""
        counts = self.index.category_counts
        if not counts:
            return []
        names = list(counts)
        needs = " ".join(c.label for c in parsed.concepts) or parsed.text
        near = process.extract(fold(needs), names, scorer=fuzz.token_set_ratio, processor=fold, limit=limit)
        close = [name for name, similarity, _ in near if similarity >= 50]
        return close or [name for name, _ in counts.most_common(limit)]
