"""The fields admins may change from the chat, for organizations and services: how each is named
and typed, read from a record, checked (``directory.field_values``) and written back.

A field's value travels as its canonical text (``to_text``), the form the change log keeps: undoing
a change is writing the logged previous text again. The empty text means "no value".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy.ext.asyncio import AsyncSession

from directory import age_values, place_values
from directory import field_values as values
from directory import record_parts as parts
from directory.field_values import FieldError, Translate
from directory.models import Organization, Service
from directory.opening_hours import hours_text, parse_hours
from directory.phones import parse_phones, phones_text
from directory.places import Gazetteer
from directory.text import fold

Record = Organization | Service
ORGANIZATION, SERVICE = "organization", "service"
CLEAR_WORDS = frozenset({"-", "aucun", "aucune", "rien", "effacer"})
CATEGORY_CUTOFF = 80


@dataclass(frozen=True, slots=True)
class Env:
    """What checking a value may need besides its text: the translator, the places, the database."""

    t: Translate
    gazetteer: Gazetteer
    session: AsyncSession
    today: dt.date | None = None  # in the network's zone, for dates that cannot be in the future


Parse = Callable[[str, Env], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Editable:
    """One field: its key in commands and the log, French label and example, and how to handle it."""

    key: str
    label: str
    hint: str
    parse: Parse  # typed text → value; raises FieldError
    to_text: Callable[[Any], str]  # value → canonical text
    read: Callable[[AsyncSession, Any], Awaitable[Any]]  # record → value (None when empty)
    write: Callable[[AsyncSession, Any, Any], Awaitable[None]]  # record, value (None clears)
    required: bool = False
    multiline: bool = False
    aliases: tuple[str, ...] = ()

    async def read_text(self, session: AsyncSession, record: Record) -> str:
        """The record's value of this field, as canonical text ("" when it has none)."""
        value = await self.read(session, record)
        return "" if value is None or value == () else self.to_text(value)

    async def check(self, text: str, env: Env) -> Any:
        """The value ``text`` stands for (None for a clearing word or an empty text); FieldError when
        it cannot be read or when it would empty a required field."""
        stripped = text.strip()
        if not stripped or fold(stripped) in CLEAR_WORDS:
            if self.required:
                raise FieldError(env.t("Le champ « {label} » est obligatoire : il ne peut pas être vide.",
                                       label=env.t(self.label)))
            return None
        return await self.parse(stripped, env)


def _column(name: str) -> tuple[Callable[[AsyncSession, Any], Awaitable[Any]],
                                 Callable[[AsyncSession, Any, Any], Awaitable[None]]]:
    async def read(_session: AsyncSession, record: Record) -> Any:
        return getattr(record, name) or None

    async def write(_session: AsyncSession, record: Record, value: Any) -> None:
        required = not type(record).__table__.c[name].nullable  # cleared to "" where the column holds no NULL
        setattr(record, name, "" if value is None and required else value)

    return read, write


def _plain(parse: Callable[[str, Translate], Any]) -> Parse:
    async def run(text: str, env: Env) -> Any:
        return parse(text, env.t)

    return run


def _text_column(key: str, label: str, hint: str, column: str, parse: Callable[[str, Translate], Any],
                 to_text: Callable[[Any], str], **more: Any) -> Editable:
    read, write = _column(column)
    return Editable(key, label, hint, _plain(parse), to_text, read, write, **more)


async def _read_ages(_session: AsyncSession, service: Service) -> age_values.AgeRange | None:
    if service.minimum_age is None and service.maximum_age is None:
        return None
    return age_values.AgeRange(service.minimum_age, service.maximum_age)


async def _write_ages(_session: AsyncSession, service: Service, ages: age_values.AgeRange | None) -> None:
    service.minimum_age = ages.minimum if ages else None
    service.maximum_age = ages.maximum if ages else None


async def _parse_areas(text: str, env: Env) -> tuple[str, ...]:
    """Place names that resolve back to the places meant ("municipalité de Québec", not "Québec"), in
    the order they are read back (``record_parts.in_order``)."""
    places = place_values.parse_areas(text, env.gazetteer, env.t)
    return parts.in_order(place_values.place_text(place, env.gazetteer) for place in places)


async def _parse_address(text: str, env: Env) -> place_values.AddressValue:
    return place_values.parse_address(text, env.gazetteer, env.t)


async def _parse_categories(text: str, env: Env) -> tuple[str, ...]:
    """Category names, separated by ";" (or by "," where no name has one), each matched (accents, case
    and a slip aside) to an existing taxonomy term; in the order they are read back."""
    terms = [term.name for term in await parts.category_terms(env.session)]
    folded = {fold(name): name for name in terms}
    found: list[str] = []
    for piece in (piece.strip() for piece in text.split(";")):
        whole = folded.get(fold(piece)) if piece else None
        for typed in [piece] if whole else [p.strip() for p in piece.split(",")]:
            if not typed:
                continue
            match = folded.get(fold(typed)) or _closest(typed, terms)
            if match is None:
                raise FieldError(env.t(
                    "Catégorie inconnue : « {typed} ». Catégories possibles : {known}. Séparez-les par « ; ».",
                    typed=typed, known="; ".join(terms) or env.t("aucune pour l'instant"),
                ))
            found.append(match)
    if not found:
        raise FieldError(env.t("Donnez au moins une catégorie, par exemple : {example}.",
                               example="; ".join(terms[:2]) or "Aide alimentaire"))
    return parts.in_order(found)


def _closest(typed: str, names: list[str]) -> str | None:
    best = process.extractOne(fold(typed), {name: fold(name) for name in names}, scorer=fuzz.ratio,
                              score_cutoff=CATEGORY_CUTOFF)
    return best[2] if best else None


def _join(names: tuple[str, ...]) -> str:
    return ", ".join(names)


def _join_categories(names: tuple[str, ...]) -> str:
    return "; ".join(names)  # category names may hold commas


async def _parse_date(text: str, env: Env) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise FieldError(env.t("« {typed} » n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2026-11-23.",
                               typed=text.strip())) from None
    if env.today is not None and day > env.today:
        raise FieldError(env.t("Le {typed} n'est pas encore arrivé : une vérification se date du jour où elle "
                               "a été faite.", typed=text.strip()))
    return day


NAME = _text_column("nom", "Nom", "Halte-garderie La Ribambelle", "name", values.parse_name, values.name_text,
                    required=True)
DESCRIPTION = _text_column("description", "Description", "Ce que le service offre, à qui, comment.",
                           "description", values.parse_description, values.description_text, multiline=True)
EMAIL = _text_column("courriel", "Courriel", "accueil@organisme.org", "email", values.parse_email,
                     values.email_text, aliases=("email", "mail"))
PHONES = Editable("telephone", "Téléphone", "418 555-0101 poste 2 (accueil); 1 800 555-0199",
                  _plain(parse_phones), phones_text, parts.read_phones, parts.write_phones,
                  aliases=("telephones", "tel", "phone", "numero"))

ORGANIZATION_FIELDS: tuple[Editable, ...] = (
    NAME,
    DESCRIPTION,
    PHONES,
    EMAIL,
    _text_column("site", "Site web", "www.organisme.org", "website", values.parse_url, values.url_text,
                 aliases=("web", "url", "site web")),
    _text_column("secteur", "Secteur", "communautaire, public, scolaire, municipal ou privé", "sector",
                 values.parse_sector, values.sector_text),
    Editable("adresse", "Adresse", "2050 rue Saint-Dominique, Jonquière, G7X 6L6", _parse_address,
             place_values.address_text, parts.read_address, parts.write_address, aliases=("address",)),
)

SERVICE_FIELDS: tuple[Editable, ...] = (
    NAME,
    DESCRIPTION,
    PHONES,
    Editable("heures", "Heures", "lun-ven 9h-17h; sam 10h-14h", _plain(parse_hours), hours_text,
             parts.read_hours, parts.write_hours, aliases=("heure", "horaire", "horaires", "hours")),
    Editable("ages", "Âges", "0-5 ans, 6 ans et plus, tous", _plain(age_values.parse_ages), age_values.ages_text,
             _read_ages, _write_ages, aliases=("age", "clientele")),
    Editable("territoire", "Territoire", "Jonquière, Chicoutimi", _parse_areas, _join,
             parts.read_areas, parts.write_areas, aliases=("territoires", "secteur desservi", "zone")),
    Editable("categories", "Catégories", "Aide alimentaire; Répit", _parse_categories, _join_categories,
             parts.read_categories, parts.write_categories, aliases=("categorie", "category")),
    _text_column("reference", "Comment référer", "sans référence, sur référence ou par téléphone",
                 "referral_method", values.parse_referral_method, values.referral_method_text,
                 aliases=("referer", "referencement")),
    _text_column("demarche", "Démarche", "Appeler l'accueil; une intervenante rappelle dans la journée.",
                 "application_process", values.parse_description, values.description_text, multiline=True,
                 aliases=("demarches", "inscription")),
    _text_column("conditions", "Conditions", "Familles du territoire avec un enfant de 0 à 5 ans.",
                 "eligibility_description", values.parse_description, values.description_text, multiline=True,
                 aliases=("admissibilite", "criteres")),
    _text_column("frais", "Frais", "Gratuit; 5 $ par repas", "fees_description", values.parse_description,
                 values.description_text, aliases=("cout", "couts", "prix")),
    EMAIL,
    _text_column("site", "Site web", "www.organisme.org/service", "url", values.parse_url, values.url_text,
                 aliases=("web", "url", "site web")),
    _text_column("alerte", "Avis", "Fermé pendant les Fêtes, du 22 décembre au 5 janvier.", "alert",
                 values.parse_description, values.description_text, aliases=("avis", "alert")),
    _text_column("statut", "Statut", "actif, fermé temporairement, inactif", "status", values.parse_status,
                 values.status_text, required=True, aliases=("status", "etat")),
    Editable("verification", "Dernière vérification", "2026-11-23", _parse_date, dt.date.isoformat,
             *_column("assured_date"), aliases=("verifie", "date de verification")),
)

FIELDS = {ORGANIZATION: ORGANIZATION_FIELDS, SERVICE: SERVICE_FIELDS}
ASKED = {ORGANIZATION: ORGANIZATION_FIELDS, SERVICE: SERVICE_FIELDS[:-2]}
"""The fields a form or a guided conversation asks for (status and verification have their commands)."""


def kind_of(record: Record) -> str:
    """"organization" or "service"."""
    return SERVICE if isinstance(record, Service) else ORGANIZATION


def field_named(kind: str, typed: str) -> Editable | None:
    """The field of ``kind`` that ``typed`` names (key, alias, or label; accents and case aside)."""
    wanted = fold(typed.strip()).replace("_", " ")
    for field in FIELDS[kind]:
        if wanted in {field.key, fold(field.label), *field.aliases}:
            return field
    return None


def field_keys(kind: str) -> str:
    """The names of the fields of ``kind`` as a list to show."""
    return ", ".join(field.key for field in ASKED[kind])
