"""Québec places: a gazetteer of regions, MRC, territories, municipalities and their parts.

Rows come from ``directory/data/places.csv`` (and any extra CSV of the same layout:
``id,name,kind,parent_id,alternate_names,ambiguous``). Each place has one parent, so
that an arrondissement or a secteur lies in a municipality, which lies in an MRC or a
territory (Ville de Saguenay, agglomérations), which lies in a region, which lies in
Québec (``QC``).

Names are compared by key: folded words (``directory.text.words``) with "st"/"ste"
read as "saint"/"sainte", and one-letter words dropped, so that "Jonquière",
"jonquiere", "St-Ambroise", "saint ambroise" and "Métabetchouan–Lac-à-la-Croix"
find their place. A name that starts with an article is also known without it
("Le Granit" → "granit"), but only as an ambiguous name.

When one key names several places the choice is deterministic:

1. the kinds hinted by a generic word ("ville de", "MRC de", "région de",
   "arrondissement") are preferred when one of the places has that kind;
2. an MRC gives way to any other kind ("Coaticook" is the town, "MRC de Coaticook"
   the MRC);
3. the place that contains the others wins ("Québec" is the province and "ville de
   Québec" the city; "Saguenay" is the territory Ville de Saguenay, not the
   municipality inside it; "Montréal" is the region);
4. otherwise the row listed first (Saguenay–Lac-Saint-Jean and Estrie come first).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from directory.text import STOPWORDS, words

KINDS = ("province", "region", "mrc", "territoire", "municipalite", "arrondissement", "secteur")
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes", "mt": "mont"}
ARTICLES = frozenset({"le", "la", "les"})
CONNECTORS = ARTICLES | {"de", "du", "des", "au", "aux", "en"}
# Words after which an ambiguous name ("Racine", "Stoke", "Milan") is taken as a place.
PREPOSITIONS = frozenset({"a", "au", "aux", "en", "dans", "sur", "de", "du", "des", "pres", "proche", "vers"})
# Generic words naming a kind of place, with the kinds they hint at.
_HINTS = {
    ("municipalite", "territoire"): "ville",
    ("municipalite",): "municipalite paroisse canton village",
    ("mrc", "territoire"): "mrc regionale comte territoire",
    ("territoire",): "agglomeration",
    ("region",): "region administrative",
    ("arrondissement",): "arrondissement",
    ("secteur", "arrondissement"): "secteur quartier",
    ("province",): "province",
    (): "tout toute ensemble partout",
}
GENERIC = {word: kinds for kinds, names in _HINTS.items() for word in names.split()}
_LEADING = PREPOSITIONS | CONNECTORS | GENERIC.keys()
MIN_TYPO_LETTERS = 5  # names shorter than this must be written exactly
_WITHIN = re.compile(r"(.+)\((.+)\)")  # "Saint-Isidore (Montérégie)": a name and the wider place it is in
_PARTS = re.compile(r"[,;/()]|\s[-–—]\s")


@dataclass(frozen=True, slots=True)
class Place:
    """One place of the gazetteer."""

    id: str
    name: str
    kind: str  # province | region | mrc | territoire | municipalite | arrondissement | secteur
    parent_id: str | None


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in a question: its words are ``text.words(question)[start:end]``."""

    place: Place
    start: int  # first word, including the preposition or generic word that introduced the place
    end: int  # one past the last word of the name
    typo: bool  # matched with one edit


def to_key(text: str) -> str:
    """The comparison key of a place name ("St-Félix-d'Otis" → "saint felix otis")."""
    return " ".join(word for _, word in _normalized(words(text)))


def _normalized(tokens: list[str]) -> list[tuple[int, str]]:
    """(index, word) of the words that count in a name: abbreviations expanded, single letters dropped."""
    return [(i, ABBREVIATIONS.get(w, w)) for i, w in enumerate(tokens) if len(w) > 1 or w.isdigit()]


def _letters(key: str) -> int:
    return len(key) - key.count(" ")


def _hints(lead: list[str]) -> tuple[str, ...]:
    """The kinds hinted by the last generic word of ``lead`` ("municipalité régionale de comté" → MRC)."""
    return next((GENERIC[w] for w in reversed(lead) if GENERIC.get(w)), ())


class Gazetteer:
    """Looks places up by name, in free text, and along the parent chain."""

    def __init__(self, places: Iterable[Place], names: Mapping[str, Mapping[str, bool]]) -> None:
        """``names`` maps each name key to the ids of the places it names, in row order, with whether
        the name is ambiguous for that place."""
        self._places = {place.id: place for place in places}
        self._children: dict[str, list[str]] = {}
        for place in self._places.values():
            if place.parent_id is not None:
                if place.parent_id not in self._places:
                    raise ValueError(f"place {place.id}: unknown parent {place.parent_id}")
                self._children.setdefault(place.parent_id, []).append(place.id)
        self._check_acyclic()
        self._keys = names
        self._longest = max((key.count(" ") + 1 for key in self._keys), default=1)
        self._similar_keys: dict[str, str] | None = None
        # (word count, length) → keys of that word count within one character of that length
        self._near: dict[tuple[int, int], list[str]] = {}
        for key in self._keys:
            for length in range(len(key) - 1, len(key) + 2):
                self._near.setdefault((key.count(" ") + 1, length), []).append(key)

    @classmethod
    def load(cls, extra: Iterable[Path] = ()) -> Gazetteer:
        """The shipped gazetteer plus ``extra`` CSV files of the same layout (later rows replace same ids)."""
        shipped = resources.files("directory") / "data" / "places.csv"
        with shipped.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for path in extra:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows.extend(csv.DictReader(handle))
        return cls.from_rows(rows)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> Gazetteer:
        """A gazetteer from CSV-like rows; a row whose id is already known replaces the earlier one."""
        table: dict[str, tuple[Place, list[str], bool]] = {}
        for row in rows:
            place_id, kind = row["id"].strip(), row["kind"].strip()
            if not place_id or kind not in KINDS:
                raise ValueError(f"place {place_id!r}: bad id or kind {kind!r}")
            place = Place(place_id, row["name"].strip(), kind, (row.get("parent_id") or "").strip() or None)
            alternates = [n.strip() for n in (row.get("alternate_names") or "").split("|") if n.strip()]
            table[place_id] = (place, [place.name, *alternates], (row.get("ambiguous") or "").strip() == "1")
        names: dict[str, dict[str, bool]] = {}
        for place, labels, ambiguous in table.values():
            for label in labels:
                key = to_key(label)
                first, _, rest = key.partition(" ")
                for name, unsure in ((key, ambiguous), (rest if first in ARTICLES else "", True)):
                    if name:  # a place is ambiguous under a name only if all its labels with that key are
                        entry = names.setdefault(name, {})
                        entry[place.id] = entry.get(place.id, True) and unsure
        return cls((place for place, _, _ in table.values()), names)

    def __iter__(self) -> Iterator[Place]:
        """Every place, in row order."""
        return iter(self._places.values())

    def get(self, place_id: str) -> Place | None:
        """The place with this id, if any."""
        return self._places.get(place_id)

    def similar(self, name: str, limit: int = 3, cutoff: float = 60) -> list[Place]:
        """Places whose names look like ``name`` (for "did you mean…" when it resolves to nothing)."""
        if self._similar_keys is None:
            self._similar_keys = {p.id: to_key(p.name) for p in self}
        found = process.extract(to_key(name), self._similar_keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        return [self._places[place_id] for _, _, place_id in found]

    def resolve(self, name: str) -> Place | None:
        """The place a service area or an address city names, or None when nothing is close enough.

        The whole name is tried first, then generic prefixes are dropped ("MRC du
        Fjord-du-Saguenay", "Arrondissement de Jonquière", "Région de l'Estrie"),
        then one typo is allowed; last, for "Jonquière, Saguenay" or "Saguenay
        (Jonquière)", the most specific of the pieces that resolve. A homonym is told
        apart by the wider place after it: "Saint-Isidore (Montérégie)".
        """
        if (within := _WITHIN.fullmatch(name.strip())) and (outer := self.resolve(within[2])) is not None:
            key = to_key(within[1])
            inside = [p for p in self if to_key(p.name) == key and self.covers(outer.id, p.id)]
            if len(inside) == 1:
                return inside[0]
        found = self._resolve_words(to_key(name).split())
        parts = _PARTS.split(name)
        if found is not None or len(parts) < 2:
            return found
        pieces = [p for p in (self._resolve_words(to_key(part).split()) for part in parts) if p is not None]
        return max(pieces, key=lambda p: len(self.ancestors(p.id)), default=None)

    def find_in_text(self, text: str) -> list[PlaceMention]:
        """Places named in a question, in order: longest names first, never overlapping.

        Ambiguous names count only after a preposition or a generic word ("à Racine",
        "secteur Stoke"). One typo is tolerated in unambiguous names of five letters or
        more, but not on the first letter, and names under seven letters only forgive a
        missing letter, so that ordinary words ("action", "brume", "devis") stay words.
        """
        tokens = words(text)
        norm = _normalized(tokens)
        candidates: list[tuple[int, bool, int, Place]] = []  # (word count, typo, position in norm, place)
        for i in range(len(norm)):
            introduced, hints = self._lead(tokens, norm[i][0])
            for n in range(min(self._longest, len(norm) - i), 0, -1):
                window = [w for _, w in norm[i : i + n]]
                key = " ".join(window)
                if key.isdigit():
                    continue
                entries = self._keys.get(key)
                if entries is not None:
                    ids = [pid for pid, ambiguous in entries.items() if introduced or not ambiguous]
                    if ids:
                        candidates.append((n, False, i, self._choose(ids, hints)))
                elif window[0] not in STOPWORDS and window[-1] not in STOPWORDS:
                    place = self._fuzzy(key, hints, strict=True)
                    if place is not None:
                        candidates.append((n, True, i, place))
        taken: set[int] = set()
        chosen: list[tuple[int, int, bool, Place]] = []
        for n, typo, i, place in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
            if taken.isdisjoint(range(i, i + n)):
                taken.update(range(i, i + n))
                chosen.append((i, n, typo, place))
        mentions: list[PlaceMention] = []
        previous_end = 0
        for i, n, typo, place in sorted(chosen, key=lambda c: c[0]):
            first, end = norm[i][0], norm[i + n - 1][0] + 1
            start = max(self._lead_start(tokens, first), previous_end)
            mentions.append(PlaceMention(place, start, end, typo))
            previous_end = end
        return mentions

    def ancestors(self, place_id: str) -> list[Place]:
        """The place itself, then its parent, and so on up to Québec (empty for an unknown id)."""
        chain: list[Place] = []
        place = self._places.get(place_id)
        while place is not None:
            chain.append(place)
            place = self._places.get(place.parent_id) if place.parent_id else None
        return chain

    def descendants(self, place_id: str) -> set[str]:
        """Ids of the places strictly inside ``place_id``."""
        inside: set[str] = set()
        pending = list(self._children.get(place_id, ()))
        while pending:
            child = pending.pop()
            inside.add(child)
            pending.extend(self._children.get(child, ()))
        return inside

    def covers(self, area_id: str, place_id: str) -> bool:
        """True when ``place_id`` is ``area_id`` or lies inside it (Estrie covers Fleurimont)."""
        return any(place.id == area_id for place in self.ancestors(place_id))

    def children(self, place_id: str) -> list[Place]:
        """The places directly inside ``place_id``, in row order."""
        return [self._places[child] for child in self._children.get(place_id, ())]

    def _check_acyclic(self) -> None:
        """Raise ValueError when following parents from some place comes back to a place already seen."""
        for place in self._places.values():
            seen = {place.id}
            parent = place.parent_id
            while parent is not None:
                if parent in seen:
                    raise ValueError(f"place {place.id}: its parents form a cycle")
                seen.add(parent)
                parent = self._places[parent].parent_id

    def _resolve_words(self, tokens: list[str]) -> Place | None:
        """Exact key, then without generic prefixes, then with one typo."""
        cuts = list(self._cuts(tokens))
        for key, hints in cuts:
            entries = self._keys.get(key)
            if entries:
                return self._choose(list(entries), hints)
        for key, hints in cuts:
            place = self._fuzzy(key, hints, strict=False)
            if place is not None:
                return place
        return None

    @staticmethod
    def _cuts(tokens: list[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
        """The name, then the name without a leading run of generic words, with the kinds they hint at."""
        yield " ".join(tokens), ()
        for cut in range(1, len(tokens)):
            word = tokens[cut - 1]
            if word not in GENERIC and (word not in CONNECTORS or cut == 1):
                return
            yield " ".join(tokens[cut:]), _hints(tokens[:cut])

    def _fuzzy(self, key: str, hints: tuple[str, ...], strict: bool) -> Place | None:
        """The one place whose name is one edit away from ``key``, if there is exactly one.

        ``strict`` (free text) skips ambiguous names and edits that turn common words into
        places ("action" → Acton, "brume" → Brome): the first letter must be right, and a
        name of fewer than seven letters only forgives a missing letter.
        """
        if _letters(key) < MIN_TYPO_LETTERS:
            return None
        choices = self._near.get((key.count(" ") + 1, len(key)), [])
        close = process.extract(key, choices, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
        found: dict[str, Place] = {}
        for name, _, _ in close:
            if _letters(name) < MIN_TYPO_LETTERS or (
                strict and (name[0] != key[0] or (_letters(name) < 7 and len(key) != len(name) - 1))
            ):
                continue
            ids = [pid for pid, ambiguous in self._keys[name].items() if not (strict and ambiguous)]
            if ids:
                place = self._choose(ids, hints)
                found[place.id] = place
        return next(iter(found.values())) if len(found) == 1 else None

    def _choose(self, ids: list[str], hints: tuple[str, ...] = ()) -> Place:
        """The place a name means among several (rules in the module docstring)."""
        places = [self._places[pid] for pid in ids]
        places = [p for p in places if p.kind in hints] or places
        places = [p for p in places if p.kind != "mrc"] or places
        best = places[0]
        for place in places[1:]:
            if self.covers(place.id, best.id):
                best = place
        return best

    @staticmethod
    def _lead_start(tokens: list[str], first: int) -> int:
        """Where the prepositions, articles and generic words just before word ``first`` begin."""
        start = first
        while start > 0 and first - start < 4 and tokens[start - 1] in _LEADING:
            start -= 1
        return start

    @classmethod
    def _lead(cls, tokens: list[str], first: int) -> tuple[bool, tuple[str, ...]]:
        """Whether a place word introduces word ``first``, and the kinds its generic words hint at."""
        lead = tokens[cls._lead_start(tokens, first) : first]
        return any(w in PREPOSITIONS or w in GENERIC for w in lead), _hints(lead)
