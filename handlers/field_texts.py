"""How a changed field of the directory is shown: its label and its values, in marked-up text."""

from __future__ import annotations

from directory.editable import FIELDS, field_named
from handlers.markup import escape
from handlers.texts import Texts

SHOWN_LIMIT = 80  # characters of a value shown


def field_label(key: str, t: Texts) -> str:
    """The label of an editable field's key (``directory.editable``), escaped; the key itself,
    capitalised, when it is no field of a record (a synonym's terms)."""
    for kind in FIELDS:
        if (field := field_named(kind, key)) is not None:
            return escape(t(field.label))
    return escape(key.replace("_", " ").capitalize())


def shorten(text: str) -> str:
    """A value on one line, cut to fit in a list."""
    line = " ".join(text.split())
    return line if len(line) <= SHOWN_LIMIT else f"{line[: SHOWN_LIMIT - 1]}…"


def shown_value(text: str, t: Texts) -> str:
    """A field's value as a change shows it, escaped; "(vide)" for none."""
    return escape(shorten(text)) if text else t("(vide)")
