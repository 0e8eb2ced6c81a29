"""Phone numbers as Québec writes them, read and written back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.field_values import FieldError
from directory.phones import PhoneValue, parse_phones, phones_text
from handlers.texts import texts_for


@pytest.mark.parametrize(("typed", "phones"), [
    ("418-555-0101 poste 23 (accueil)", [PhoneValue("418 555-0101", "23", "accueil")]),
    ("(418) 555 0101 #23", [PhoneValue("418 555-0101", "23")]),
    ("1 800 555-0199", [PhoneValue("1 800 555-0199")]),
    ("1-877-555-0199 (sans frais)", [PhoneValue("1 877 555-0199", None, "sans frais")]),
    ("4185550101", [PhoneValue("418 555-0101")]),
    ("+1 418 555 0101 ext 5", [PhoneValue("418 555-0101", "5")]),
    ("418.555.0101 p. 23", [PhoneValue("418 555-0101", "23")]),
    ("514 555-0199 x 1234", [PhoneValue("514 555-0199", "1234")]),
    ("Accueil : 819 555-0199", [PhoneValue("819 555-0199", None, "Accueil")]),
    ("819 555 0199 (Ligne d'écoute 24/7)", [PhoneValue("819 555-0199", None, "Ligne d'écoute 24/7")]),
    ("418 555-0101; 1 800 555-0199\n514 555-0199", [
        PhoneValue("418 555-0101"), PhoneValue("1 800 555-0199"), PhoneValue("514 555-0199")]),
    ("418 555-0101; 418-555-0101 (accueil)", [PhoneValue("418 555-0101")]),  # one number, kept once
    ("-", []),
    ("Aucun", []),
])
def test_phones_are_read_as_quebec_writes_them(typed: str, phones: list[PhoneValue]) -> None:
    assert list(parse_phones(typed)) == phones


def test_phones_are_written_as_quebec_writes_them() -> None:
    phones = (PhoneValue("418 555-0101", "23", "accueil"), PhoneValue("1 800 555-0199"))
    assert phones_text(phones) == "418 555-0101, poste 23 (accueil); 1 800 555-0199"
    assert parse_phones(phones_text(phones)) == phones
    assert phones_text(()) == "aucun"


@pytest.mark.parametrize(("typed", "words"), [
    ("555-0101", ["indicatif régional", "« 555-0101 »", "10 chiffres", "418 555-0101"]),
    ("+33 1 42 68 53 00", ["nord-américain", "418 555-0101"]),
    ("418 123-4567", ["nord-américain"]),
    ("418 555 01", ["nord-américain"]),
    ("appelez-nous", ["« appelez-nous » n'est pas un numéro", "418 555-0101, poste 23 (accueil)"]),
    ("418 555-0101 ou 418 555-0102", ["n'est pas un numéro"]),
    ("", ["Aucun numéro", "« ; »", "« aucun »"]),
    (" ;\n ", ["Aucun numéro"]),
    ("418 555-0101 (" + "a" * 81 + ")", ["80 caractères", "« accueil »"]),
    ("418 555-0101\x00", ["caractères de contrôle"]),
])
def test_bad_phones_are_refused_with_what_to_do(typed: str, words: list[str]) -> None:
    with pytest.raises(FieldError) as caught:
        parse_phones(typed)
    assert all(word in caught.value.message for word in words), caught.value.message


def test_phone_refusals_are_translated() -> None:
    with pytest.raises(FieldError) as caught:
        parse_phones("555-0101", texts_for("en"))
    assert "area code" in caught.value.message


@settings(max_examples=150, deadline=None)
@given(typed=st.text(max_size=40))
def test_any_text_gives_phones_or_a_field_error(typed: str) -> None:
    try:
        phones = parse_phones(typed)
    except FieldError as error:
        assert error.message
    else:
        assert parse_phones(phones_text(phones)) == phones


_AREA_CODES = ["418", "581", "367", "819", "873", "514", "438", "450", "579", "800", "888", "877", "866"]
_DESCRIPTION = st.from_regex(r"[A-Za-zéèàçÉ][A-Za-zéèàç0-9'/ -]{0,20}", fullmatch=True)


@settings(max_examples=50, deadline=None)
@given(
    phones=st.lists(st.tuples(
        st.sampled_from(_AREA_CODES), st.integers(200, 999), st.integers(0, 9999),
        st.none() | st.integers(1, 99999).map(str), st.none() | _DESCRIPTION,
        st.sampled_from(["{a}-{b}-{c}", "({a}) {b} {c}", "1 {a} {b}-{c}", "+1{a}{b}{c}", "{a}.{b}.{c}"]),
        st.sampled_from([" poste ", " #", " ext. ", ", p. "]),
    ), min_size=1, max_size=3),
)
def test_typed_phones_read_back_from_their_text(phones: list[tuple]) -> None:
    items = []
    for area, exchange, line, extension, description, shape, mark in phones:
        item = shape.format(a=area, b=exchange, c=f"{line:04d}")
        item += f"{mark}{extension}" if extension else ""
        item += f" ({description})" if description else ""
        items.append(item)
    try:
        read = parse_phones("; ".join(items))
    except FieldError as error:  # a number the numbering plan does not assign
        assert "nord-américain" in error.message
        return
    assert parse_phones(phones_text(read)) == read
    assert all(phone.number[-8:-5].isdigit() and phone.number[-5] == "-" for phone in read)
