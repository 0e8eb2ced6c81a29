"""HSDS 3 ``metadata`` (the change log of every record) and ``meta_table_description``."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base


class Metadata(Base):
    """One changed field of one record: who, when, what it was and what it became."""

    __tablename__ = "metadata"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    resource_id: Mapped[uuid.UUID] = mapped_column(index=True)
    resource_type: Mapped[str] = mapped_column(Text)
    last_action_date: Mapped[dt.datetime] = mapped_column(index=True)
    last_action_type: Mapped[str] = mapped_column(Text)
    field_name: Mapped[str] = mapped_column(Text, default="")
    previous_value: Mapped[str] = mapped_column(Text, default="")
    replacement_value: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(Text)
    # Extension: the rows written by one edit share this id, so that it is undone as a whole.
    change_id: Mapped[uuid.UUID | None] = mapped_column(index=True)


class MetaTableDescription(Base):
    __tablename__ = "meta_table_description"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(Text)
    character_set: Mapped[str | None] = mapped_column(Text)
