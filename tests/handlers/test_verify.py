"""``/verifier`` and the "Toujours exact" button: refused to members on every platform, accepted for
admins and the console; the assured date set, the check logged, and the flag gone from ``/qui`` at once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from directory.audit import VERIFY, FieldChange, history
from directory.models import Service
from handlers.context import Context
from tests.handlers.audit_chat import (
    ADMIN_TELEGRAM,
    CONSOLE,
    COORDINATOR_SLACK,
    HALTE,
    HALTE_QUESTION,
    MEMBER_SLACK,
    MEMBER_TELEGRAM,
    NOW,
    card_lines,
    press,
    send,
)

BUTTON = f"svv:{HALTE.hex}"
REFUSED = "Seuls les **administrateurs** du réseau peuvent faire ceci."


async def _assured(context: Context) -> dt.date | None:
    async with context.sessions() as session:
        return await session.scalar(select(Service.assured_date).where(Service.id == HALTE))


async def test_members_and_coordinators_are_refused(bot: Context) -> None:
    for person in (MEMBER_TELEGRAM, MEMBER_SLACK, COORDINATOR_SLACK):
        assert (await press(bot, person, BUTTON)).text.startswith(REFUSED)
        refusal = await send(bot, person, "/verifier Halte-répit")
        assert refusal.text.startswith(REFUSED) and "/role donner admin" in refusal.text
    assert await _assured(bot) is None
    async with bot.sessions() as session:
        assert [c.action for c in await history(session, [HALTE])] == ["import"]


async def test_the_button_confirms_logs_and_clears_the_flag(bot: Context) -> None:
    async with bot.sessions.begin() as session:
        await session.execute(update(Service).where(Service.id == HALTE).values(assured_date=dt.date(2024, 1, 5)))
    await bot.search.refresh(bot.sessions, [HALTE])
    flag = "À vérifier — dernière vérification : janvier 2024"
    assert flag in card_lines(await send(bot, CONSOLE, HALTE_QUESTION), "Halte-répit")

    reply = await press(bot, ADMIN_TELEGRAM, BUTTON)
    assert reply.notice and reply.text == "Merci ! **Halte-répit** est confirmé exact en date du 11 mars."
    assert await _assured(bot) == dt.date(2026, 3, 11)
    async with bot.sessions() as session:
        (check,) = [c for c in await history(session, [HALTE]) if c.action != "import"]
    assert (check.action, check.by, check.at) == (VERIFY, "telegram:4201 Marie Tremblay", NOW)
    assert check.fields == (FieldChange("verification", "2024-01-05", "2026-03-11"),)  # so that it can be undone
    assert flag not in card_lines(await send(bot, CONSOLE, HALTE_QUESTION), "Halte-répit")


async def test_by_name_with_choices_when_several_services_match(bot: Context) -> None:
    choices = await send(bot, CONSOLE, "/verifier halte repit")
    assert choices.text == "Quel service confirmez-vous comme toujours exact ?"
    assert [b.label for b in choices.buttons] == [
        "Halte-répit — Aide-Parents Plus", "Halte-répit — Regroupement Enfants Fjord et Maison des Fami…",
    ]
    assert choices.buttons[0].data == BUTTON
    assert (await press(bot, CONSOLE, choices.buttons[0])).text.startswith("Merci ! **Halte-répit**")
    sure = await send(bot, ADMIN_TELEGRAM, "/verifier Garde en milieu familial reconnue")
    assert sure.text == "Merci ! **Garde en milieu familial reconnue** est confirmé exact en date du 11 mars."
    assert not sure.notice


async def test_bad_input_says_how_to_do_it(bot: Context) -> None:
    assert (await send(bot, CONSOLE, "/verifier")).text == (
        "Donnez le nom du service, par exemple : **/verifier Dépannage alimentaire**"
    )
    assert "Aucun service ne ressemble à « zzqx »" in (await send(bot, CONSOLE, "/verifier zzqx")).text
    assert (await press(bot, CONSOLE, "svv:pas-un-id")).text.startswith("Ce bouton n'est plus valide")
    assert (await press(bot, CONSOLE, "svv:" + "0" * 32)).text == "Ce service n'est plus dans l'annuaire."
