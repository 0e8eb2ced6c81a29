"""Settings read from the environment and a ``.env`` file."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything Passerelle reads from its environment (prefix ``PASSERELLE_``)."""

    model_config = SettingsConfigDict(env_prefix="PASSERELLE_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///passerelle.db"
    timezone: str = "America/Toronto"
    language: Literal["fr", "en"] = "fr"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"fuseau horaire inconnu : {value!r} (exemple : America/Toronto)") from error
        return value
