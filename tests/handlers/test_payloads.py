"""Replies to JSON-ready payloads and back, as the outbox stores them."""

from __future__ import annotations

import json

from handlers.messages import Attachment, Button, Card, Field, Reply
from handlers.payloads import to_payload, to_reply

FULL = Reply(
    text="**Banque alimentaire** à Jonquière : 2 résultats",
    cards=(
        Card(
            title="Service d'aide alimentaire « L'Escale »",
            subtitle="Organisme : Le Transit",
            lines=("Dépannage alimentaire d'urgence", "Sur référence seulement"),
            fields=(Field("Téléphone", "418 555-0101"), Field("Heures", "lundi au jeudi, 9 h à 16 h")),
            badge="exemple",
        ),
        Card(title="Deuxième carte"),
    ),
    buttons=(Button("Plus de résultats", "qui:3:banque alimentaire"), Button("Autre", "org:42")),
    attachments=(
        Attachment("rappel.ics", b"BEGIN:VCALENDAR\r\n\x00\xff\xfe\x80END:VCALENDAR\r\n", "text/calendar"),
        Attachment("liste.csv", "nom;téléphone\n".encode(), "text/csv"),
    ),
)


def test_a_full_reply_survives_the_round_trip() -> None:
    assert to_reply(to_payload(FULL)) == FULL


def test_the_payload_survives_json_and_so_does_the_reply() -> None:
    stored = json.dumps(to_payload(FULL))
    assert to_reply(json.loads(stored)) == FULL


def test_the_payload_is_plain_data_with_attachments_in_base64() -> None:
    payload = to_payload(FULL)
    assert payload["text"] == FULL.text
    assert payload["cards"][0]["fields"] == [
        ["Téléphone", "418 555-0101"], ["Heures", "lundi au jeudi, 9 h à 16 h"]
    ]
    assert payload["cards"][0]["lines"] == ["Dépannage alimentaire d'urgence", "Sur référence seulement"]
    assert payload["cards"][0]["badge"] == "exemple"
    assert payload["buttons"] == [["Plus de résultats", "qui:3:banque alimentaire"], ["Autre", "org:42"]]
    name, content, mime = payload["attachments"][0]
    assert (name, mime) == ("rappel.ics", "text/calendar")
    assert content == "QkVHSU46VkNBTEVOREFSDQoA//6ARU5EOlZDQUxFTkRBUg0K"


def test_a_text_only_reply_round_trips() -> None:
    reply = Reply("Aucun résultat sûr : appelez le 211.")
    assert to_reply(json.loads(json.dumps(to_payload(reply)))) == reply


def test_an_empty_payload_is_an_empty_reply() -> None:
    assert to_reply({}) == Reply()
    assert to_reply({"cards": [{"title": "Seul le titre"}]}) == Reply(cards=(Card("Seul le titre"),))
