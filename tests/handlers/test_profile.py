"""``/profil``: recording checked items, explicit consent per item, and what others may see."""

from __future__ import annotations

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from directory.people import EMAIL, PHONE, PersonDetail, shared_details
from handlers.context import Context
from handlers.messages import Reply
from handlers.profile_views import PROFILE_PREFIX
from handlers.router import dispatch
from tests.handlers.person_rows import NOW, said

APOLOGY = "Désolé, une erreur s'est produite de mon côté. Réessayez dans un instant."
MARIE, PAUL = "4401", "4402"


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def fresh(context: Context) -> None:
    """No profile left by another test; a fixed clock."""
    async with context.sessions.begin() as session:
        for row in await session.scalars(select(PersonDetail)):
            await session.delete(row)
    context.clock = lambda: NOW
    context.start_links.clear()


async def ask(context: Context, line: str = "", **kwargs: object) -> list[Reply]:
    replies = await dispatch(said(line, **kwargs), context)  # type: ignore[arg-type]
    assert replies and all(reply.text != APOLOGY for reply in replies)
    return replies


async def one(context: Context, line: str = "", **kwargs: object) -> Reply:
    [reply] = await ask(context, line, **kwargs)
    return reply


async def rows(context: Context, user_id: str = MARIE) -> dict[str, tuple[str, bool]]:
    async with context.sessions() as session:
        found = await session.scalars(select(PersonDetail).where(PersonDetail.user_id == user_id))
        return {row.item: (row.value, row.shared) for row in found}


async def test_an_empty_profile_says_how_to_fill_it(context: Context) -> None:
    reply = await one(context, "/profil", platform="console", user_id="local")
    assert reply.text.count("non inscrit") == 5 and "/profil courriel" in reply.text and not reply.buttons


async def test_a_recorded_item_is_private_until_shared(context: Context) -> None:
    reply = await one(context, "/profil courriel Marie@Exemple.ORG", user_id=MARIE)
    assert "privé" in reply.text and "/profil partager courriel" in reply.text
    assert [b.data for b in reply.buttons] == [f"{PROFILE_PREFIX}+:courriel"]
    assert await rows(context) == {EMAIL: ("Marie@exemple.org", False)}
    async with context.sessions() as session:
        assert await shared_details(session, "telegram", MARIE) == {}
    shared = await one(context, "/profil partager courriel", user_id=MARIE)
    assert "partagé avec le réseau" in shared.text
    async with context.sessions() as session:
        assert await shared_details(session, "telegram", MARIE) == {EMAIL: "Marie@exemple.org"}
    withdrawn = await one(context, "/profil retirer courriel", user_id=MARIE)
    assert "privé" in withdrawn.text
    async with context.sessions() as session:
        assert await shared_details(session, "telegram", MARIE) == {}


async def test_consent_with_the_buttons(context: Context) -> None:
    await ask(context, "/profil fonction intervenante", user_id=MARIE, platform="slack")
    said_, profile = await ask(context, button=f"{PROFILE_PREFIX}+:fonction", user_id=MARIE, platform="slack")
    assert "partagé" in said_.text and "intervenante — partagé avec le réseau" in profile.text
    assert [b.data for b in profile.buttons] == [f"{PROFILE_PREFIX}-:fonction"]
    _, profile = await ask(context, button=f"{PROFILE_PREFIX}-:fonction", user_id=MARIE, platform="slack")
    assert "intervenante — privé" in profile.text
    [gone] = await ask(context, button=f"{PROFILE_PREFIX}+:courriel", user_id=MARIE, platform="slack")
    assert "n'est plus dans votre profil" in gone.text
    [stale] = await ask(context, button=f"{PROFILE_PREFIX}?:rien", user_id=MARIE, platform="slack")
    assert "plus actif" in stale.text


async def test_a_changed_value_needs_consent_again_an_unchanged_one_keeps_it(context: Context) -> None:
    await ask(context, "/profil nom Marie Tremblay", user_id=MARIE)
    await ask(context, "/profil partager nom", user_id=MARIE)
    assert "partagé" in (await one(context, "/profil nom  Marie   Tremblay ", user_id=MARIE)).text
    assert await rows(context) == {"nom": ("Marie Tremblay", True)}
    await ask(context, "/profil nom Marie Tremblay-Roy", user_id=MARIE)
    assert await rows(context) == {"nom": ("Marie Tremblay-Roy", False)}


@pytest.mark.parametrize("line, words", [
    ("/profil courriel marie arobase exemple", ("adresse courriel", "nom@exemple.org")),
    ("/profil courriel", ("/profil courriel marie@exemple.org",)),
    ("/profil partager", ("Précisez l'élément",)),
    ("/profil partager adresse postale", ("Précisez l'élément",)),
    ("/profil partager telephone", ("pas inscrit",)),
    ("/profil effacer nom", ("pas inscrit",)),
    ("/profil n'importe quoi", ("Je ne reconnais",)),
])
async def test_bad_input_says_what_to_do_and_writes_nothing(context: Context, line: str, words: tuple[str, ...]) -> None:
    reply = await one(context, line, user_id=MARIE)
    assert all(word in reply.text for word in words), reply.text
    assert await rows(context) == {}


async def test_an_organization_is_matched_to_the_directory_or_kept_as_typed(context: Context) -> None:
    await ask(context, "/profil organisme aide parents plus", user_id=MARIE)
    assert (await rows(context))["organisme"] == ("Aide-Parents Plus", False)
    await ask(context, "/profil organisme Maison de la famille Zed", user_id=MARIE)
    assert (await rows(context))["organisme"] == ("Maison de la famille Zed", False)


async def test_an_item_can_be_erased(context: Context) -> None:
    await ask(context, "/profil fonction intervenante", user_id=MARIE)
    assert "effacé" in (await one(context, "/profil effacer fonction", user_id=MARIE)).text
    assert await rows(context) == {}


async def test_in_a_group_nothing_personal_is_recorded_or_echoed(context: Context) -> None:
    context.start_links["telegram"] = "https://t.me/passerelle_bot?start={payload}"
    await ask(context, "/profil courriel marie@exemple.org", user_id=MARIE)
    for line in ("/profil", "/profil courriel autre@exemple.org", "/profil partager courriel"):
        reply = await one(context, line, user_id=MARIE, private=False)
        assert "conversation privée" in reply.text and "exemple.org" not in reply.text
        assert "https://t.me/passerelle_bot?start=profil" in reply.text
    assert await rows(context) == {EMAIL: ("marie@exemple.org", False)}


async def test_others_see_only_what_is_shared(context: Context) -> None:
    await ask(context, "/profil nom Marie Tremblay", user_id=MARIE)
    await ask(context, "/profil courriel marie@exemple.org", user_id=MARIE)
    nothing = await one(context, "/profil", user_id=PAUL, private=False, people=(MARIE,))
    assert nothing.text == "Cette personne ne partage rien avec le réseau."
    await ask(context, "/profil partager nom", user_id=MARIE)
    shown = await one(context, "/profil", user_id=PAUL, private=False, people=(MARIE,))
    assert shown.cards[0].title == "Marie Tremblay" and shown.cards[0].fields == ()
    assert "marie@exemple.org" not in repr(shown)
    typed = await one(context, f"/profil telegram:{MARIE}", user_id=PAUL)  # a reference reaches anyone: refused
    assert "répondez à l'un de ses messages" in typed.text and not typed.cards
    both = await one(context, "/profil", user_id=PAUL, private=False, people=(MARIE, "4403"))
    assert "une seule personne" in both.text


async def test_recording_while_replying_to_someone_records_ones_own(context: Context) -> None:
    await ask(context, "/profil fonction coordonnatrice", user_id=PAUL, people=(MARIE,))
    assert await rows(context, PAUL) == {"fonction": ("coordonnatrice", False)}
    assert await rows(context, MARIE) == {}


async def test_phone_numbers_are_checked_and_normalized(context: Context) -> None:
    reply = await one(context, "/profil telephone 4185550101", user_id=MARIE)
    assert "418 555-0101" in reply.text
    assert await rows(context) == {PHONE: ("418 555-0101", False)}
    refused = await one(context, "/profil telephone 555-0101", user_id=MARIE)
    assert "indicatif" in refused.text
    none = await one(context, "/profil telephone -", user_id=MARIE)
    assert "Donnez un numéro" in none.text
    assert await rows(context) == {PHONE: ("418 555-0101", False)}


async def test_in_english(context: Context) -> None:
    reply = await one(context, "/profil courriel marie@exemple.org", user_id=MARIE, locale="en")
    assert reply.text.startswith("Noted: **Email**") and reply.buttons[0].label == "Share: Email"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["", "courriel ", "telephone ", "nom ", "organisme ", "partager ", "effacer ", "telegram:"]),
       st.text(max_size=60))
async def test_any_input_gets_an_answer_and_writes_at_most_the_item_named(context: Context, head: str, rest: str) -> None:
    before = await rows(context)
    [reply] = await ask(context, f"/profil {head}{rest}", user_id=MARIE)
    assert reply.text
    after = await rows(context)
    assert len(set(after.items()) ^ set(before.items())) <= 2  # one item recorded, changed or erased at most


async def test_the_private_link_opens_one_s_profile(context: Context) -> None:
    (reply,) = await dispatch(said("/start profil"), context)
    assert "/profil" in reply.text and "Passerelle** trouve qui appeler" not in reply.text
