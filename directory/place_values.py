"""Places as admins type them: the areas a service serves ("Jonquière, Chicoutimi") and street
addresses ("123 rue Saint-Dominique, Jonquière, G7X 3K4"), read against the gazetteer
(``directory.field_values`` tells how parsers answer)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from directory.field_values import (
    NONE_TEXT,
    FieldError,
    Translate,
    controls_error,
    has_controls,
    is_none,
    parse_postal_code,
)
from directory.places import Gazetteer, Place
from directory.ranking import in_french
from directory.text import fold


@dataclass(frozen=True, slots=True)
class AddressValue:
    """A street address: the street line, the city as the gazetteer names it, an optional postal code."""

    street: str
    city: str
    postal_code: str | None


PLACE_LABELS = {"municipalite": "municipalité de", "mrc": "MRC de", "region": "région de",
                "territoire": "agglomération de", "arrondissement": "arrondissement de", "secteur": "secteur",
                "province": "province de"}
CITY_KINDS = frozenset({"municipalite", "arrondissement", "secteur"})


def _unknown_place(name: str, gazetteer: Gazetteer, t: Translate) -> FieldError:
    suggestions = ", ".join(f"« {p.name} »" for p in gazetteer.similar(name))
    if suggestions:
        return FieldError(t("Je ne connais pas le lieu « {value} » : vouliez-vous dire {suggestions} ? "
                            "Séparez les lieux par des virgules, par exemple « Jonquière, Chicoutimi ».",
                            value=name, suggestions=suggestions))
    return FieldError(t("Je ne connais pas le lieu « {value} » : écrivez des municipalités, arrondissements, "
                        "MRC ou régions du Québec séparés par des virgules, par exemple « Jonquière, Chicoutimi ».",
                        value=name))


def parse_areas(text: str, gazetteer: Gazetteer, t: Translate = in_french) -> tuple[Place, ...]:
    """Places served, separated by "," or ";" or new lines ("-"/"aucun" for none), each resolved in the
    gazetteer, repeats dropped; a homonym is told apart by its region or MRC in parentheses."""
    if is_none(text):
        return ()
    names = [" ".join(part.split()) for part in re.split(r"[,;\n]", text)]
    places: dict[str, Place] = {}
    for name in filter(None, names):
        place = gazetteer.resolve(name)
        if place is None:
            raise _unknown_place(name, gazetteer, t)
        places.setdefault(place.id, place)
    if not places:
        raise FieldError(t("Aucun lieu : écrivez les lieux servis séparés par des virgules, par exemple "
                           "« Jonquière, Chicoutimi », ou « aucun »."))
    return tuple(places.values())


def place_text(place: Place, gazetteer: Gazetteer) -> str:
    """A name that resolves back to ``place``: its name, qualified by its kind or its parent when needed."""
    parent = gazetteer.get(place.parent_id) if place.parent_id else None
    candidates = [place.name, f"{PLACE_LABELS[place.kind]} {place.name}"]
    candidates += [f"{place.name} ({parent.name})"] if parent else []
    return next((c for c in candidates if gazetteer.resolve(c) == place), place.name)


def areas_text(value: tuple[Place, ...], gazetteer: Gazetteer) -> str:
    """The places' names separated by ", " (qualified, "municipalité de Québec", when the bare name
    means another place), or "aucun"."""
    return ", ".join(place_text(place, gazetteer) for place in value) or NONE_TEXT


_POSTAL_AT_END = re.compile(r"[,\s]*\b([A-Za-z]\d[A-Za-z][\s-]?\d[A-Za-z]\d)\s*$")
_PROVINCE_AT_END = re.compile(r"\s*(?:\((?:qc|qu[ée]bec)\)|\bqc)$", re.IGNORECASE)
_PROVINCE_PARTS = frozenset({"qc", "quebec", "province de quebec", "(quebec)", "(qc)", "canada"})
_ADDRESS_EXAMPLE = "123 rue Saint-Dominique, Jonquière, G7X 3K4"


def parse_address(text: str, gazetteer: Gazetteer, t: Translate = in_french) -> AddressValue:
    """An address "123 rue Saint-Dominique, Jonquière, G7X 3K4": street lines, city (a municipality,
    arrondissement or secteur of the gazetteer), optional province "QC", optional postal code."""
    if has_controls(text.replace("\n", " ")):
        raise controls_error(t)
    postal_code = None
    if match := _POSTAL_AT_END.search(text):
        postal_code = parse_postal_code(match[1], t)
        text = text[: match.start()]
    parts = [" ".join(part.split()) for part in re.split(r"[,\n]", text)]
    parts = [part for part in parts if part]
    while len(parts) > 2 and fold(parts[-1]) in _PROVINCE_PARTS and _city(parts[-2], gazetteer):
        parts.pop()  # "…, Jonquière, QC, Canada", but "…, bureau 2, Québec" names the city
    if len(parts) < 2:
        raise FieldError(t("Il manque la rue ou la ville : écrivez l'adresse comme « {example} ».",
                           example=_ADDRESS_EXAMPLE))
    name = _PROVINCE_AT_END.sub("", parts[-1]) or parts[-1]  # "Jonquière (Québec)", "Jonquière QC"
    city = _city(name, gazetteer)
    if city is None and gazetteer.resolve(name) is None:
        raise _unknown_place(name, gazetteer, t)
    if city is None:
        raise FieldError(t("« {value} » n'est pas une ville ni un arrondissement : écrivez la ville de l'adresse, "
                           "par exemple « {example} ».", value=name, example=_ADDRESS_EXAMPLE))
    return AddressValue(", ".join(parts[:-1]), city.name, postal_code)


def _city(name: str, gazetteer: Gazetteer) -> Place | None:
    """The municipality, arrondissement or secteur ``name`` names ("Saguenay" is the city, not the territory)."""
    place = gazetteer.resolve(name)
    if place is not None and place.kind not in CITY_KINDS:
        place = gazetteer.resolve(f"municipalité de {name}")
    return place if place is not None and place.kind in CITY_KINDS else None


def address_text(value: AddressValue) -> str:
    """"123 rue Saint-Dominique, Jonquière, G7X 3K4" (no postal code part when there is none)."""
    return ", ".join(part for part in (value.street, value.city, value.postal_code) if part)
