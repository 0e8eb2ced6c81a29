"""Editing the directory one field at a time, where there is no form (Telegram, the console, a Slack
message): the field to change is chosen by number or name, then its new value is typed and saved at
once; a new record is filled field after field, then confirmed. A bad value is explained and asked
again; "annuler" stops (``handlers.conversation``)."""

from __future__ import annotations

import uuid
from typing import Any

from directory.editable import ASKED, FIELDS, PHONES, SERVICE, Editable, field_named
from directory.text import fold
from handlers import conversation
from handlers.context import Context
from handlers.conversation import State
from handlers.edit_targets import Target
from handlers.editing import (
    check_texts,
    create,
    current_texts,
    env_of,
    gone,
    inherited_phones,
    save_changes,
)
from handlers.field_texts import shorten
from handlers.markup import escape
from handlers.messages import Button, Incoming, Reply
from handlers.permissions import admin_refusal, is_admin
from handlers.texts import Texts, texts_for

FLOW = "directory_edit"
CHOOSE, VALUE, CONFIRM_STEP, PICK = "field", "value", "confirm", "pick"
CONFIRM, DISCARD = "edc:ok", "edc:non"
DONE_WORDS = frozenset({"fin", "fini", "termine", "terminer", "ok", "c'est tout"})
SKIP_WORDS = frozenset({"passer", "passe", "suivant", "skip"})
YES_WORDS = frozenset({"oui", "o", "yes", "confirmer", "ok"})


async def start_edit(incoming: Incoming, context: Context, target: Target, field: Editable | None = None) -> list[Reply]:
    """Begin changing ``target``: the list of its fields, or straight to ``field``'s new value."""
    t = texts_for(incoming.locale)
    current = await current_texts(context, target)
    if current is None:
        return [gone(target.kind, t)]
    data: dict[str, Any] = {"mode": "edit", "kind": target.kind, "id": target.record_id.hex}
    inherited = await inherited_phones(context, target)
    if field is not None:
        data["field"] = field.key
        await conversation.start(context, incoming, FLOW, VALUE, data)
        return [_ask_value(field, {f.key: text for f, text in current[1]}.get(field.key, ""), inherited, t)]
    await conversation.start(context, incoming, FLOW, CHOOSE, data)
    return [_field_list(current[0], current[1], target.kind, inherited, t)]


async def start_create(
    incoming: Incoming, context: Context, kind: str, organization_id: uuid.UUID | None, given: dict[str, str]
) -> list[Reply]:
    """Begin a new organization (or service of ``organization_id``), with the ``given`` texts already
    typed (checked as they come)."""
    t = texts_for(incoming.locale)
    queue = [field.key for field in ASKED[kind] if field.key not in given]
    data: dict[str, Any] = {"mode": "create", "kind": kind, "org": organization_id.hex if organization_id else None,
                            "values": given, "queue": queue}
    if not queue:
        return await _summary(incoming, context, State(FLOW, VALUE, data), given, t)
    await conversation.start(context, incoming, FLOW, VALUE, data)
    intro = t("Nouveau service : je demande les champs un à un.") if kind == SERVICE else t(
        "Nouvel organisme : je demande les champs un à un.")
    return [Reply(intro + "\n" + _ask_new(_field(kind, queue[0]), t).text, asks=True)]


async def remember_pick(
    incoming: Incoming, context: Context, offered: list[Target], field: str, value: str
) -> None:
    """Keep the field (and value) typed with a name that matched several records, for the button
    that picks one of the ``offered`` records."""
    await conversation.start(context, incoming, FLOW, PICK, {
        "mode": "pick", "offered": [f"{target.kind}:{target.record_id.hex}" for target in offered],
        "field": field, "value": value,
    })


async def take_pick(incoming: Incoming, context: Context, target: Target) -> tuple[str, str] | None:
    """The (field, value) kept by ``remember_pick`` when ``target`` is one of the records offered then,
    forgotten once taken; None otherwise."""
    state = await conversation.current(context, incoming)
    chosen = f"{target.kind}:{target.record_id.hex}"
    if state is None or state.flow != FLOW or state.step != PICK or chosen not in state.data.get("offered", []):
        return None
    await conversation.finish(context, incoming)
    return str(state.data.get("field") or ""), str(state.data.get("value") or "")


async def answer(incoming: Incoming, context: Context, state: State) -> list[Reply]:
    """The next step of an edit under way."""
    t = texts_for(incoming.locale)
    if not await is_admin(context, incoming):  # the role may have been taken back meanwhile
        await conversation.finish(context, incoming)
        return [admin_refusal(t, incoming)]
    if state.step == PICK:
        await conversation.finish(context, incoming)
        return [Reply(t("Choisissez d'abord avec un des boutons ci-dessus, ou relancez la commande."))]
    if state.data.get("mode") == "create":
        return await _answer_create(incoming, context, state, t)
    target = Target(state.data["kind"], uuid.UUID(state.data["id"]))
    typed = incoming.text.strip()
    if state.step == CHOOSE:
        return await _choose(incoming, context, state, target, typed, t)
    field = field_named(target.kind, state.data.get("field", ""))
    if field is None:
        await conversation.finish(context, incoming)
        return [Reply(t("Cette modification n'est plus en cours : relancez la commande."))]
    if fold(typed) in DONE_WORDS:
        await conversation.finish(context, incoming)
        return [Reply(t("Terminé."))]
    async with context.sessions() as session:
        checked = await check_texts(env_of(context, session, t), [(field, typed)])
    if checked.problems:
        return [Reply(escape(checked.problems[field.key]) + "\n" + t("Réessayez, ou **annuler**."), asks=True)]
    saved = await save_changes(context, incoming, target, checked.values, t)
    await conversation.advance(context, incoming, State(FLOW, CHOOSE, {**state.data, "field": None}))
    more = t("Un autre champ ? Son numéro ou son nom, ou **fin**.")
    return [saved, Reply(more, asks=True)]


async def _choose(
    incoming: Incoming, context: Context, state: State, target: Target, typed: str, t: Texts
) -> list[Reply]:
    if fold(typed) in DONE_WORDS:
        await conversation.finish(context, incoming)
        return [Reply(t("Terminé."))]
    current = await current_texts(context, target)
    if current is None:
        await conversation.finish(context, incoming)
        return [gone(target.kind, t)]
    asked = ASKED[target.kind]
    field = asked[int(typed) - 1] if typed.isdecimal() and 1 <= int(typed) <= len(asked) else field_named(target.kind, typed)
    if field is None:
        return [Reply(t("Je ne connais pas le champ « {typed} ». Répondez par un numéro de 1 à {count}, "
                        "ou par un nom : {names}.", typed=escape(typed), count=len(asked),
                        names=", ".join(f.key for f in asked)), asks=True)]
    await conversation.advance(context, incoming, State(FLOW, VALUE, {**state.data, "field": field.key}))
    inherited = await inherited_phones(context, target)
    return [_ask_value(field, {f.key: text for f, text in current[1]}.get(field.key, ""), inherited, t)]


async def _answer_create(incoming: Incoming, context: Context, state: State, t: Texts) -> list[Reply]:
    kind, typed = state.data["kind"], incoming.text.strip()
    values: dict[str, str] = dict(state.data.get("values") or {})
    queue: list[str] = list(state.data.get("queue") or [])
    if state.step == CONFIRM_STEP:
        if fold(typed) in YES_WORDS:
            return await confirm(incoming, context)
        return [Reply(t("Répondez **oui** pour enregistrer, ou **annuler**."), asks=True)]
    if not queue:
        return await _summary(incoming, context, state, values, t)
    field = _field(kind, queue[0])
    word = fold(typed)
    if word in DONE_WORDS:
        if missing := _missing(kind, values, queue):
            return [Reply(t("Le champ « {label} » est obligatoire : écrivez-le, ou **annuler**.",
                            label=escape(t(missing.label))), asks=True)]
        queue = []
    elif word in SKIP_WORDS and not field.required:
        queue = queue[1:]
    else:
        async with context.sessions() as session:
            checked = await check_texts(env_of(context, session, t), [(field, typed)])
        if checked.problems:
            return [Reply(escape(checked.problems[field.key]) + "\n" + t("Réessayez, ou **annuler**."), asks=True)]
        value = checked.values[field]
        values[field.key] = "" if value is None else field.to_text(value)
        queue = queue[1:]
    if not queue:
        return await _summary(incoming, context, state, values, t)
    await conversation.advance(context, incoming, State(FLOW, VALUE, {**state.data, "values": values, "queue": queue}))
    return [_ask_new(_field(kind, queue[0]), t)]


def _field(kind: str, key: str) -> Editable:
    return next(field for field in FIELDS[kind] if field.key == key)


def _missing(kind: str, values: dict[str, str], queue: list[str]) -> Editable | None:
    return next((f for f in FIELDS[kind] if f.required and f.key in queue and f.key not in values), None)


async def _summary(incoming: Incoming, context: Context, state: State, values: dict[str, str], t: Texts) -> list[Reply]:
    kind = state.data["kind"]
    await conversation.advance(context, incoming, State(FLOW, CONFIRM_STEP, {**state.data, "values": values, "queue": []}))
    lines = []
    for field in ASKED[kind]:
        if values.get(field.key):
            lines.append(f"- **{escape(t(field.label))}** : {escape(shorten(values[field.key]))}")
    head = t("À enregistrer :") + "\n" + "\n".join(lines)
    return [Reply(head, buttons=(Button(t("Confirmer"), CONFIRM), Button(t("Annuler"), DISCARD)), asks=True)]


async def confirm(incoming: Incoming, context: Context) -> list[Reply]:
    """Save the new record of the sender's conversation."""
    t = texts_for(incoming.locale)
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    state = await conversation.current(context, incoming)
    if state is None or state.flow != FLOW or state.step != CONFIRM_STEP:
        return [Reply(t("Il n'y a rien à enregistrer : relancez la commande."))]
    kind = state.data["kind"]
    fields = [(field, text) for key, text in state.data["values"].items() if (field := field_named(kind, key))]
    async with context.sessions() as session:
        checked = await check_texts(env_of(context, session, t), fields)
    await conversation.finish(context, incoming)
    if checked.problems:
        return [Reply(t("Rien n'a été enregistré : {problem}", problem=escape(next(iter(checked.problems.values())))))]
    organization = uuid.UUID(state.data["org"]) if state.data.get("org") else None
    return [await create(context, incoming, kind, checked.values, organization, t)]


async def discard(incoming: Incoming, context: Context) -> list[Reply]:
    """Drop the new record of the sender's conversation."""
    return await conversation.stop(incoming, context)


def _shown(field: Editable, current: str, inherited: str, t: Texts) -> str:
    if current:
        return escape(shorten(current))
    if field is PHONES and inherited:
        return t("(aucun ; les réponses donnent celui de l'organisme : {phones})", phones=escape(shorten(inherited)))
    return t("(vide)")


def _field_list(title: str, texts: list[tuple[Editable, str]], kind: str, inherited: str, t: Texts) -> Reply:
    known = {field.key: text for field, text in texts}
    lines = [f"{number}. **{escape(t(field.label))}** : {_shown(field, known.get(field.key, ''), inherited, t)}"
             for number, field in enumerate(ASKED[kind], start=1)]
    head = t("**{title}** — quel champ changer ? Son numéro ou son nom, ou **fin** :", title=title)
    return Reply(head + "\n" + "\n".join(lines), asks=True)


def _ask_value(field: Editable, current: str, inherited: str, t: Texts) -> Reply:
    text = t("Nouvelle valeur pour **{label}** ? Actuellement : {current}. Exemple : {hint}.",
             label=escape(t(field.label)), current=_shown(field, current, inherited, t),
             hint=escape(field.hint.rstrip(".")))
    if not field.required:
        text += " " + t("« - » pour effacer.")
    return Reply(text, asks=True)


def _ask_new(field: Editable, t: Texts) -> Reply:
    text = t("**{label}** ? Exemple : {hint}.", label=escape(t(field.label)), hint=escape(field.hint.rstrip(".")))
    if not field.required:
        text += " " + t("« passer » pour laisser vide, **fin** pour enregistrer avec ce qui est rempli.")
    return Reply(text, asks=True)
