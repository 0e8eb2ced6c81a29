"""HSDS 3 classification tables: taxonomy, taxonomy_term and attribute."""

from __future__ import annotations

import uuid

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base
from directory.models import ref


class Taxonomy(Base):
    __tablename__ = "taxonomy"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    uri: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[uuid.UUID | None] = ref("taxonomy_term")
    taxonomy: Mapped[str | None] = mapped_column(Text)
    taxonomy_id: Mapped[uuid.UUID | None] = ref("taxonomy")
    language: Mapped[str | None] = mapped_column(Text)
    term_uri: Mapped[str | None] = mapped_column(Text)


class Attribute(Base):
    """A taxonomy term (or a free value) applied to any record: ``link_id`` + ``link_type``."""

    __tablename__ = "attribute"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    link_id: Mapped[uuid.UUID] = mapped_column(index=True)
    taxonomy_term_id: Mapped[uuid.UUID] = ref("taxonomy_term", required=True)
    link_type: Mapped[str | None] = mapped_column(Text)
    link_entity: Mapped[str] = mapped_column(Text, default="service")
    value: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(Text)
