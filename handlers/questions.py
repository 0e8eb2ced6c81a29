"""Recent questions kept in memory under short keys, for buttons whose data cannot hold them."""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict

CAPACITY = 4096


def to_key(question: str) -> str:
    """A short key for ``question`` (8 URL-safe characters, the same for the same question)."""
    digest = hashlib.blake2b(question.encode(), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode()


class QuestionStore:
    """The last ``capacity`` questions remembered, least recently used forgotten first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._questions: OrderedDict[str, str] = OrderedDict()

    def remember(self, question: str) -> str:
        """Keep ``question`` and return its key."""
        key = to_key(question)
        self._questions[key] = question
        self._questions.move_to_end(key)
        if len(self._questions) > self.capacity:
            self._questions.popitem(last=False)
        return key

    def recall(self, key: str) -> str | None:
        """The question kept under ``key``, or None once forgotten (or after a restart)."""
        question = self._questions.get(key)
        if question is not None:
            self._questions.move_to_end(key)
        return question
