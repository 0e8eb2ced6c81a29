"""Measuring search quality on graded questions: MRR@k, success@k, nDCG@k and abstention."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Judged:
    """A question and the grade of each service key for it (2 ideal, 1 acceptable)."""

    text: str
    grades: Mapping[str, int]
    tags: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        """False for questions the directory has no answer to."""
        return bool(self.grades)


@dataclass(slots=True)
class Report:
    """Metrics over a set of questions, and the questions that failed."""

    mrr: float
    success_at_1: float
    success_at_3: float
    ndcg: float
    abstention_precision: float  # unanswerable questions correctly answered with nothing
    false_abstentions: float  # answerable questions wrongly answered with nothing
    failures: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The metrics, one per line."""
        return [
            f"MRR@5 {self.mrr:.3f}",
            f"success@1 {self.success_at_1:.3f}",
            f"success@3 {self.success_at_3:.3f}",
            f"nDCG@5 {self.ndcg:.3f}",
            f"abstention correcte {self.abstention_precision:.3f}",
            f"abstention à tort {self.false_abstentions:.3f}",
        ]


def load_judgments(path: Path) -> list[Judged]:
    """Graded questions from a TOML file of ``[[query]]`` tables (``text``, ``tags``, ``grades``)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [Judged(q["text"], q.get("grades", {}), tuple(q.get("tags", ()))) for q in data["query"]]


def evaluate(judged: Sequence[Judged], rank: Callable[[str], list[str]], k: int = 5) -> Report:
    """Run ``rank`` (question → ranked service keys, empty when abstaining) over ``judged``.

    MRR, success and nDCG are averaged over answerable questions; a question with no
    answer counts as solved when ``rank`` returns nothing.
    """
    answerable = [j for j in judged if j.answerable]
    unanswerable = [j for j in judged if not j.answerable]
    rr = s1 = s3 = ndcg = abstained_wrongly = 0.0
    failures: list[str] = []
    for j in answerable:
        ranked = rank(j.text)[:k]
        first = next((i for i, key in enumerate(ranked) if j.grades.get(key, 0) > 0), None)
        rr += 0 if first is None else 1 / (first + 1)
        s1 += first == 0
        s3 += first is not None and first < 3
        ndcg += _ndcg(ranked, j.grades, k)
        abstained_wrongly += not ranked
        if first is None or first >= 3:
            failures.append(f"{j.text!r}: {ranked[:3]}")
    correct_abstentions = 0
    for j in unanswerable:
        ranked = rank(j.text)
        correct_abstentions += not ranked
        if ranked:
            failures.append(f"{j.text!r} (sans réponse attendue): {ranked[:3]}")
    n = max(len(answerable), 1)
    return Report(
        rr / n, s1 / n, s3 / n, ndcg / n,
        correct_abstentions / max(len(unanswerable), 1), abstained_wrongly / n, failures,
    )


def _ndcg(ranked: list[str], grades: Mapping[str, int], k: int) -> float:
    dcg = sum((2 ** grades.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0
