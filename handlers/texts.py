"""Reply texts in French (the source language) and their English translations.

Texts are written in French in the code, wrapped in ``t(...)``; English comes from
the catalogs of ``handlers/locales/en/LC_MESSAGES/`` (one ``.po`` per feature), read with Babel.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES = ("fr", "en")
BABEL_LOCALES = {"fr": "fr_CA", "en": "en_CA"}  # for day names and times (babel.dates)


class Texts:
    """Translates French source texts into one language and fills in their ``{values}``."""

    def __init__(self, language: str, catalog: Catalog | None) -> None:
        self.language = language
        self.locale = BABEL_LOCALES[language]
        self._catalog = catalog

    def __call__(self, message: str, **values: Any) -> str:
        """``message`` in this language, formatted with ``values``."""
        if self._catalog is not None:
            entry = self._catalog.get(message)
            if entry is not None and entry.string and not entry.fuzzy:
                message = str(entry.string)
        return message.format(**values) if values else message

    def knows(self, message: str) -> bool:
        """Whether this language has its own text for ``message`` (French always does)."""
        if self._catalog is None:
            return True
        entry = self._catalog.get(message)
        return entry is not None and bool(entry.string) and not entry.fuzzy


@cache
def texts_for(language: str) -> Texts:
    """The texts of ``language`` (``fr`` or ``en``; anything else falls back to French)."""
    language = (language or "fr").split("-")[0].split("_")[0].lower()
    if language not in LANGUAGES or language == "fr":
        return Texts("fr", None)
    folder = resources.files("handlers") / "locales" / language / "LC_MESSAGES"
    catalog = Catalog(locale=language)
    for path in sorted((p for p in folder.iterdir() if p.name.endswith(".po")), key=lambda p: p.name):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id:
                    catalog[message.id] = message
    return Texts(language, catalog)
