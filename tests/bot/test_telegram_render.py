"""Replies as Telegram HTML: escaping, cards, keyboards, and cutting long replies under 4,096 characters."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram_render import LIMIT, to_keyboard, to_messages, units
from handlers.markup import to_spans
from handlers.messages import Button, Card, Field, Reply
from handlers.texts import texts_for

FR = texts_for("fr")


class Reader(HTMLParser):
    """Reads Telegram HTML back: its visible text, and whether every tag opened was closed in order."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.open: list[str] = []
        self.balanced = True
        self.feed(markup)
        self.close()
        self.balanced = self.balanced and not self.open

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.balanced = self.balanced and tag in {"b", "i", "a"}
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.balanced = self.balanced and bool(self.open) and self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text += data


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_markup_and_cards() -> None:
    card = Card("Maison & Cie", "Org <x>", ("ligne",), (Field("Téléphone", "418 555-0101"),), "exemple")
    reply = Reply(
        "**Urgence ?** Appelez le [211](https://211qc.ca/?q=a&b) ou [ceci](javascript:alert(1)) <b>",
        cards=(card,),
    )
    assert to_messages(reply, FR) == [(
        '<b>Urgence ?</b> Appelez le <a href="https://211qc.ca/?q=a&amp;b">211</a> '
        "ou [ceci](javascript:alert(1)) &lt;b&gt;\n\n"
        "<b>Maison &amp; Cie</b> — Org &lt;x&gt; · <i>exemple</i>\nligne\nTéléphone : 418 555-0101"
    )]
    english = to_messages(Reply(cards=(Card("A", fields=(Field("Phone", "1"),)),)), texts_for("en"))
    assert english == ["<b>A</b>\nPhone: 1"]
    assert to_messages(Reply(), FR) == [] and to_messages(Reply("  \n "), FR) == []


def test_keyboard_has_one_button_per_row() -> None:
    assert to_keyboard(()) is None
    markup = to_keyboard((Button("Plus de résultats", "qui:3:x"), Button("Le Transit", "org:1")))
    assert markup is not None
    assert [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard] == [
        [("Plus de résultats", "qui:3:x")], [("Le Transit", "org:1")]
    ]


def test_units_count_as_telegram_does() -> None:
    assert units("é") == 1 and units("😀") == 2 and units("a\n") == 2


def test_one_huge_line_is_cut_between_words_with_tags_closed() -> None:
    reply = Reply(" ".join(f"**mot{n}** & <texte> [lien](https://a.ca/{n}) 😀" for n in range(400)))
    messages = to_messages(reply, FR)
    assert len(messages) > 1 and all(units(m) > LIMIT - 80 for m in messages[:-1])
    for message in messages:
        assert units(message) <= LIMIT and Reader(message).balanced
    assert squeezed("".join(Reader(m).text for m in messages)) == squeezed(visible(reply))
    assert sum(m.count('<a href="https://a.ca/') for m in messages) == 400


def test_a_word_longer_than_a_message_is_cut_between_characters_not_entities() -> None:
    for word in ("&" * 5000, "😀" * 3000, "**" + "x" * 9000 + "**"):
        messages = to_messages(Reply(word), FR)
        assert len(messages) >= 2
        for message in messages:
            assert units(message) <= LIMIT and Reader(message).balanced
            assert "\ufffd" not in message and not message.endswith(("&", "&a", "&am", "&amp"))
        assert "".join(Reader(m).text for m in messages) == word.replace("**", "")


def test_cards_stay_whole_when_they_fit() -> None:
    cards = tuple(Card(f"Service {n}", lines=("x" * 900,)) for n in range(9))
    messages = to_messages(Reply("Intro", cards), FR)
    assert [m.count("<b>Service") for m in messages] == [4, 4, 1]
    for message in messages:
        assert units(message) <= LIMIT
        assert all(re.fullmatch(r"Intro|<b>Service \d</b>\nx{900}", block) for block in message.split("\n\n"))


@settings(max_examples=60, deadline=None)
@given(st.lists(
    st.one_of(
        st.text(alphabet=st.sampled_from("ab &<>\"'é😀\n"), max_size=300),
        st.text(alphabet="xy &<😀", min_size=1, max_size=2000).map(lambda w: f"**{w}**"),
        st.text(alphabet="lien &", min_size=1, max_size=50).map(lambda w: f"[{w}](https://ex.ca/?a=1&b=2)"),
    ),
    max_size=30,
))
def test_any_reply_fits_and_keeps_its_text(pieces: list[str]) -> None:
    text = " ".join(pieces)
    card = Card(text[:3000] or "titre", lines=(text[:5000],))
    reply = Reply(text, (card,))
    messages = to_messages(reply, FR)
    for message in messages:
        assert units(message) <= LIMIT and Reader(message).balanced and message.strip() == message
    assert squeezed("".join(Reader(m).text for m in messages)) == squeezed(visible(reply))


def visible(reply: Reply) -> str:
    """What a person sees of ``reply``, markup left out."""
    texts = ["".join(span.text for span in to_spans(line)) for line in reply.text.split("\n")]
    for card in reply.cards:
        title = card.title + (f" — {card.subtitle}" if card.subtitle else "")
        title += f" · {card.badge}" if card.badge else ""
        texts += [title, *card.lines, *(f"{f.label} : {f.value}" for f in card.fields)]
    return "\n".join(texts)
