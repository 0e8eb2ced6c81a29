"""Editing the directory with a form, where the platform has them (Slack's modals): every field at
once, filled with the record's values; on submission the changed fields are checked, refused ones
shown under their field (the form stays open), and the rest saved as one change.

Form data: "frm:<m|a><o|s><uuid hex>" — m changes the record, a adds (an organization: no id; a
service: its organization's id). A change form also carries, after ":", a short digest of each value
it showed: only the fields the admin changed are written, so that a form left open does not put back
what someone else changed meanwhile."""

from __future__ import annotations

import hashlib
import uuid

from directory.editable import ASKED, ORGANIZATION, SERVICE, field_named
from handlers.context import Context
from handlers.edit_targets import Target
from handlers.editing import check_texts, create, current_texts, env_of, gone, save_changes
from handlers.markup import to_plain
from handlers.messages import Form, FormField, Incoming, Reply
from handlers.permissions import admin_refusal, is_admin
from handlers.texts import Texts, texts_for

FORM_PREFIX = "frm:"
CHANGE, ADD = "m", "a"
KINDS = {"o": ORGANIZATION, "s": SERVICE}
LETTERS = {ORGANIZATION: "o", SERVICE: "s"}
DIGEST = 6  # hex characters of a shown value's digest


def _digest(text: str) -> str:
    """A short digest of a value shown in a form, to tell later whether the admin changed it."""
    return hashlib.blake2b(text.encode(), digest_size=DIGEST // 2).hexdigest()


def _fields(kind: str, known: dict[str, str], t: Texts) -> tuple[FormField, ...]:
    return tuple(
        FormField(field.key, t(field.label), known.get(field.key, ""), field.hint, field.multiline,
                  optional=not field.required)
        for field in ASKED[kind]
    )


async def edit_form(context: Context, target: Target, fallback: str, t: Texts) -> Reply:
    """The form changing ``target``, with ``fallback`` text for where it cannot open."""
    current = await current_texts(context, target)
    if current is None:
        return gone(target.kind, t)
    title, texts = current
    known = {field.key: text for field, text in texts}
    shown = "".join(_digest(known.get(field.key, "")) for field in ASKED[target.kind])
    data = f"{FORM_PREFIX}{CHANGE}{LETTERS[target.kind]}{target.record_id.hex}:{shown}"
    heading = t("Modifier le service") if target.kind == SERVICE else t("Modifier l'organisme")
    return Reply(fallback, form=Form(heading, data, _fields(target.kind, known, t), t("Enregistrer"),
                                     intro=to_plain(title)))


def new_form(kind: str, organization_id: uuid.UUID | None, given: dict[str, str], fallback: str, t: Texts) -> Reply:
    """The form adding an organization, or a service to ``organization_id``."""
    data = f"{FORM_PREFIX}{ADD}{LETTERS[kind]}{organization_id.hex if organization_id else ''}"
    heading = t("Nouveau service") if kind == SERVICE else t("Nouvel organisme")
    return Reply(fallback, form=Form(heading, data, _fields(kind, given, t), t("Enregistrer")))


async def submitted(incoming: Incoming, context: Context) -> list[Reply]:
    """A submitted form: refused fields sent back to it, or the change saved and told."""
    t = texts_for(incoming.locale)
    if not await is_admin(context, incoming):
        return [admin_refusal(t, incoming)]
    body, _, shown = (incoming.button_data or "").removeprefix(FORM_PREFIX).partition(":")
    if len(body) < 2 or body[0] not in (CHANGE, ADD) or body[1] not in KINDS:
        return [Reply(t("Ce formulaire n'est plus valide : relancez la commande."))]
    try:
        record_id = uuid.UUID(body[2:]) if body[2:] else None
    except ValueError:
        return [Reply(t("Ce formulaire n'est plus valide : relancez la commande."))]
    kind = KINDS[body[1]]
    answers = dict(incoming.form_values or ())
    if body[0] == ADD:
        return await _add(incoming, context, kind, record_id, answers, t)
    digests = [shown[i : i + DIGEST] for i in range(0, len(shown), DIGEST)]
    if record_id is None or len(digests) != len(ASKED[kind]):
        return [Reply(t("Ce formulaire n'est plus valide : relancez la commande."))]
    target = Target(kind, record_id)
    typed = [(field, answers[field.key]) for field, digest in zip(ASKED[kind], digests, strict=True)
             if field.key in answers and _digest(answers[field.key].strip()) != digest]
    async with context.sessions() as session:
        checked = await check_texts(env_of(context, session, t), typed)
    if checked.problems:
        return [Reply(form_errors=tuple(checked.problems.items()))]
    return [await save_changes(context, incoming, target, checked.values, t)]


async def _add(
    incoming: Incoming, context: Context, kind: str, organization_id: uuid.UUID | None, answers: dict[str, str],
    t: Texts,
) -> list[Reply]:
    typed = [(field, text) for key, text in answers.items() if (field := field_named(kind, key)) and text.strip()]
    missing = [field for field in ASKED[kind] if field.required and not answers.get(field.key, "").strip()]
    async with context.sessions() as session:
        checked = await check_texts(env_of(context, session, t), typed)
    problems = dict(checked.problems)
    for field in missing:
        problems[field.key] = t("Ce champ est obligatoire.")
    if problems:
        return [Reply(form_errors=tuple(problems.items()))]
    return [await create(context, incoming, kind, checked.values, organization_id, t)]
