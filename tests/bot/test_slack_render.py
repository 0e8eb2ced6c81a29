"""Replies as Block Kit: escaping, cards, buttons, Slack's limits and the fallback text."""

from __future__ import annotations

import json
import re

from bot.slack_render import (
    BLOCKS_PER_MESSAGE,
    LABEL_LIMIT,
    SECTION_LIMIT,
    escape,
    to_link,
    to_messages,
    to_mrkdwn,
)
from handlers.markup import escape as escape_markup
from handlers.messages import Button, Card, Field, Reply
from handlers.texts import texts_for
from tests.bot.fake_slack import block_problem

HOSTILE = "<!channel> & <b>x</b> @everyone"
HOSTILE_ESCAPED = "&lt;!channel&gt; &amp; &lt;b&gt;x&lt;/b&gt; @everyone"
fr = texts_for("fr")


def texts_of(blocks: list[dict]) -> list[dict]:
    """Every text object of ``blocks``."""
    found = [block["text"] for block in blocks if "text" in block]
    found += [element for block in blocks if block["type"] == "context" for element in block["elements"]]
    return found


def test_escape_turns_the_three_control_characters_into_entities() -> None:
    assert escape(HOSTILE) == HOSTILE_ESCAPED
    assert escape("a &amp; b") == "a &amp;amp; b"


def test_markup_becomes_mrkdwn_with_the_text_escaped() -> None:
    text = "**Urgence ?** Appelez le **811** ou [l'aide <ici>](https://example.org/a?b=1&c=<2>|3)."
    assert to_mrkdwn(text) == (
        "*Urgence ?* Appelez le *811* ou <https://example.org/a?b=1&amp;c=%3C2%3E%7C3|l'aide &lt;ici&gt;>."
    )
    assert to_mrkdwn(escape_markup(HOSTILE)) == HOSTILE_ESCAPED
    assert to_mrkdwn("Commandes :\n- **/qui** besoin\n- /aide") == "Commandes :\n• */qui* besoin\n• /aide"


def test_only_web_addresses_become_links() -> None:
    assert to_link("javascript:alert(1)", "clic") == "clic"
    assert to_link("https://example.org", "<@U1>") == "<https://example.org|&lt;@U1&gt;>"


def test_a_card_is_a_section_with_bold_title_fields_and_a_badge() -> None:
    card = Card(
        title=HOSTILE, subtitle="Table <de> sécurité", lines=("Pourquoi : *dessert* Jonquière",),
        fields=(Field("Téléphone", "418-555-0144"), Field("Site web", "https://example.org/a"),
                Field("Courriel", "info@example.org")),
        badge="exemple",
    )
    [message] = to_messages(Reply("Résultats 1 à 1", (card,)), fr)
    assert [block["type"] for block in message.blocks] == ["section", "section", "context"]
    assert message.blocks[1]["text"]["text"] == "\n".join([
        f"*{HOSTILE_ESCAPED}*",
        "Table &lt;de&gt; sécurité",
        "Pourquoi : *dessert* Jonquière",
        "*Téléphone* : 418-555-0144",
        "*Site web* : <https://example.org/a|https://example.org/a>",
        "*Courriel* : <mailto:info@example.org|info@example.org>",
    ])
    assert message.blocks[2]["elements"] == [{"type": "mrkdwn", "text": "exemple", "verbatim": True}]
    assert message.text == f"Résultats 1 à 1\n{HOSTILE_ESCAPED} — Table &lt;de&gt; sécurité"


def test_field_labels_follow_the_language() -> None:
    [message] = to_messages(Reply(cards=(Card("Frigo", fields=(Field("Phone", "1"),)),)), texts_for("en"))
    assert message.blocks[0]["text"]["text"] == "*Frigo*\n*Phone*: 1"


def test_no_text_can_ping_anyone() -> None:
    card = Card(HOSTILE, HOSTILE, (HOSTILE,), (Field(HOSTILE, HOSTILE),), HOSTILE)
    [message] = to_messages(Reply(escape_markup(HOSTILE), (card,), (Button(HOSTILE, "qui:3:x"),)), fr)
    mrkdwn = [text for text in texts_of(message.blocks) if text["type"] == "mrkdwn"]
    parsed = json.dumps([text["text"] for text in mrkdwn] + [message.text], ensure_ascii=False)
    assert not re.search(r"<[!@#]", parsed)
    assert "<b>" not in parsed and HOSTILE_ESCAPED in parsed and "@everyone" in parsed
    assert all(text["verbatim"] for text in mrkdwn)
    # a button's label is plain_text, which Slack shows as written and never parses
    assert message.blocks[-1]["elements"][0]["text"] == {"type": "plain_text", "text": HOSTILE, "emoji": True}


def test_buttons_have_unique_action_ids_their_data_as_value_and_short_labels() -> None:
    buttons = tuple(Button(f"Catégorie {n} " + "x" * 80 * (n == 3), f"qui:0:c{n}") for n in range(30))
    [message] = to_messages(Reply("Catégories proches", buttons=buttons), fr)
    first, second = message.blocks[1:]
    assert (len(first["elements"]), len(second["elements"])) == (25, 5)
    elements = first["elements"] + second["elements"]
    assert [e["action_id"] for e in elements] == [f"passerelle:{n}" for n in range(30)]
    assert [e["value"] for e in elements] == [f"qui:0:c{n}" for n in range(30)]
    assert len(elements[3]["text"]["text"]) == LABEL_LIMIT and elements[3]["text"]["text"].endswith("…")
    assert block_problem(message.blocks) == ""


def test_a_long_reply_is_split_under_the_limits_with_buttons_on_the_last_message() -> None:
    cards = tuple(Card(f"Service {n}", lines=("ligne " * 20,) * 3, badge="exemple") for n in range(40))
    reply = Reply("Résultats\n" + "mot& " * 700, cards, (Button("Plus de résultats", "qui:40:x"),))
    messages = to_messages(reply, fr)
    assert len(messages) == 3
    assert all(block_problem(m.blocks) == "" and len(m.blocks) <= BLOCKS_PER_MESSAGE for m in messages)
    assert [m.blocks[-1]["type"] for m in messages] == ["context", "context", "actions"]
    assert all(b["type"] != "actions" for m in messages[:-1] for b in m.blocks)
    assert all(m.blocks[0]["type"] != "divider" for m in messages)
    pieces = [block["text"]["text"] for block in messages[0].blocks[:4]]
    assert pieces[0] == "Résultats" and all(len(p) <= SECTION_LIMIT for p in pieces)
    assert " ".join(pieces).split() == ["Résultats"] + ["mot&amp;"] * 700
    texts = [text["text"] for m in messages for text in texts_of(m.blocks)]
    titles = [text for text in texts if text.startswith("*Service ")]
    assert len(titles) == 40
    assert messages[1].text.startswith("Service ")


def test_a_line_without_spaces_is_cut_between_entities() -> None:
    [message] = to_messages(Reply(escape_markup("&" * 700)), fr)
    pieces = [block["text"]["text"] for block in message.blocks]
    assert [len(p) for p in pieces] == [3000, 500]
    assert "".join(pieces) == "&amp;" * 700


def test_a_reply_without_text_still_has_a_notification_text() -> None:
    [message] = to_messages(Reply(buttons=(Button("Oui", "rsvp:1"), Button("Non", "rsvp:0"))), fr)
    assert message.text == "Oui / Non"
    assert to_messages(Reply(), fr) == []
