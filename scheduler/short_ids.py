"""Short ids: the first hex digits of a row's UUID, shown to people and typed back in commands
("/evenement annuler 3f2a9c1e", "/annonce pause 3f2a9c1e").

A typed id names the rows whose id starts with its digits (any case, dashes ignored), so the shown
digits, fewer of them (at least :data:`MIN_TYPED`, so that a slip of the thumb does not pick a
row by chance) or the whole id all work; when the digits fit several rows, the caller says so.
"""

from __future__ import annotations

import uuid
from typing import Protocol, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Mapped

SHORT_ID_LENGTH = 8
MIN_TYPED = 4
HEX_DIGITS = frozenset("0123456789abcdef")


class Identified(Protocol):
    """A mapped class whose primary key is a UUID ``id``."""

    id: Mapped[uuid.UUID]


Row = TypeVar("Row", bound=Identified)


def to_short_id(row_id: uuid.UUID) -> str:
    """"3f2a9c1e" for an id starting with those hex digits."""
    return row_id.hex[:SHORT_ID_LENGTH]


def select_by_short_id(entity: type[Row], text: str) -> Select[tuple[Row]] | None:
    """A query for the rows of ``entity`` whose id starts with the hex digits typed in ``text``, at most
    two (enough to tell one from several); None when ``text`` is not the beginning of an id."""
    digits = text.strip().lower().replace("-", "")
    if not MIN_TYPED <= len(digits) <= 32 or not HEX_DIGITS.issuperset(digits):
        return None
    low, high = uuid.UUID(digits.ljust(32, "0")), uuid.UUID(digits.ljust(32, "f"))
    return select(entity).where(entity.id.between(low, high)).order_by(entity.id).limit(2)
