"""Settings read from the environment and a ``.env`` file."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The shape of each platform credential, and how to say it when a value does not fit.
SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    "TELEGRAM_BOT_TOKEN": (re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}"), "« 123456789:AA… » donné par @BotFather"),
    "TELEGRAM_WEBHOOK_SECRET": (re.compile(r"[A-Za-z0-9_-]{1,256}"), "1 à 256 caractères A-Z, a-z, 0-9, _ ou -"),
    "SLACK_BOT_TOKEN": (re.compile(r"xoxb-[A-Za-z0-9-]{10,}"), "« xoxb-… » (OAuth & Permissions de l'app Slack)"),
    "SLACK_APP_TOKEN": (re.compile(r"xapp-[A-Za-z0-9-]{10,}"), "« xapp-… » avec la portée connections:write (Basic Information)"),
    "SLACK_SIGNING_SECRET": (re.compile(r"[0-9a-f]{32}"), "32 caractères hexadécimaux (Basic Information → Signing Secret)"),
}


class Settings(BaseSettings):
    """Everything Passerelle reads from its environment (prefix ``PASSERELLE_``)."""

    model_config = SettingsConfigDict(env_prefix="PASSERELLE_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///passerelle.db"
    timezone: str = "America/Toronto"
    language: Literal["fr", "en"] = "fr"
    http_port: int = Field(3000, ge=1, le=65535)
    # a service not verified for this many months is flagged "à vérifier" in answers and digests
    freshness_months: int = Field(12, ge=1, le=120)

    telegram_bot_token: SecretStr | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str | None = Field(None, validation_alias="TELEGRAM_API_URL")
    telegram_webhook_url: str | None = Field(None, validation_alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: SecretStr | None = Field(None, validation_alias="TELEGRAM_WEBHOOK_SECRET")
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_api_url: str | None = Field(None, validation_alias="SLACK_API_URL")

    @field_validator(
        "telegram_bot_token", "telegram_webhook_secret", "slack_bot_token", "slack_app_token", "slack_signing_secret",
        mode="before",
    )
    @classmethod
    def _credential_shape(cls, value: object, info: ValidationInfo) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        name = str(info.field_name).upper()
        pattern, shape = SHAPES[name]
        if not isinstance(value, str) or not pattern.fullmatch(value.strip()):
            raise ValueError(f"valeur mal formée ; attendu : {shape}")
        return value.strip()

    @field_validator("telegram_api_url", "telegram_webhook_url", "slack_api_url", mode="before")
    @classmethod
    def _url_shape(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        parts = urlsplit(str(value).strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("URL attendue, commençant par http:// ou https://")
        return str(value).strip()

    @classmethod
    def unprefixed(cls) -> set[str]:
        """Variables read under their platform's own name (``TELEGRAM_BOT_TOKEN``), not ``PASSERELLE_…``."""
        return {str(f.validation_alias) for f in cls.model_fields.values() if f.validation_alias}

    @property
    def telegram(self) -> bool:
        """True when a Telegram bot token is set."""
        return self.telegram_bot_token is not None

    @property
    def slack(self) -> bool:
        """True when Slack credentials are set (bot token, and an app token or a signing secret)."""
        return self.slack_bot_token is not None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"fuseau horaire inconnu : {value!r} (exemple : America/Toronto)") from error
        return value
