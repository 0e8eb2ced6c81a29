"""Which record an editing command is about: an organization or a service named as people type it,
or chosen with a button when several are close. Button data: "edt:<action><kind><record id>[<change
id>]", ids in 22 characters of URL-safe base64 (within Telegram's 64 bytes); an undo button names the
change it undoes."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass

from directory.editable import ORGANIZATION, SERVICE
from handlers.context import Context
from handlers.markup import escape
from handlers.messages import Button, Reply
from handlers.organizations import find_organizations
from handlers.service_names import find_services
from handlers.texts import Texts

TARGET_PREFIX = "edt:"
EDIT, CLOSE, REOPEN, UNDO, ADD_SERVICE = "m", "f", "r", "u", "a"
ACTIONS = (EDIT, CLOSE, REOPEN, UNDO, ADD_SERVICE)
KINDS = {"o": ORGANIZATION, "s": SERVICE}
LABEL_LIMIT = 60


@dataclass(frozen=True, slots=True)
class Target:
    """A record an action is about."""

    kind: str
    record_id: uuid.UUID


def _short(value: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(value.bytes).decode().rstrip("=")


def _long(text: str) -> uuid.UUID:
    return uuid.UUID(bytes=base64.urlsafe_b64decode(text + "=="))


def target_button(label: str, action: str, target: Target, change_id: uuid.UUID | None = None) -> Button:
    """A button that runs ``action`` on ``target`` (for an undo, of the change ``change_id``)."""
    letter = "s" if target.kind == SERVICE else "o"
    cut = label if len(label) <= LABEL_LIMIT else f"{label[: LABEL_LIMIT - 1]}…"
    change = _short(change_id) if change_id else ""
    return Button(cut, f"{TARGET_PREFIX}{action}{letter}{_short(target.record_id)}{change}")


def from_button(data: str) -> tuple[str, Target, uuid.UUID | None] | None:
    """(action, target, change id or None) of a button made by ``target_button``; None when it is not one."""
    body = data.removeprefix(TARGET_PREFIX)
    if len(body) not in (24, 46) or body[0] not in ACTIONS or body[1] not in KINDS:
        return None
    try:
        change = _long(body[24:]) if len(body) == 46 else None
        return body[0], Target(KINDS[body[1]], _long(body[2:24])), change
    except (ValueError, binascii.Error):
        return None


async def find_target(context: Context, kind: str, name: str, action: str, t: Texts) -> Target | Reply:
    """The record ``name`` designates, or a reply: the close ones as buttons, or that none is close."""
    if kind == SERVICE:
        services = await find_services(context, name)
        choices = [(c.label, Target(SERVICE, c.service_id)) for c in services.choices]
        sure = services.sure
    else:
        match = await find_organizations(context, name)
        choices = [(c.label, Target(ORGANIZATION, c.org_id)) for c in match.choices]
        sure = match.sure
    if sure and choices:
        return choices[0][1]
    if not choices:
        if kind == SERVICE:
            return Reply(t("Aucun service ne ressemble à « {name} ». Vérifiez le nom, ou cherchez-le avec /qui.",
                           name=escape(name)))
        return Reply(t("Aucun organisme ne ressemble à « {name} ». Vérifiez le nom, ou cherchez-le avec /org.",
                       name=escape(name)))
    buttons = tuple(target_button(label, action, target) for label, target in choices)
    if len(buttons) == 1:
        return Reply(t("Un seul nom ressemble à « {name} » : est-ce celui-ci ?", name=escape(name)), buttons=buttons)
    return Reply(t("Plusieurs noms ressemblent à « {name} ». Lequel ?", name=escape(name)), buttons=buttons)
