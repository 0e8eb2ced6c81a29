"""People of the network: what a person chose to record about themselves (``/profil``), item by
item, each with its own consent to be shared with the network. Nothing is shared without it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.db import Base, UtcDateTime

NAME, ORGANIZATION, JOB_TITLE, EMAIL, PHONE = "nom", "organisme", "fonction", "courriel", "telephone"
ITEMS = (NAME, ORGANIZATION, JOB_TITLE, EMAIL, PHONE)


class PersonDetail(Base):
    """One item about one person of one platform, and whether they consent to sharing it."""

    __tablename__ = "person_detail"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    item: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
