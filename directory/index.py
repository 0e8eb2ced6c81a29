"""The in-memory search index: postings of word stems by service, and the vocabulary.

Postings are three parallel arrays (stem, slot, weight): a sorted part, looked up
by binary search, and a short unsorted tail that takes edits. A changed service
gets a new slot and its old slot is marked dead; ``compact`` folds the tail and
drops dead slots once the tail grows. Nothing here reads the database.
"""

from __future__ import annotations

import bisect
import uuid
from collections import Counter
from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from directory.documents import FIELD_WEIGHTS, ServiceDoc
from directory.text import stem, words

STATUS_FACTORS = {"active": 1.0, "temporarily closed": 0.8}
TAIL_LIMIT = 50_000
# A stem found in several fields of a service (name and category) counts a little more.
OTHER_FIELDS_SHARE = 0.1


def typo_budget(word: str) -> int:
    """Edits tolerated in a word of this length (a swap of two letters is one edit):
    none up to 3 letters, one up to 8, then two."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 8 else 2


def _grow(array: np.ndarray, size: int) -> np.ndarray:
    if size <= len(array):
        return array
    bigger = np.empty(max(size, 2 * len(array), 1024), dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger


class SearchIndex:
    """Services, their weighted stems and per-slot attributes, ready for vectorized scoring."""

    def __init__(self) -> None:
        self.docs: list[ServiceDoc | None] = []
        self.slot_of: dict[uuid.UUID, int] = {}
        self.word_counts: Counter[str] = Counter()
        self._words_by_length: dict[int, list[str]] = {}
        self._sorted_words: list[str] = []
        self._learned: set[str] = set()
        self._learned_stems: set[str] = set()
        self._live_stems: Counter[int] = Counter()  # services holding each stem
        self._words_sorted = True
        self._stem_ids: dict[str, int] = {}
        self._stem_id_of_word: dict[str, int] = {}
        self._p_stem = np.empty(0, np.int32)
        self._p_slot = np.empty(0, np.int32)
        self._p_weight = np.empty(0, np.float32)
        self._n_postings = 0
        self._n_sorted = 0
        self.alive = np.zeros(0, bool)
        self.status_factor = np.zeros(0, np.float32)
        self.min_age = np.zeros(0, np.float32)
        self.max_age = np.zeros(0, np.float32)
        self.no_area = np.zeros(0, bool)
        self.address_area = np.zeros(0, bool)
        self.immediacy = np.zeros(0, np.float32)
        self.area_slots: dict[str, list[int]] = {}
        self.category_counts: Counter[str] = Counter()
        self._starts = np.zeros(1, np.int64)  # postings of stem i: sorted part [starts[i], starts[i + 1])

    @classmethod
    def build(cls, docs: Iterable[ServiceDoc]) -> SearchIndex:
        """An index of ``docs``, compacted for lookups."""
        index = cls()
        for doc in docs:
            index._insert(doc)
        index.compact()
        return index

    @property
    def size(self) -> int:
        """Number of slots, dead ones included (the length of every per-slot array)."""
        return len(self.docs)

    @property
    def count(self) -> int:
        """Number of services searchable."""
        return len(self.slot_of)

    def add(self, doc: ServiceDoc) -> None:
        """Index ``doc``, replacing the service's previous version if any."""
        self._insert(doc)
        if self._n_postings - self._n_sorted > TAIL_LIMIT:
            self.compact()

    def _insert(self, doc: ServiceDoc) -> None:
        self.remove(doc.service_id)
        slot = len(self.docs)
        self.docs.append(doc)
        self.slot_of[doc.service_id] = slot
        self._grow_slots(slot + 1)
        self.alive[slot] = True
        self.status_factor[slot] = STATUS_FACTORS.get(doc.status, 0.0)
        self.min_age[slot] = np.nan if doc.minimum_age is None else doc.minimum_age
        self.max_age[slot] = np.nan if doc.maximum_age is None else doc.maximum_age
        self.no_area[slot] = not doc.area_place_ids
        self.address_area[slot] = doc.areas_from_address
        self.immediacy[slot] = doc.immediacy
        for place_id in doc.area_place_ids:
            self.area_slots.setdefault(place_id, []).append(slot)
        self.category_counts.update(doc.categories)
        self._add_postings(slot, self._weighted_stems(doc))

    def remove(self, service_id: uuid.UUID) -> None:
        """Forget a service (its slot stays, dead, until the next compaction)."""
        slot = self.slot_of.pop(service_id, None)
        if slot is not None:
            doc = self.docs[slot]
            self.alive[slot] = False
            self.docs[slot] = None
            if doc is not None:
                self.category_counts.subtract(doc.categories)
                self.category_counts += Counter()  # drop categories no service has any more
                self._forget_words(doc)

    def _forget_words(self, doc: ServiceDoc) -> None:
        """Uncount the words of a removed service; words no service holds any more are forgotten,
        except those learned from the synonyms table."""
        counts = Counter(word for text in doc.texts.values() for word in words(text))
        for stem_id in {self._word_stem_id(word) for word in counts}:
            self._live_stems[stem_id] -= 1
            if self._live_stems[stem_id] <= 0:  # no service holds it any more
                del self._live_stems[stem_id]
        for word, count in counts.items():
            left = self.word_counts[word] - count
            if left > 0 or word in self._learned:
                self.word_counts[word] = max(left, 0)
            else:
                del self.word_counts[word]
                self._words_by_length[len(word)].remove(word)
                self._sorted_words.remove(word)

    def _grow_slots(self, size: int) -> None:
        self.alive = _grow(self.alive, size)
        self.status_factor = _grow(self.status_factor, size)
        self.min_age = _grow(self.min_age, size)
        self.max_age = _grow(self.max_age, size)
        self.no_area = _grow(self.no_area, size)
        self.address_area = _grow(self.address_area, size)
        self.immediacy = _grow(self.immediacy, size)

    def _weighted_stems(self, doc: ServiceDoc) -> dict[int, float]:
        """Each stem's weight: its best field, plus a little for every other field it is in."""
        best: dict[int, float] = {}
        spread: dict[int, float] = {}
        for field, text in doc.texts.items():
            weight = FIELD_WEIGHTS[field]
            found = words(text)
            distinct = set(found)
            for word in distinct:
                if word not in self.word_counts:
                    self._add_word(word)
            self.word_counts.update(found)
            for stem_id in {self._word_stem_id(word) for word in distinct}:
                spread[stem_id] = spread.get(stem_id, 0.0) + weight
                if best.get(stem_id, 0.0) < weight:
                    best[stem_id] = weight
        self._live_stems.update(best.keys())
        return {s: w + OTHER_FIELDS_SHARE * (spread[s] - w) for s, w in best.items()}

    def _add_word(self, word: str) -> None:
        self._words_by_length.setdefault(len(word), []).append(word)
        self._sorted_words.append(word)
        self._words_sorted = False

    def learn_words(self, known: Iterable[str]) -> None:
        """Accept ``known`` words (from the synonyms table) as spellings to correct towards."""
        for word in known:
            self._learned.add(word)
            self._learned_stems.add(stem(word))
            if word not in self.word_counts:
                self._add_word(word)
                self.word_counts[word] = 0

    def _word_stem_id(self, word: str) -> int:
        stem_id = self._stem_id_of_word.get(word)
        if stem_id is None:
            stem_id = self._stem_id_of_word[word] = self._stem_id(stem(word))
        return stem_id

    def _stem_id(self, value: str) -> int:
        stem_id = self._stem_ids.get(value)
        if stem_id is None:
            stem_id = self._stem_ids[value] = len(self._stem_ids)
        return stem_id

    def _add_postings(self, slot: int, stems: dict[int, float]) -> None:
        start, end = self._n_postings, self._n_postings + len(stems)
        self._p_stem = _grow(self._p_stem, end)
        self._p_slot = _grow(self._p_slot, end)
        self._p_weight = _grow(self._p_weight, end)
        self._p_stem[start:end] = np.fromiter(stems.keys(), np.int32, len(stems))
        self._p_slot[start:end] = slot
        self._p_weight[start:end] = np.fromiter(stems.values(), np.float32, len(stems))
        self._n_postings = end

    def compact(self) -> None:
        """Sort every posting by stem and drop those of dead slots."""
        n = self._n_postings
        stems, slots, weights = self._p_stem[:n], self._p_slot[:n], self._p_weight[:n]
        keep = self.alive[slots]
        stems, slots, weights = stems[keep], slots[keep], weights[keep]
        order = np.lexsort((slots, stems))
        self._p_stem, self._p_slot, self._p_weight = stems[order], slots[order], weights[order]
        self._n_postings = self._n_sorted = len(order)
        self._starts = np.searchsorted(self._p_stem, np.arange(len(self._stem_ids) + 1, dtype=np.int32))

    def postings(self, stem_value: str) -> tuple[np.ndarray, np.ndarray]:
        """Slots holding ``stem_value`` and the weight of the best field it appears in."""
        stem_id = self._stem_ids.get(stem_value)
        if stem_id is None:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        if stem_id + 1 < len(self._starts):
            lo, hi = self._starts[stem_id], self._starts[stem_id + 1]
        else:  # a stem first seen since the last compaction: only in the tail
            lo = hi = 0
        slots, weights = self._p_slot[lo:hi], self._p_weight[lo:hi]
        if self._n_postings > self._n_sorted:
            tail = slice(self._n_sorted, self._n_postings)
            hit = self._p_stem[tail] == stem_id
            if hit.any():
                slots = np.concatenate([slots, self._p_slot[tail][hit]])
                weights = np.concatenate([weights, self._p_weight[tail][hit]])
        return slots, weights

    def knows(self, word: str) -> bool:
        """True when ``word``, or another form of it ("homme" for "hommes"), appears in some service
        or in the synonyms table."""
        if word in self.word_counts:
            return True
        stemmed = stem(word)
        return self._stem_ids.get(stemmed, -1) in self._live_stems or stemmed in self._learned_stems

    def closest_word(self, word: str) -> str | None:
        """The indexed word nearest to ``word`` within its typo budget (most frequent on ties)."""
        budget = typo_budget(word)
        if budget == 0:
            return None
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - budget, len(word) + budget + 1):
            candidates = self._words_by_length.get(length)
            if not candidates:
                continue
            for candidate, distance, _ in process.extract(
                word, candidates, scorer=OSA.distance, score_cutoff=budget, limit=None
            ):
                if candidate[0] != word[0]:
                    distance += 1  # a typo on the first letter is rarer: it costs double
                if distance > budget:
                    continue
                key = (distance, -self.word_counts[candidate], candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def completions(self, prefix: str, limit: int = 8) -> list[str]:
        """Indexed words starting with ``prefix``, most frequent first."""
        if not self._words_sorted:
            self._sorted_words.sort()
            self._words_sorted = True
        start = bisect.bisect_left(self._sorted_words, prefix)
        found: list[str] = []
        for word in self._sorted_words[start:]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return sorted(found, key=lambda w: -self.word_counts[w])[:limit]
