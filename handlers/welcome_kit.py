"""The content of a network's welcome kit: the presentation of the network and its key resources,
each the network's own once an admin has written it (``NetworkText`` under ``WELCOME_KIT`` and
``WELCOME_RESOURCES``), else a built-in default. Both may use the reply markup (``**gras**``, links)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from directory.network_texts import WELCOME_KIT, WELCOME_RESOURCES, NetworkText
from handlers.texts import Texts

PRESENTATION_LIMIT = 1500  # characters
RESOURCE_LIMIT = 200  # characters of one resource line
RESOURCES_LIMIT = 15  # lines
PARTS = (WELCOME_KIT, WELCOME_RESOURCES)
_BULLET = re.compile(r"^[-•–*](?=\s|$)")  # a list bullet typed before a line


@dataclass(frozen=True, slots=True)
class KitContent:
    """What the admins wrote (or the defaults), and who last changed each part ("" for a default)."""

    presentation: str
    resources: tuple[str, ...]
    presentation_by: str = ""
    resources_by: str = ""


def default_presentation(t: Texts) -> str:
    """What a network is, for a newcomer, when its admins have written nothing."""
    return t(
        "Ce réseau relie les organismes communautaires et les services publics du territoire (CLSC, écoles, "
        "CPE, municipalités) qui accompagnent les mêmes familles. On s'y connaît, on se réfère les uns aux "
        "autres et on se retrouve aux tables de concertation et aux activités de réseautage. "
        "N'hésitez pas à vous présenter et à appeler les partenaires !"
    )


def default_resources(t: Texts) -> tuple[str, ...]:
    """The provincial lines every intervener in Québec uses."""
    return (
        t("**811** — Info-Santé (option 1) et Info-Social (option 2), jour et nuit"),
        t("**1 866 APPELLE** (1 866 277-3553) — prévention du suicide, jour et nuit"),
        t("**SOS violence conjugale** — 1 800 363-9010, jour et nuit"),
        t("**Tel-jeunes** — 1 800 263-2266, pour les jeunes de 5 à 20 ans"),
        t("**911** — en cas de danger immédiat"),
    )


async def current_kit(session: AsyncSession, t: Texts, network: str) -> KitContent:
    """The kit's content for ``network``: each part the network's own, or the default."""
    presentation = await session.get(NetworkText, (WELCOME_KIT, network))
    resources = await session.get(NetworkText, (WELCOME_RESOURCES, network))
    return KitContent(
        presentation.text if presentation else default_presentation(t),
        tuple(resource_lines(resources.text)) if resources else default_resources(t),
        presentation.updated_by if presentation else "",
        resources.updated_by if resources else "",
    )


def resource_lines(text: str) -> list[str]:
    """The resource lines of ``text``: one per non-blank line, without a list bullet typed before it."""
    lines = (_BULLET.sub("", line.strip(), count=1).strip() for line in text.splitlines())
    return [line for line in lines if line]


def presentation_problem(t: Texts, text: str) -> str | None:
    """What is wrong with ``text`` as the network's presentation, None when fine."""
    if not text.strip():
        return t("La présentation est vide : écrivez-la après **/kit presentation**, par exemple "
                 "/kit presentation Le réseau Commun'Enfant relie les partenaires 0-8 ans de Jonquière.")
    if len(text) > PRESENTATION_LIMIT:
        return t("La présentation est trop longue ({length} caractères) : {limit} au plus.",
                 length=len(text), limit=PRESENTATION_LIMIT)
    return None


def resources_problem(t: Texts, text: str) -> str | None:
    """What is wrong with ``text`` as the list of key resources, None when fine."""
    lines = resource_lines(text)
    example = t("une ressource par ligne, « nom — téléphone ou lien », par exemple :\n"
                "/kit ressources\nInfo-Social — 811, option 2\nMaison de la famille — 418 555-0101")
    if not lines:
        return t("La liste est vide : écrivez {example}", example=example)
    if len(lines) > RESOURCES_LIMIT:
        return t("Trop de ressources ({count}) : {limit} au plus, les plus utiles d'abord.",
                 count=len(lines), limit=RESOURCES_LIMIT)
    for number, line in enumerate(lines, 1):
        if len(line) > RESOURCE_LIMIT:
            return t("La ligne {number} est trop longue ({length} caractères) : {limit} au plus. Écrivez {example}",
                     number=number, length=len(line), limit=RESOURCE_LIMIT, example=example)
    return None


async def save_part(session: AsyncSession, network: str, key: str, text: str, author: str, now: dt.datetime) -> None:
    """Make ``text`` (already checked) the network's ``key`` part, in the caller's transaction."""
    stored = await session.get(NetworkText, (key, network))
    if stored is None:
        session.add(NetworkText(network_id=network, key=key, text=text, updated_by=author, updated_at=now))
    else:
        stored.text, stored.updated_by, stored.updated_at = text, author, now


async def restore_defaults(session: AsyncSession, network: str) -> bool:
    """Forget the network's presentation and resources, back to the defaults; whether it had any."""
    result = await session.execute(
        delete(NetworkText).where(NetworkText.network_id == network, NetworkText.key.in_(PARTS))
    )
    return bool(result.rowcount)
