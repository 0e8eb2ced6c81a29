"""Who may do what: a person's roles (coordinator, admin) on one platform."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime

ADMIN, COORDINATOR = "admin", "coordinator"
ROLES = (ADMIN, COORDINATOR)


class PersonRole(Base):
    """One role held by one person of one platform."""

    __tablename__ = "person_role"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    granted_by: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
