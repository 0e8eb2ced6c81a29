"""``/historique``: the last changes of a service or an organization (its services' included), newest
first, with who and each field before and after; refused to members; several names → buttons."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete

from directory.audit import REVERT, UPDATE, VERIFY, FieldChange, record
from directory.changelog import Metadata
from directory.sample import sample_id
from handlers.context import Context
from handlers.history import author_name, field_label
from handlers.texts import texts_for
from tests.handlers.audit_chat import (
    ADMIN_TELEGRAM,
    CONSOLE,
    COORDINATOR_SLACK,
    HALTE,
    MEMBER_SLACK,
    MEMBER_TELEGRAM,
    NOW,
    press,
    send,
)

AIDE_PARENTS = sample_id("organization", "aide-parents-plus")
PHONE = FieldChange("telephone", "418 555-0101", "418 555-0199")


async def _log(context: Context, resource_id: uuid.UUID, *, resource_type: str = "service", **values: object) -> None:
    fields = {"changes": (), "action": UPDATE, "by": "telegram:4201 Marie Tremblay", "now": NOW} | values
    async with context.sessions.begin() as session:
        await record(session, resource_type=resource_type, resource_id=resource_id, **fields)  # type: ignore[arg-type]


async def _forget_imports(context: Context) -> None:
    async with context.sessions.begin() as session:
        await session.execute(delete(Metadata))


def test_who_and_field_labels() -> None:
    t = texts_for("fr")
    assert author_name("telegram:4201 Marie Tremblay") == "Marie Tremblay"
    assert author_name("console") == "console"
    assert author_name("personne-3f2a") == "personne-3f2a"
    assert field_label("telephone", t) == "Téléphone"
    assert field_label("heures_speciales", t) == "Heures speciales"
    assert field_label("telephone", texts_for("en")) == "Phone"


async def test_a_service_history_newest_first(bot: Context) -> None:
    await _forget_imports(bot)
    await _log(bot, HALTE, changes=[PHONE, FieldChange("heures", "", "lun. au ven. 9 h à 17 h")],
               now=dt.datetime(2025, 12, 2, 19, 5, tzinfo=dt.UTC))
    await _log(bot, HALTE, action=REVERT, by="slack:U0JULIE Julie Bouchard",
               changes=[FieldChange("telephone", "418 555-0199", "418 555-0101")])
    await _log(bot, HALTE, action=VERIFY, by="console", now=NOW + dt.timedelta(minutes=5))
    reply = await press(bot, COORDINATOR_SLACK, f"hst:s:{HALTE.hex}")
    assert reply.text == (
        "**Historique de Halte-répit** (service)\n\n"
        "**11 mars, 11 h 05** · console · Vérification : toujours exact\n\n"
        "**11 mars, 11 h 00** · Julie Bouchard · Annulation d'une modification\n"
        "- Téléphone : 418 555-0199 → 418 555-0101\n\n"
        "**2 décembre 2025, 14 h 05** · Marie Tremblay · Modification\n"
        "- Heures : (vide) → lun. au ven. 9 h à 17 h\n"
        "- Téléphone : 418 555-0101 → 418 555-0199"
    )


async def test_an_organization_history_includes_its_services(bot: Context) -> None:
    reply = await send(bot, ADMIN_TELEGRAM, "/historique Aide-Parents Plus")
    assert reply.text.startswith("**Historique de Aide-Parents Plus** (organisme et ses services)\n\n")
    assert "Importation (sample) (Halte-répit)" in reply.text
    assert "Importation (sample) (Aide-Parents Plus)" in reply.text
    await _log(bot, AIDE_PARENTS, resource_type="organization", changes=[FieldChange("nom", "Aide Parents", "Aide-Parents Plus")],
               now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    reply = await send(bot, CONSOLE, "/historique aide parents plus")
    first = reply.text.split("\n\n")[1]
    assert first.endswith("· Marie Tremblay · Modification (Aide-Parents Plus)\n- Nom : Aide Parents → Aide-Parents Plus")


async def test_members_are_refused_on_every_platform(bot: Context) -> None:
    for person in (MEMBER_TELEGRAM, MEMBER_SLACK):
        reply = await send(bot, person, "/historique Aide-Parents Plus")
        assert reply.text.startswith("Seuls les **coordonnateurs** et les **administrateurs**")
        assert (await press(bot, person, f"hst:s:{HALTE.hex}")).text == reply.text


async def test_choices_no_history_and_bad_input(bot: Context) -> None:
    choices = await send(bot, CONSOLE, "/historique halte repit")
    assert choices.text == "De quel organisme ou service voulez-vous l'historique ?"
    assert choices.buttons[0].data == f"hst:s:{HALTE.hex}"
    await _forget_imports(bot)
    assert (await press(bot, CONSOLE, choices.buttons[0])).text == (
        "**Historique de Halte-répit** (service)\nAucune modification enregistrée."
    )
    assert (await send(bot, CONSOLE, "/historique")).text.startswith("Donnez le nom d'un organisme ou d'un service")
    assert "Aucun organisme ni service ne ressemble à « zzqx »" in (await send(bot, CONSOLE, "/historique zzqx")).text
    assert (await press(bot, CONSOLE, "hst:x:1234")).text.startswith("Ce choix n'est plus valide")
    assert (await press(bot, CONSOLE, "hst:o:" + "0" * 32)).text == "Cet organisme n'est plus dans l'annuaire."
