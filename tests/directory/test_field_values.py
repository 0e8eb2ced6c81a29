"""Reading what admins type into directory fields: names, texts, choices, codes, ages, places."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.age_values import AgeRange, ages_text, parse_ages
from directory.field_values import (
    FieldError,
    description_text,
    email_text,
    is_none,
    name_text,
    parse_description,
    parse_email,
    parse_name,
    parse_postal_code,
    parse_referral_method,
    parse_sector,
    parse_status,
    parse_url,
    postal_code_text,
    referral_method_text,
    sector_text,
    status_text,
    url_text,
)
from directory.models import REFERRAL_METHODS, SECTORS, SERVICE_STATUSES
from directory.place_values import AddressValue, address_text, areas_text, parse_address, parse_areas
from directory.places import Gazetteer
from handlers.texts import texts_for

# Every parser that needs no gazetteer, with the canonical text of its values.
PARSERS = {
    "name": (parse_name, name_text),
    "description": (parse_description, description_text),
    "status": (parse_status, status_text),
    "referral": (parse_referral_method, referral_method_text),
    "sector": (parse_sector, sector_text),
    "postal code": (parse_postal_code, postal_code_text),
    "url": (parse_url, url_text),
    "email": (parse_email, email_text),
    "ages": (parse_ages, ages_text),
}


def refusal(parse, *args) -> str:
    with pytest.raises(FieldError) as caught:
        parse(*args)
    return caught.value.message


# ---- plain texts


@pytest.mark.parametrize(("typed", "expected"), [
    ("Maison de la famille", "Maison de la famille"),
    ("  Maison   de la\n famille\t", "Maison de la famille"),
    ("Cuisine collective \u00ab\u00a0Le Bon Pot\u00a0\u00bb", "Cuisine collective \u00ab Le Bon Pot \u00bb"),
    ("Cafe\u0301 des parents", "Café des parents"),  # composed to NFC
    ("x" * 200, "x" * 200),
])
def test_names_are_squeezed_onto_one_line(typed: str, expected: str) -> None:
    assert parse_name(typed) == expected


@pytest.mark.parametrize(("typed", "words"), [
    ("", ["vide", "Maison de la famille"]),
    ("   \n ", ["vide"]),
    ("x" * 201, ["201 caractères", "200"]),
    ("Maison\x00famille", ["caractères de contrôle", "retapez"]),
])
def test_bad_names_are_refused_with_what_to_do(typed: str, words: list[str]) -> None:
    message = refusal(parse_name, typed)
    assert all(word in message for word in words), message


def test_descriptions_keep_their_paragraphs() -> None:
    typed = "  Ateliers   pour parents. \r\n\r\n\r\n  Halte-garderie\t sur place.\n"
    assert parse_description(typed) == "Ateliers pour parents.\n\nHalte-garderie sur place."
    assert parse_description("Ligne 1\nLigne 2") == "Ligne 1\nLigne 2"


@pytest.mark.parametrize(("typed", "words"), [
    ("\n \n", ["vide", "Halte-garderie"]),
    ("x" * 2001, ["2001 caractères", "2000"]),
    ("Ateliers\x07", ["caractères de contrôle"]),
])
def test_bad_descriptions_are_refused(typed: str, words: list[str]) -> None:
    message = refusal(parse_description, typed)
    assert all(word in message for word in words), message


# ---- choices


@pytest.mark.parametrize(("typed", "status"), [
    ("actif", "active"), ("Ouvert", "active"), ("ACTIVE", "active"),
    ("fermé temporairement", "temporarily closed"), ("ferme temporairement", "temporarily closed"),
    ("Temporairement fermé", "temporarily closed"), ("temporarily closed", "temporarily closed"),
    ("inactif", "inactive"), ("fermé", "inactive"), ("FERME", "inactive"),
    ("n'existe plus", "defunct"), ("n’existe plus", "defunct"), ("défunt", "defunct"), ("defunt", "defunct"),
])
def test_statuses_are_read_from_french_words(typed: str, status: str) -> None:
    assert parse_status(typed) == status


@pytest.mark.parametrize(("typed", "method"), [
    ("sans référence", "sans_reference"), ("Sans reference", "sans_reference"), ("accès direct", "sans_reference"),
    ("sur référence", "reference_intervenant"), ("sur reference d'un intervenant", "reference_intervenant"),
    ("par téléphone", "par_telephone"), ("telephone", "par_telephone"),
])
def test_referral_methods_are_read_from_french_words(typed: str, method: str) -> None:
    assert parse_referral_method(typed) == method


@pytest.mark.parametrize(("typed", "sector"), [
    ("communautaire", "communautaire"), ("Organisme communautaire", "communautaire"), ("CLSC", "public"),
    ("école", "scolaire"), ("Ville", "municipal"), ("privé", "prive"), ("Privée", "prive"),
])
def test_sectors_are_read_from_french_words(typed: str, sector: str) -> None:
    assert parse_sector(typed) == sector


@pytest.mark.parametrize(("parse", "words"), [
    (parse_status, ["statut", "« actif »", "« n'existe plus »"]),
    (parse_referral_method, ["référer", "« sans référence »", "« par téléphone »"]),
    (parse_sector, ["secteur", "« communautaire »", "« privé »"]),
])
def test_unknown_choices_list_the_words_to_use(parse, words: list[str]) -> None:
    message = refusal(parse, "peut-être")
    assert "« peut-être »" in message
    assert all(word in message for word in words), message


@pytest.mark.parametrize(("parse", "to_text", "values"), [
    (parse_status, status_text, SERVICE_STATUSES),
    (parse_referral_method, referral_method_text, REFERRAL_METHODS),
    (parse_sector, sector_text, SECTORS),
])
def test_every_choice_has_a_text_that_reads_back(parse, to_text, values: tuple[str, ...]) -> None:
    assert [parse(to_text(value)) for value in values] == list(values)


# ---- codes, web and email


@pytest.mark.parametrize(("typed", "code"), [
    ("G7X 3K4", "G7X 3K4"), ("g7x3k4", "G7X 3K4"), ("G7X-3K4", "G7X 3K4"), (" h2x  1y4 ", "H2X 1Y4"),
    ("J8Y 6T3", "J8Y 6T3"),
])
def test_postal_codes_are_written_as_canada_post_does(typed: str, code: str) -> None:
    assert parse_postal_code(typed) == code


@pytest.mark.parametrize(("typed", "words"), [
    ("G7X3K", ["lettre, un chiffre", "G7X 3K4"]),
    ("1234567", ["n'est pas un code postal"]),
    ("", ["n'est pas un code postal"]),
    ("G7D 3K4", ["Postes Canada", "D, F, I, O, Q ni U"]),
    ("GOX 3K4", ["n'est pas un code postal"]),  # the letter O for a zero
    ("W7X 3K4", ["Postes Canada"]),
    ("K1A 0B1", ["K1A 0B1 n'est pas au Québec", "G, H ou J"]),
    ("M5V3L9", ["M5V 3L9 n'est pas au Québec"]),
])
def test_bad_postal_codes_are_refused(typed: str, words: list[str]) -> None:
    message = refusal(parse_postal_code, typed)
    assert all(word in message for word in words), message


@pytest.mark.parametrize(("typed", "url"), [
    ("exemple.org", "https://exemple.org"),
    ("www.maisondelafamille.ca/services", "https://www.maisondelafamille.ca/services"),
    ("HTTP://Exemple.ORG/Aide?q=1#haut", "http://exemple.org/Aide?q=1#haut"),
    ("https://www.exemple.org:8443/", "https://www.exemple.org:8443/"),
    ("https://café-jonquière.québec", "https://café-jonquière.québec"),
])
def test_web_addresses_are_normalized(typed: str, url: str) -> None:
    assert parse_url(typed) == url


@pytest.mark.parametrize(("typed", "words"), [
    ("ftp://exemple.org", ["http:// ou https://"]),
    ("exemple", ["nom de domaine avec un point"]),
    ("http://localhost:8000", ["nom de domaine avec un point"]),
    ("exemple .org", ["sans espaces"]),
    ("mailto:info@exemple.org", ["n'est pas une adresse web"]),
    ("javascript:alert(1)", ["n'est pas une adresse web"]),
    ("https://exemple.org:99999", ["n'est pas une adresse web"]),
    ("https://marie:secret@exemple.org", ["n'est pas une adresse web"]),
    ("https://192.168.0.1", ["n'est pas une adresse web"]),
    ("", ["n'est pas une adresse web", "exemple.org"]),
])
def test_bad_web_addresses_are_refused(typed: str, words: list[str]) -> None:
    message = refusal(parse_url, typed)
    assert all(word in message for word in words), message


def test_emails_are_normalized_and_checked() -> None:
    assert parse_email("  Marie.Tremblay@Exemple.ORG ") == "Marie.Tremblay@exemple.org"
    assert parse_email("accueil@maison-famille.qc.ca") == "accueil@maison-famille.qc.ca"
    for typed in ("marie@exemple", "marie tremblay@exemple.org", "exemple.org", ""):
        message = refusal(parse_email, typed)
        assert "n'est pas une adresse courriel valide" in message and "nom@exemple.org" in message


# ---- ages


@pytest.mark.parametrize(("typed", "minimum", "maximum", "text"), [
    ("0-5 ans", 0, 5, "0 à 5 ans"),
    ("0 à 5 ans", 0, 5, "0 à 5 ans"),
    ("de 0 a 5 ans", 0, 5, "0 à 5 ans"),
    ("0–5 ans", 0, 5, "0 à 5 ans"),
    ("entre 6 et 12 ans", 6, 12, "6 à 12 ans"),
    ("12-17", 12, 17, "12 à 17 ans"),
    ("6 ans et plus", 6, None, "6 ans et plus"),
    ("18+", 18, None, "18 ans et plus"),
    ("65 ans +", 65, None, "65 ans et plus"),
    ("à partir de 16 ans", 16, None, "16 ans et plus"),
    ("moins de 12 ans", None, 12, "12 ans et moins"),
    ("jusqu'à 12 ans", None, 12, "12 ans et moins"),
    ("12 ans et moins", None, 12, "12 ans et moins"),
    ("6 mois à 5 ans", 0.5, 5, "6 mois à 5 ans"),
    ("6 à 18 mois", 0.5, 1.5, "6 à 18 mois"),
    ("18 mois", 1.5, 1.5, "18 mois"),
    ("2,5 ans", 2.5, 2.5, "2,5 ans"),
    ("5 ans", 5, 5, "5 ans"),
    ("1 an", 1, 1, "1 an"),
    ("0-5 ans d'âge", 0, 5, "0 à 5 ans"),
    ("tous les âges", None, None, "tous les âges"),
    ("Tous", None, None, "tous les âges"),
    ("120 ans et moins", None, 120, "120 ans et moins"),
])
def test_ages_are_read_as_quebec_writes_them(typed: str, minimum: float | None, maximum: float | None,
                                             text: str) -> None:
    ages = parse_ages(typed)
    assert ages == AgeRange(minimum, maximum)
    assert ages_text(ages) == text


@pytest.mark.parametrize(("typed", "words"), [
    ("12 à 5 ans", ["12 ans", "5 ans", "plus jeune en premier"]),
    ("150 ans", ["150 ans dépasse 120 ans"]),
    ("0 à 121 ans", ["121 ans dépasse 120 ans"]),
    ("1,5 mois", ["mois sans décimales", "18 mois"]),
    ("ados", ["« ados »", "« 0-5 ans »", "« tous les âges »"]),
    ("", ["comme âges"]),
])
def test_bad_ages_are_refused(typed: str, words: list[str]) -> None:
    message = refusal(parse_ages, typed)
    assert all(word in message for word in words), message


# ---- places


def test_service_areas_resolve_in_the_gazetteer(shipped_gazetteer: Gazetteer) -> None:
    areas = parse_areas("Jonquière, chicoutimi; MRC du Fjord-du-Saguenay\nJonquiere", shipped_gazetteer)
    assert [place.id for place in areas] == ["A-jonquiere", "A-chicoutimi", "MRC942"]
    assert areas_text(areas, shipped_gazetteer) == "Jonquière, Chicoutimi, Le Fjord-du-Saguenay"
    assert parse_areas("aucun", shipped_gazetteer) == parse_areas("-", shipped_gazetteer) == ()
    assert areas_text((), shipped_gazetteer) == "aucun"


def test_an_ambiguous_area_is_written_so_that_it_reads_back(shipped_gazetteer: Gazetteer) -> None:
    city = parse_areas("ville de Québec", shipped_gazetteer)
    assert [place.kind for place in city] == ["municipalite"]
    assert parse_areas(areas_text(city, shipped_gazetteer), shipped_gazetteer) == city
    homonym = parse_areas("Saint-Isidore (Chaudière-Appalaches)", shipped_gazetteer)
    other = parse_areas("Saint-Isidore (Montérégie)", shipped_gazetteer)
    assert homonym != other
    assert parse_areas(areas_text(other, shipped_gazetteer), shipped_gazetteer) == other


def test_every_place_of_the_gazetteer_reads_back_from_its_text(shipped_gazetteer: Gazetteer) -> None:
    places = tuple(shipped_gazetteer)
    assert parse_areas(areas_text(places, shipped_gazetteer), shipped_gazetteer) == places


@pytest.mark.parametrize(("typed", "words"), [
    ("Jonquière, Chicoutimmmmi", ["« Chicoutimmmmi »", "vouliez-vous dire", "« Chicoutimi »"]),
    ("Zzyzx", ["« Zzyzx »", "séparés par des virgules", "Jonquière, Chicoutimi"]),
    (" , ;", ["Aucun lieu", "« aucun »"]),
])
def test_unknown_areas_are_refused_with_suggestions(shipped_gazetteer: Gazetteer, typed: str,
                                                    words: list[str]) -> None:
    message = refusal(parse_areas, typed, shipped_gazetteer)
    assert all(word in message for word in words), message


@pytest.mark.parametrize(("typed", "address"), [
    ("123 rue Saint-Dominique, Jonquière, G7X 3K4", AddressValue("123 rue Saint-Dominique", "Jonquière", "G7X 3K4")),
    ("123 rue Saint-Dominique, jonquiere, g7x3k4", AddressValue("123 rue Saint-Dominique", "Jonquière", "G7X 3K4")),
    ("123 rue Saint-Dominique\nJonquière (Québec) G7X 3K4",
     AddressValue("123 rue Saint-Dominique", "Jonquière", "G7X 3K4")),
    ("45 rue Racine Est, bureau 200, Saguenay, QC, G7H 1R2",
     AddressValue("45 rue Racine Est, bureau 200", "Saguenay", "G7H 1R2")),
    ("1 côte de la Fabrique, Québec", AddressValue("1 côte de la Fabrique", "Québec", None)),
    ("12 rue Principale, Alma QC", AddressValue("12 rue Principale", "Alma", None)),
    ("12 rue Principale, bureau 2, Québec", AddressValue("12 rue Principale, bureau 2", "Québec", None)),
    ("12 rue Principale, Alma, Québec, Canada", AddressValue("12 rue Principale", "Alma", None)),
])
def test_addresses_are_split_and_checked(shipped_gazetteer: Gazetteer, typed: str, address: AddressValue) -> None:
    assert parse_address(typed, shipped_gazetteer) == address
    assert parse_address(address_text(address), shipped_gazetteer) == address


@pytest.mark.parametrize(("typed", "words"), [
    ("123 rue Saint-Dominique", ["Il manque la rue ou la ville", "123 rue Saint-Dominique, Jonquière, G7X 3K4"]),
    ("123 rue Saint-Dominique, Estrie", ["« Estrie » n'est pas une ville"]),
    ("123 rue Saint-Dominique, Jonqière-sur-Mer", ["« Jonqière-sur-Mer »"]),
    ("123 rue Saint-Dominique, Jonquière, K1A 0B1", ["n'est pas au Québec"]),
    ("123 rue\x00Saint-Dominique, Jonquière", ["caractères de contrôle"]),
])
def test_bad_addresses_are_refused(shipped_gazetteer: Gazetteer, typed: str, words: list[str]) -> None:
    message = refusal(parse_address, typed, shipped_gazetteer)
    assert all(word in message for word in words), message


# ---- translation and properties


def test_refusals_are_translated() -> None:
    english = texts_for("en")
    assert "postal code" in refusal(parse_postal_code, "K1A 0B1", english)
    assert "age" in refusal(parse_ages, "ados", english)


def test_none_words() -> None:
    assert is_none("-") and is_none(" Aucun ") and is_none("AUCUNE")
    assert not is_none("") and not is_none("aucun lieu")


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(PARSERS)), typed=st.text(max_size=40))
def test_any_text_gives_a_value_or_a_field_error(name: str, typed: str) -> None:
    parse, to_text = PARSERS[name]
    try:
        value = parse(typed)
    except FieldError as error:
        assert error.message
    else:
        assert parse(to_text(value)) == value


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=40))
def test_any_text_gives_places_or_a_field_error(shipped_gazetteer: Gazetteer, typed: str) -> None:
    for parse, to_text in ((parse_areas, areas_text), (parse_address, None)):
        try:
            value = parse(typed, shipped_gazetteer)
        except FieldError:
            continue
        if to_text is not None:
            assert parse(to_text(value, shipped_gazetteer), shipped_gazetteer) == value


_YEARS = st.integers(0, 120).map(float) | st.integers(0, 12000).map(lambda n: n / 100)
_MONTHS = st.integers(0, 1440).map(lambda n: n / 12)
_AGE = _YEARS | _MONTHS


@settings(max_examples=100, deadline=None)
@given(low=st.none() | _AGE, high=st.none() | _AGE)
def test_ages_read_back_from_their_text(low: float | None, high: float | None) -> None:
    if low is not None and high is not None and low > high:
        low, high = high, low
    ages = AgeRange(low, high)
    assert parse_ages(ages_text(ages)) == ages


_WORD = st.text(string.ascii_letters + "éèàçô", min_size=1, max_size=8)


@settings(max_examples=50, deadline=None)
@given(host=st.lists(_WORD, min_size=1, max_size=3), tld=st.sampled_from(["org", "ca", "quebec", "COM"]),
       path=st.text(string.ascii_letters + string.digits + "/-_.~%", max_size=15), secure=st.booleans())
def test_web_addresses_read_back_from_their_text(host: list[str], tld: str, path: str, secure: bool) -> None:
    typed = f"{'https://' if secure else 'http://'}{'.'.join(host)}.{tld}/{path}"
    url = parse_url(typed)
    assert url.startswith("https://" if secure else "http://")
    assert parse_url(url_text(url)) == url


@settings(max_examples=50, deadline=None)
@given(letters=st.lists(st.sampled_from("ABCEGHJKLMNPRSTVWXYZ"), min_size=2, max_size=2),
       first=st.sampled_from("GHJ"), digits=st.lists(st.sampled_from(string.digits), min_size=3, max_size=3),
       dash=st.sampled_from(["", " ", "-"]), lower=st.booleans())
def test_postal_codes_read_back_from_their_text(letters: list[str], first: str, digits: list[str], dash: str,
                                                lower: bool) -> None:
    typed = f"{first}{digits[0]}{letters[0]}{dash}{digits[1]}{letters[1]}{digits[2]}"
    code = parse_postal_code(typed.lower() if lower else typed)
    assert code == f"{first}{digits[0]}{letters[0]} {digits[1]}{letters[1]}{digits[2]}"
    assert parse_postal_code(postal_code_text(code)) == code
