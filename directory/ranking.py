"""Scoring services against a parsed question: weighted fields, filters, and the reasons why.

Each need of the question scores every service by the best field it appears in
(category > service name > organization name > eligibility > descriptions),
scaled by the quality of the match (exact, synonym, corrected typo) and by how
rare the need is in the directory. Filters then keep services that are open,
fit the age asked, and serve the place asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from directory.ages import fits
from directory.documents import FIELD_LABELS, FIELD_WEIGHTS, MAX_FIELD_WEIGHT, ServiceDoc
from directory.index import SearchIndex
from directory.places import Gazetteer, Place
from directory.query import PEOPLE_STEMS, Alternative, Concept, ParsedQuery
from directory.text import stem, words

CRISIS_BONUS = 1.0
# Among services answering a crisis, those that intervene right away come first.
IMMEDIATE_BONUS = 0.5
# In coverage, a need no service holds counts more than one some service holds:
# a question mostly made of words the directory has never seen is one it cannot answer.
UNKNOWN_WEIGHT = 1.6
# How well a service's area fits the place asked.
PLACE_EXACT, PLACE_WIDER, PLACE_INSIDE, PLACE_UNKNOWN, PLACE_ADDRESS_ELSEWHERE = 1.0, 0.93, 0.9, 0.8, 0.45


@dataclass(frozen=True, slots=True)
class Scored:
    """Scores of every slot, and how much of the question's needs each slot covers."""

    scores: np.ndarray
    coverage: np.ndarray  # share of the required needs a slot matches (unknown words count more)
    required: int


def score(parsed: ParsedQuery, index: SearchIndex) -> Scored:
    """Relevance of every slot of ``index`` to the needs of ``parsed`` (0 when nothing matches).

    A need's weight is its rarity among services (idf). Needs no service holds
    (unknown words) cannot change the order, so they only count in ``coverage``.
    """
    total = np.zeros(index.size, np.float32)
    covered = np.zeros(index.size, np.float32)
    crisis = np.zeros(index.size, bool)
    denominator = needed = 0.0
    alive = max(index.count, 1)
    required = 0
    for concept in parsed.concepts:
        values, complete = concept_scores(concept, index)
        df = int(np.count_nonzero(complete & index.alive[: index.size]))
        weight = math.log(1 + alive / max(df, 1)) * concept.weight_factor
        if not concept.optional:
            required += 1
            needed += 1.0 if df else UNKNOWN_WEIGHT
            covered += values > 0
        if not values.any():
            continue
        total += weight * values
        denominator += weight * MAX_FIELD_WEIGHT
        if concept.crisis:
            crisis |= complete
    scores = total / denominator if denominator else total
    if parsed.crisis:
        scores = scores + CRISIS_BONUS * crisis + IMMEDIATE_BONUS * index.immediacy[: index.size] * crisis
    coverage = covered / needed if needed else np.ones(index.size, np.float32)
    return Scored(scores, coverage, required)


def concept_scores(concept: Concept, index: SearchIndex) -> tuple[np.ndarray, np.ndarray]:
    """For each slot, the best weighted match of any phrase standing for ``concept``,
    and whether some phrase matched with all its words."""
    best = np.zeros(index.size, np.float32)
    complete = np.zeros(index.size, bool)
    for number, alternative in enumerate(concept.alternatives):
        values, whole = _phrase_scores(alternative, index, partial=number == 0)
        np.maximum(best, values, out=best)
        complete |= whole
    return best, complete


def _phrase_scores(alternative: Alternative, index: SearchIndex, *, partial: bool) -> tuple[np.ndarray, np.ndarray]:
    phrase = alternative.phrase
    values = np.zeros(index.size, np.float32)
    if len(phrase) == 1:
        slots, weights = index.postings(phrase[0])
        values[slots] = weights * alternative.quality
        return values, values > 0
    present = np.zeros(index.size, np.int16)
    telling = np.zeros(index.size, bool)  # some word of the phrase other than who it is for
    for part in phrase:
        slots, weights = index.postings(part)
        values[slots] += weights
        present[slots] += 1
        if part not in PEOPLE_STEMS:
            telling[slots] = True
    # A phrase counts fully when all its words are there; the words typed count for half otherwise,
    # unless only a people word is there ("famille" alone is no "médecin de famille").
    complete = present == len(phrase)
    kept = np.where(complete, 1.0, np.where(telling, 0.5, 0.0) if partial else 0.0).astype(np.float32)
    return (values / len(phrase)) * alternative.quality * kept, complete


def eligibility(parsed: ParsedQuery, index: SearchIndex) -> np.ndarray:
    """Factor by which each slot's score is kept whatever the place: open (or temporarily
    closed, lowered), alive, and for the age asked (0 drops it)."""
    factor = index.status_factor[: index.size] * index.alive[: index.size]
    age = parsed.age
    if age is not None:
        low, high = index.min_age[: index.size], index.max_age[: index.size]
        too_old = ~np.isnan(low) & (age.high < low)
        too_young = ~np.isnan(high) & (age.low > high)
        factor = factor * ~(too_old | too_young)
    return factor


def relaxed(by_place: np.ndarray) -> np.ndarray:
    """Place factors for when nothing serves the place asked: services elsewhere kept, lowered."""
    return np.where(by_place > 0, by_place, PLACE_ADDRESS_ELSEWHERE).astype(np.float32)


def place_factors(place: Place, index: SearchIndex, gazetteer: Gazetteer) -> np.ndarray:
    """How well each slot's service area fits ``place`` (0 when it serves elsewhere)."""
    factors = np.zeros(index.size, np.float32)
    factors[index.address_area[: index.size]] = PLACE_ADDRESS_ELSEWHERE
    factors[index.no_area[: index.size]] = PLACE_UNKNOWN
    inside = [index.area_slots.get(place_id, ()) for place_id in gazetteer.descendants(place.id)]
    _raise(factors, [slot for slots in inside for slot in slots], PLACE_INSIDE)
    for depth, ancestor in enumerate(gazetteer.ancestors(place.id)):
        _raise(factors, index.area_slots.get(ancestor.id, ()), PLACE_EXACT if depth == 0 else PLACE_WIDER - 0.01 * depth)
    return factors


def _raise(factors: np.ndarray, slots: Sequence[int], value: float) -> None:
    if slots:
        chosen = np.asarray(slots, dtype=np.int64)
        factors[chosen] = np.maximum(factors[chosen], value)


def in_french(message: str, **values: object) -> str:
    """``message`` with its ``{values}`` filled in: the reasons as written, in French."""
    return message.format(**values) if values else message


def explain(
    doc: ServiceDoc, parsed: ParsedQuery, place: Place | None, gazetteer: Gazetteer,
    t: Callable[..., str] = in_french,
) -> list[str]:
    """Why ``doc`` answers ``parsed``, one short reason per need, place and age.

    Reasons are French; ``t`` (a ``handlers.texts.Texts``) translates them, given each
    French message and its ``{values}``.
    """
    reasons: list[str] = []
    field_stems = {name: {stem(w) for w in words(text)} for name, text in doc.texts.items()}
    for concept in parsed.concepts:
        reason = _concept_reason(concept, field_stems, t)
        if reason:
            reasons.append(reason)
    for typed, corrected in dict.fromkeys(fix for c in parsed.concepts for fix in c.corrections):
        reasons.append(t("lu « {corrected} » pour « {typed} »", corrected=corrected, typed=typed))
    if place is not None:
        reasons.append(_place_reason(doc, place, gazetteer, t))
    age = parsed.age
    bounded = doc.minimum_age is not None or doc.maximum_age is not None
    if age is not None and bounded and fits(age.low, age.high, doc.minimum_age, doc.maximum_age):
        reasons.append(t("âge {age} dans {ages}", age=age.label, ages=_age_range(doc, t)))
    return reasons


def _concept_reason(concept: Concept, field_stems: dict[str, set[str]], t: Callable[..., str]) -> str | None:
    for alternative in concept.alternatives:
        fields = [f for f, stems in field_stems.items() if all(p in stems for p in alternative.phrase)]
        if fields:
            where = t(FIELD_LABELS[max(fields, key=FIELD_WEIGHTS.__getitem__)])
            if alternative.quality < 1.0 and alternative.label != concept.label:
                return t("« {need} » → « {read} » ({field})",
                         need=concept.label, read=alternative.label, field=where)
            return t("« {need} » ({field})", need=concept.label, field=where)
    return None


def _place_reason(doc: ServiceDoc, place: Place, gazetteer: Gazetteer, t: Callable[..., str]) -> str:
    served = [gazetteer.get(p) for p in doc.area_place_ids]
    names = ", ".join(p.name for p in served if p) or t("territoire non précisé")
    if any(p and gazetteer.covers(p.id, place.id) for p in served):
        return t("dessert {place} (territoire : {areas})", place=place.name, areas=names)
    if any(p and gazetteer.covers(place.id, p.id) for p in served):
        return t("dessert une partie de {place} (territoire : {areas})", place=place.name, areas=names)
    return t("territoire à confirmer pour {place} ({areas})", place=place.name, areas=names)


def _age_range(doc: ServiceDoc, t: Callable[..., str]) -> str:
    low = "0" if doc.minimum_age is None else f"{doc.minimum_age:g}"
    if doc.maximum_age is None:
        return t("{low} ans et plus", low=low)
    return t("{low}–{high} ans", low=low, high=f"{doc.maximum_age:g}")
