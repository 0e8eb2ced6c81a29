"""The template of meeting agendas: a built-in default, or the network's own (``NetworkText``
``AGENDA_TEMPLATE``) once an admin has written one. Placeholders in braces are filled in for each
table; the template may use the reply markup (``**gras**``) and ``{{``/``}}`` for a brace."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from string import Formatter

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from directory.network_texts import AGENDA_TEMPLATE, NetworkText
from handlers.markup import escape
from handlers.texts import Texts

# what each placeholder is filled with
PLACEHOLDERS = ("table", "date", "coordination", "membres", "decisions")
MAX_LENGTH = 3000


@dataclass(frozen=True, slots=True)
class Template:
    """The agenda template in use; ``updated_by`` is empty for the built-in default."""

    text: str
    updated_by: str = ""
    updated_at: dt.datetime | None = None


def default_template(t: Texts) -> str:
    """The built-in agenda, after the usual course of a meeting of a table."""
    return t(
        "**Ordre du jour — {table}**\n"
        "Prochaine rencontre : {date}\n"
        "Coordination : {coordination}\n"
        "\n"
        "1. Tour de table : chaque personne se présente brièvement ({membres}).\n"
        "2. Présentation des objectifs de la rencontre\n"
        "3. Suivi des décisions précédentes et de leur relais dans les équipes :\n"
        "{decisions}\n"
        "4. Questions et échanges\n"
        "5. Prochaines étapes : date de la prochaine rencontre, responsables et suites à donner"
    )


async def current_template(session: AsyncSession, t: Texts, network: str) -> Template:
    """The network's template, or the default one."""
    stored = await session.get(NetworkText, (AGENDA_TEMPLATE, network))
    if stored is None:
        return Template(default_template(t))
    return Template(stored.text, stored.updated_by, stored.updated_at)


def template_problem(t: Texts, text: str) -> str | None:
    """What is wrong with ``text`` as a template (a lone brace, an unknown placeholder), None when fine."""
    if not text.strip():
        return t("Le modèle est vide : écrivez le texte de l'ordre du jour après **/ordre_du_jour modele**.")
    if len(text) > MAX_LENGTH:
        return t("Le modèle est trop long ({length} caractères) : {limit} au plus.", length=len(text), limit=MAX_LENGTH)
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in Formatter().parse(text) if name is not None]
    except ValueError:
        return t("Le modèle contient une accolade seule. Les champs s'écrivent entre accolades, parmi : {known} ; "
                 "pour une accolade dans le texte, doublez-la ({{{{ ou }}}}).", known=known)
    unknown = list(dict.fromkeys(_as_typed(name, spec, conversion) for name, spec, conversion in fields
                                 if name not in PLACEHOLDERS or spec or conversion))
    if unknown:
        return t("Champ inconnu dans le modèle : {unknown}. Les champs possibles sont : {known}.",
                 unknown=escape(", ".join(unknown)), known=known)
    return None


def _as_typed(name: str, spec: str | None, conversion: str | None) -> str:
    return "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"


async def save_template(session: AsyncSession, network: str, text: str, author: str, now: dt.datetime) -> None:
    """Make ``text`` (already checked) the network's template, in the caller's transaction."""
    stored = await session.get(NetworkText, (AGENDA_TEMPLATE, network))
    if stored is None:
        session.add(NetworkText(network_id=network, key=AGENDA_TEMPLATE, text=text, updated_by=author,
                                updated_at=now))
    else:
        stored.text, stored.updated_by, stored.updated_at = text, author, now


async def restore_default(session: AsyncSession, network: str) -> bool:
    """Forget the network's template, back to the default one; whether there was one."""
    result = await session.execute(
        delete(NetworkText).where(NetworkText.network_id == network, NetworkText.key == AGENDA_TEMPLATE)
    )
    return bool(result.rowcount)
