"""Changing the directory from the chat: one-shot changes, the field-by-field conversation, new
records, closing and reopening, forms, undo; refused to members on every platform, and never
half-written."""

from __future__ import annotations

import string
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from directory.audit import history
from directory.changelog import Metadata
from directory.editable import SERVICE, field_named
from directory.models import Organization, Service
from directory.networks import create_network
from directory.roles import ADMIN, grant
from directory.taxonomy import TaxonomyTerm
from handlers.channels import with_choices
from handlers.context import Context
from handlers.edit_targets import CLOSE, EDIT, UNDO, Target, target_button
from handlers.messages import ChatRef, Incoming
from tests.handlers.audit_chat import (
    ADMIN_TELEGRAM,
    CONSOLE,
    COORDINATOR_SLACK,
    HALTE,
    HALTE_QUESTION,
    MEMBER_SLACK,
    MEMBER_TELEGRAM,
    Person,
)
from tests.handlers.editing_chat import START, press, say

EDITING_COMMANDS = (
    "/org ajouter Le Phare du Fjord",
    "/org modifier Aide-Parents Plus ; telephone ; 418 555-0199",
    "/service ajouter Aide-Parents Plus ; Écoute",
    "/service modifier Halte-répit Aide-Parents Plus ; telephone ; 418 555-0199",
    "/service fermer Halte-répit Aide-Parents Plus",
    "/service rouvrir Halte-répit Aide-Parents Plus",
    "/annuler_modif Halte-répit Aide-Parents Plus",
)
EDITING_BUTTONS = (f"svm:{HALTE.hex}", target_button("x", EDIT, Target(SERVICE, HALTE)).data,
                   target_button("x", UNDO, Target(SERVICE, HALTE)).data,
                   target_button("x", CLOSE, Target(SERVICE, HALTE)).data, f"frm:ms{HALTE.hex}")


async def log_rows(context: Context) -> int:
    async with context.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Metadata)) or 0)


async def phones_shown(context: Context) -> str:
    (reply,) = await say(context, CONSOLE, HALTE_QUESTION)
    card = next(card for card in reply.cards if card.title == "Halte-répit")
    return next(field.value for field in card.fields if field.label == "Téléphone")


@pytest.mark.parametrize("person", [MEMBER_TELEGRAM, MEMBER_SLACK, COORDINATOR_SLACK], ids=lambda p: p.user_id)
async def test_members_and_coordinators_can_never_change_the_directory(editor: Context, person: Person) -> None:
    before = await log_rows(editor)
    for line in EDITING_COMMANDS:
        (reply,) = await say(editor, person, line)
        assert "Seuls les **administrateurs**" in reply.text, line
    for data in EDITING_BUTTONS:
        (reply,) = await press(editor, person, data, form_values=(("telephone", "418 555-0199"),))
        assert "Seuls les **administrateurs**" in reply.text, data
    assert await log_rows(editor) == before


async def test_a_phone_changed_in_one_message_shows_in_the_next_answer_then_is_undone(editor: Context) -> None:
    old = await phones_shown(editor)  # the organization's: the service has no phone of its own yet
    (saved,) = await say(editor, ADMIN_TELEGRAM, "/service modifier Halte-répit Aide-Parents ; tel ; (418) 555-0199 #12")
    assert "C'est enregistré pour **Halte-répit — Aide-Parents Plus**" in saved.text
    assert "**Téléphone** : (vide) → 418 555-0199, poste 12" in saved.text
    assert await phones_shown(editor) == "418 555-0199 poste 12"
    (history,) = await say(editor, ADMIN_TELEGRAM, "/historique Halte-répit Aide-Parents Plus")
    assert "Marie Tremblay" in history.text and "418 555-0199, poste 12" in history.text
    (undone,) = await press(editor, ADMIN_TELEGRAM, saved.buttons[0].data)
    assert "C'est défait" in undone.text and await phones_shown(editor) == old
    (redone,) = await say(editor, ADMIN_TELEGRAM, "/annuler_modif Halte-répit Aide-Parents Plus")
    assert "C'est défait" in redone.text and await phones_shown(editor) == "418 555-0199 poste 12"


async def test_a_bad_value_is_explained_and_nothing_is_written(editor: Context) -> None:
    before = await log_rows(editor)
    (reply,) = await say(editor, ADMIN_TELEGRAM, "/service modifier Halte-répit Aide-Parents ; telephone ; 555-0199")
    assert reply.text.startswith("Rien n'a été enregistré") and "indicatif" in reply.text
    (reply,) = await say(editor, ADMIN_TELEGRAM, "/service modifier Halte-répit Aide-Parents ; couleur ; bleu")
    assert "Je ne connais pas le champ « couleur »" in reply.text and "telephone" in reply.text
    (reply,) = await say(editor, ADMIN_TELEGRAM, "/service modifier Halte-répit Aide-Parents ; nom ; -")
    assert "obligatoire" in reply.text
    assert await log_rows(editor) == before


async def test_the_conversation_asks_field_by_field_and_asks_again_after_a_bad_value(editor: Context) -> None:
    (listing,) = await say(editor, CONSOLE, "/service modifier Halte-répit Aide-Parents Plus")
    assert "quel champ changer" in listing.text and listing.asks
    assert "3. **Téléphone** : (aucun ; les réponses donnent celui de l'organisme : 418-555-0100)" in listing.text
    (asked,) = await say(editor, CONSOLE, "heures")
    assert "Nouvelle valeur pour **Heures**" in asked.text
    (again,) = await say(editor, CONSOLE, "lundi 25h")
    assert "Réessayez" in again.text
    saved, more = await say(editor, CONSOLE, "lun-ven 9h-17h")
    assert "**Heures**" in saved.text and "Un autre champ" in more.text
    (asked,) = await say(editor, CONSOLE, "13")
    assert "Nouvelle valeur pour **Site web**" in asked.text
    saved, _ = await say(editor, CONSOLE, "Aide-Parents.org/halte")
    assert "https://aide-parents.org/halte" in saved.text
    (done,) = await say(editor, CONSOLE, "fin")
    assert done.text == "Terminé."
    (card,) = (await say(editor, CONSOLE, HALTE_QUESTION))[0].cards[:1]
    assert any("9 h à 17 h" in field.value for field in card.fields)


async def test_a_new_organization_and_service_are_searchable_at_once_and_undone_as_a_whole(editor: Context) -> None:
    (first,) = await say(editor, CONSOLE, "/org ajouter Le Phare du Fjord")
    assert "**Description** ?" in first.text
    for answer in ("Écoute et accompagnement des proches aidants.", "418 545-0000", "fin"):
        (summary,) = await say(editor, CONSOLE, answer)
    assert "À enregistrer" in summary.text and "418 545-0000" in summary.text
    (created,) = await press(editor, CONSOLE, "edc:ok")
    assert "C'est ajouté : **Le Phare du Fjord**" in created.text
    (duplicate,) = await say(editor, CONSOLE, "/org ajouter Le Phare du Fjord")
    assert "déjà dans l'annuaire" in duplicate.text
    await say(editor, CONSOLE, "/service ajouter Phare du Fjord ; Ligne d'écoute des proches aidants")
    for answer in ("Une intervenante écoute les proches aidants épuisés.", "passer", "lun-ven 9h-21h", "fin"):
        (summary,) = await say(editor, CONSOLE, answer)
    (created,) = await say(editor, CONSOLE, "oui")
    assert "Il apparaît dès maintenant" in created.text
    (found,) = await say(editor, CONSOLE, "/qui ecoute proches aidants epuises")
    assert found.cards and found.cards[0].title == "Ligne d'écoute des proches aidants"
    (undone,) = await press(editor, CONSOLE, created.buttons[0].data)
    assert "retiré de l'annuaire" in undone.text
    (found,) = await say(editor, CONSOLE, "/qui ecoute proches aidants epuises")
    assert all(card.title != "Ligne d'écoute des proches aidants" for card in found.cards)


async def test_closing_and_reopening_a_service(editor: Context) -> None:
    (closed,) = await say(editor, ADMIN_TELEGRAM, "/service fermer Halte-répit Aide-Parents ; Rénovations jusqu'au 5 janvier")
    assert "fermé temporairement" in closed.text
    (answer,) = await say(editor, CONSOLE, HALTE_QUESTION)
    card = next(card for card in answer.cards if card.title == "Halte-répit")
    assert "Temporairement fermé" in card.lines and "Rénovations jusqu'au 5 janvier" in card.lines
    (again,) = await say(editor, ADMIN_TELEGRAM, "/service fermer Halte-répit Aide-Parents")
    assert "déjà fermé" in again.text
    (reopened,) = await say(editor, ADMIN_TELEGRAM, "/service rouvrir Halte-répit Aide-Parents")
    assert "rouvert" in reopened.text and "Rénovations jusqu'au 5 janvier → (vide)" in reopened.text
    async with editor.sessions() as session:
        service = await session.get(Service, HALTE)
    assert service is not None and (service.status, service.alert) == ("active", None)


async def test_several_close_names_are_offered_and_the_typed_value_kept_for_the_choice(editor: Context) -> None:
    (choice,) = await say(editor, ADMIN_TELEGRAM, "/service modifier Halte-garderie ; telephone ; 418 555-0111")
    assert "Lequel ?" in choice.text and len(choice.buttons) == 2
    (saved,) = await press(editor, ADMIN_TELEGRAM, choice.buttons[0].data)
    assert "418 555-0111" in saved.text and "C'est enregistré" in saved.text


async def test_forms_where_the_platform_has_them(editor: Context) -> None:
    admin = Person(ChatRef("slack", "C0RESEAU"), "U0ADMIN", "Nadia", private=False)
    await grant(editor.sessions, "slack", "U0ADMIN", ADMIN, granted_by="test", now=START)
    (opened,) = await say(editor, admin, "/service modifier Halte-répit Aide-Parents Plus", can_open_forms=True)
    assert opened.form is not None and opened.form.data.startswith(f"frm:ms{HALTE.hex}:")
    values = {field.name: field.value for field in opened.form.fields}
    assert values["nom"] == "Halte-répit" and values["ages"]
    before = await log_rows(editor)
    refused = await press(editor, admin, opened.form.data, form_values=tuple(
        {**values, "telephone": "555", "courriel": "pas un courriel"}.items()))
    assert {name for name, _ in refused[0].form_errors} == {"telephone", "courriel"}
    assert await log_rows(editor) == before
    (saved,) = await press(editor, admin, opened.form.data, form_values=tuple({**values, "telephone": "418 555-0177"}.items()))
    assert "**Téléphone**" in saved.text and saved.text.count("\n- ") == 1  # only the changed field
    assert await phones_shown(editor) == "418 555-0177"
    (new,) = await say(editor, admin, "/org ajouter", can_open_forms=True)
    assert new.form is not None
    (missing,) = await press(editor, admin, new.form.data, form_values=(("nom", ""),))
    assert dict(missing.form_errors) == {"nom": "Ce champ est obligatoire."}
    (created,) = await press(editor, admin, new.form.data, form_values=(("nom", "Centre Le Havre"), ("courriel", "info@havre.org")))
    assert "C'est ajouté : **Centre Le Havre**" in created.text


async def test_an_admin_of_another_network_is_a_member_here(editor: Context) -> None:
    await create_network(editor.sessions, "rls-sud", "RLS du Sud", START)
    await grant(editor.sessions, "telegram", "777", ADMIN, granted_by="test", now=START, network="rls-sud")
    group = Person(ChatRef("telegram", "-100555"), "777", "Sophie", private=False)
    (reply,) = await say(editor, group, "/service modifier Halte-répit Aide-Parents ; telephone ; 418 555-0199")
    assert "Seuls les **administrateurs**" in reply.text
    incoming = await with_choices(Incoming(group.chat, "777", private=False), editor)
    assert incoming.network == "reseau"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["telephone", "heures", "ages", "territoire", "categories", "courriel", "site",
                              "reference", "nom", "statut", "description", "xyz", ""]),
       value=st.text(alphabet=string.printable + "éàçÉ«»’–", max_size=60))
async def test_any_typed_value_is_saved_whole_or_refused_whole(editor: Context, field: str, value: str) -> None:
    async with editor.sessions() as session:
        organizations = int(await session.scalar(select(func.count()).select_from(Organization)) or 0)
    for line in (f"/service modifier Halte-répit Aide-Parents ; {field} ; {value}", f"/org ajouter {value}",
                 f"/service {value}", f"/annuler_modif {value}", f"/synonyme ajouter {value}", f"/kit {value}"):
        async with editor.sessions() as session:
            before = await history(session, [HALTE], limit=50)
        replies = await say(editor, ADMIN_TELEGRAM, line)
        assert replies and all(reply.text or reply.form for reply in replies)
        async with editor.sessions() as session:
            after = await history(session, [HALTE], limit=50)
            assert len(after) - len(before) <= 1  # one change at most, as a whole
            if len(after) > len(before):  # and the record holds every value the change logged
                service = await session.get(Service, HALTE)
                for change in after[0].fields:
                    editable = field_named(SERVICE, change.field)
                    assert editable is not None and await editable.read_text(session, service) == change.new
    async with editor.sessions() as session:
        assert int(await session.scalar(select(func.count()).select_from(Organization)) or 0) == organizations


async def test_each_undo_button_undoes_its_own_change_only(editor: Context) -> None:
    (phone,) = await say(editor, ADMIN_TELEGRAM, "/service modifier Halte-répit Aide-Parents ; telephone ; 418 555-0111")
    (email,) = await say(editor, ADMIN_TELEGRAM, "/service modifier Halte-répit Aide-Parents ; courriel ; halte@ap.org")
    (stale,) = await press(editor, ADMIN_TELEGRAM, phone.buttons[0].data)
    assert "Rien n'a été défait" in stale.text and "modifié depuis" in stale.text
    (undone,) = await press(editor, ADMIN_TELEGRAM, email.buttons[0].data)
    assert "**Courriel** : halte@ap.org → (vide)" in undone.text
    (again,) = await press(editor, ADMIN_TELEGRAM, email.buttons[0].data)  # that change is already undone
    assert "Rien n'a été défait" in again.text


async def test_undo_restores_lists_whatever_the_order_typed(editor: Context) -> None:
    for field, value in (("territoire", "Jonquière, Chicoutimi"), ("categories", "Alimentation; Agressions sexuelles"),
                         ("telephone", "418 555-0104; 418 555-0103; 418 555-0102; 418 555-0101"),
                         ("heures", "sam 10h-14h; lun-ven 9h-17h")):
        (saved,) = await say(editor, ADMIN_TELEGRAM, f"/service modifier Halte-répit Aide-Parents ; {field} ; {value}")
        assert "C'est enregistré" in saved.text, (field, saved.text)
        (undone,) = await press(editor, ADMIN_TELEGRAM, saved.buttons[0].data)
        assert "C'est défait" in undone.text, (field, undone.text)


async def test_a_category_whose_name_holds_a_comma(editor: Context) -> None:
    async with editor.sessions.begin() as session:
        session.add(TaxonomyTerm(id=uuid.uuid4(), name="Grossesse, naissance et allaitement"))
    line = "/service modifier Halte-répit Aide-Parents ; categories ; grossesse, naissance et allaitement; Alimentation"
    (saved,) = await say(editor, ADMIN_TELEGRAM, line)
    assert "Alimentation; Grossesse, naissance et allaitement" in saved.text
    (undone,) = await press(editor, ADMIN_TELEGRAM, saved.buttons[0].data)
    assert "C'est défait" in undone.text


async def test_a_new_record_needs_its_name_and_an_organization_with_services_stays(editor: Context) -> None:
    await say(editor, CONSOLE, "/org ajouter")
    (asked,) = await say(editor, CONSOLE, "fin")
    assert "« Nom » est obligatoire" in asked.text
    await say(editor, CONSOLE, "Le Phare du Fjord")
    await say(editor, CONSOLE, "fin")
    (created,) = await press(editor, CONSOLE, "edc:ok")
    await say(editor, CONSOLE, "/service ajouter Le Phare du Fjord ; Écoute")
    await say(editor, CONSOLE, "fin")
    await say(editor, CONSOLE, "oui")
    (kept,) = await press(editor, CONSOLE, created.buttons[0].data)
    assert "a maintenant des services" in kept.text
    (cleared,) = await say(editor, CONSOLE, "/org modifier Le Phare du Fjord ; description ; -")
    assert "C'est enregistré" in cleared.text or "Rien n'a changé" in cleared.text


async def test_a_form_left_open_does_not_put_back_what_someone_changed(editor: Context) -> None:
    admin = Person(ChatRef("slack", "C0RESEAU"), "U0ADMIN", "Nadia", private=False)
    await grant(editor.sessions, "slack", "U0ADMIN", ADMIN, granted_by="test", now=START)
    (opened,) = await say(editor, admin, "/service modifier Halte-répit Aide-Parents Plus", can_open_forms=True)
    assert opened.form is not None
    await say(editor, ADMIN_TELEGRAM, "/service modifier Halte-répit Aide-Parents ; telephone ; 418 555-0188")
    shown = {field.name: field.value for field in opened.form.fields}
    (saved,) = await press(editor, admin, opened.form.data, form_values=tuple({**shown, "frais": "Gratuit"}.items()))
    assert "**Frais**" in saved.text and "Téléphone" not in saved.text
    assert await phones_shown(editor) == "418 555-0188"


async def test_a_kept_value_goes_only_to_a_record_offered_with_it(editor: Context) -> None:
    (choice,) = await say(editor, ADMIN_TELEGRAM, "/service modifier Halte-garderie ; telephone ; 418 555-0666")
    assert len(choice.buttons) == 2
    replies = await press(editor, ADMIN_TELEGRAM, f"svm:{HALTE.hex}")  # another service's "Modifier"
    assert all("418 555-0666" not in reply.text for reply in replies)


async def test_an_organization_and_its_one_service_both_named_are_offered(editor: Context) -> None:
    for line in ("/org ajouter Maison Test", "fin", "oui", "/service ajouter Maison Test ; Cuisine du mardi", "fin",
                 "oui"):
        await say(editor, CONSOLE, line)
    (choice,) = await say(editor, ADMIN_TELEGRAM, "/annuler_modif Maison Test")
    assert choice.text == "Lequel ?" and [button.label for button in choice.buttons] == ["Service", "Organisme"]


async def test_odd_digits_are_no_number(editor: Context) -> None:
    await say(editor, CONSOLE, "/service modifier Halte-répit Aide-Parents Plus")
    (again,) = await say(editor, CONSOLE, "²")
    assert "Je ne connais pas le champ « ² »" in again.text
    (listed,) = await say(editor, CONSOLE, "/synonyme retirer ²")
    assert "rien à retirer" in listed.text


async def test_a_reason_typed_with_a_name_that_matched_several_is_kept(editor: Context) -> None:
    (choice,) = await say(editor, ADMIN_TELEGRAM, "/service fermer Halte-garderie ; Dégât d'eau")
    (closed,) = await press(editor, ADMIN_TELEGRAM, choice.buttons[0].data)
    assert "fermé temporairement" in closed.text and "Dégât d'eau" in closed.text
