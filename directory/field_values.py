"""What admins type into a directory field, read and checked: names, texts, choices, codes, ages, places.

Each ``parse_*`` takes the typed text and a translator ``t`` (``handlers.texts.Texts``;
by default the French messages as written) and returns a normalized value, or raises
``FieldError`` whose message says, in French, what was wrong and how to write it, with
an example. Each ``*_text`` gives a value's canonical text (what the change log stores
and what is shown back), so that ``parse_x(x_text(value)) == value``.

Accents and case never matter in keywords. A blank text is always an error: clearing a
field is the editing flow's business ("-"). Multi-valued fields (phones, hours, areas)
read "-" or "aucun" as "none", and their text of no value is "aucun".

Phones are in ``directory.phones``, opening hours in ``directory.opening_hours``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from email_validator import EmailNotValidError, validate_email

from directory.places import Gazetteer, Place, to_key
from directory.ranking import in_french
from directory.text import fold, words

Translate = Callable[..., str]
NONE_WORDS = frozenset({"-", "aucun", "aucune"})  # what a multi-valued field accepts for "no value"
NONE_TEXT = "aucun"
NAME_MAX, DESCRIPTION_MAX, AGE_MAX = 200, 2000, 120


class FieldError(ValueError):
    """A typed value that cannot be read; ``str(error)`` is the French message for the admin."""

    @property
    def message(self) -> str:
        """The message for the admin: what was wrong and how to write it."""
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class AgeRange:
    """Ages served, in years (months are fractions of a year); None means no bound."""

    minimum: float | None
    maximum: float | None


@dataclass(frozen=True, slots=True)
class AddressValue:
    """A street address: the street line, the city as the gazetteer names it, an optional postal code."""

    street: str
    city: str
    postal_code: str | None


def is_none(text: str) -> bool:
    """True when ``text`` says "no value" ("-", "aucun", "aucune") for a multi-valued field."""
    return fold(text).strip() in NONE_WORDS


def has_controls(text: str) -> bool:
    """True when ``text`` holds a control character (new lines included) or a lone surrogate."""
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in text)


def controls_error(t: Translate) -> FieldError:
    """The error for a text holding control characters."""
    return FieldError(t("Le texte contient des caractères de contrôle invisibles : retapez-le "
                        "au clavier plutôt que de le copier-coller, par exemple « Maison de la famille »."))


# ---- plain texts


def parse_name(text: str, t: Translate = in_french) -> str:
    """A name on one line: spaces squeezed, 1–200 characters, no control characters."""
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if has_controls(name):
        raise controls_error(t)
    if not name:
        raise FieldError(t("Le nom est vide : écrivez-le tel qu'il doit paraître, "
                           "par exemple « Maison de la famille de Jonquière »."))
    if len(name) > NAME_MAX:
        raise FieldError(t("Le nom a {count} caractères, c'est plus que 200 : raccourcissez-le, "
                           "par exemple « Maison de la famille de Jonquière ».", count=len(name)))
    return name


def name_text(value: str) -> str:
    """The canonical text of a name (itself)."""
    return value


def parse_description(text: str, t: Translate = in_french) -> str:
    """A description of at most 2000 characters: lines kept (one blank line at most between
    paragraphs), spaces squeezed within lines, no control characters."""
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).replace("\r\n", "\n")
             .replace("\r", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    description = "\n".join(kept).strip("\n")
    if any(has_controls(line) for line in kept):
        raise controls_error(t)
    if not description:
        raise FieldError(t("La description est vide : écrivez une ou quelques phrases, par exemple "
                           "« Halte-garderie et ateliers pour les parents de jeunes enfants. »"))
    if len(description) > DESCRIPTION_MAX:
        raise FieldError(t("La description a {count} caractères, c'est plus que 2000 : raccourcissez-la "
                           "à l'essentiel (qui, quoi, pour qui).", count=len(description)))
    return description


def description_text(value: str) -> str:
    """The canonical text of a description (itself)."""
    return value


# ---- choices by French words

STATUS_WORDS = {
    "active": ("actif", "active", "ouvert", "ouverte", "en service", "en activite", "en fonction"),
    "temporarily closed": ("ferme temporairement", "fermee temporairement", "temporairement ferme",
                           "temporairement fermee", "fermeture temporaire", "suspendu", "en pause",
                           "temporarily closed"),
    "inactive": ("inactif", "inactive", "ferme", "fermee"),
    "defunct": ("n'existe plus", "defunt", "defunte", "disparu", "ferme definitivement",
                "fermee definitivement", "defunct"),
}
STATUS_TEXTS = {"active": "actif", "temporarily closed": "fermé temporairement",
                "inactive": "inactif", "defunct": "n'existe plus"}
REFERRAL_WORDS = {
    "sans_reference": ("sans reference", "sans_reference", "acces direct", "direct", "libre",
                       "sans rendez-vous", "se presenter"),
    "reference_intervenant": ("sur reference", "reference_intervenant", "reference", "avec reference",
                              "reference d'un intervenant", "sur reference d'un intervenant",
                              "par un intervenant", "par intervenant", "intervenant"),
    "par_telephone": ("par telephone", "par_telephone", "telephone", "par appel", "appeler"),
}
REFERRAL_TEXTS = {"sans_reference": "sans référence", "reference_intervenant": "sur référence",
                  "par_telephone": "par téléphone"}
SECTOR_WORDS = {
    "communautaire": ("communautaire", "organisme communautaire", "oc", "ocf", "obnl", "osbl"),
    "public": ("public", "publique", "reseau public", "sante", "ciusss", "cisss", "clsc", "gouvernement"),
    "scolaire": ("scolaire", "ecole", "css", "centre de services scolaire", "education"),
    "municipal": ("municipal", "municipale", "municipalite", "ville"),
    "prive": ("prive", "privee", "entreprise", "commerce"),
}
SECTOR_TEXTS = {"communautaire": "communautaire", "public": "public", "scolaire": "scolaire",
                "municipal": "municipal", "prive": "privé"}


def _choice_key(text: str) -> str:
    return " ".join(words(text.replace("_", " ")))


def _by_key(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_choice_key(word): value for value, phrases in table.items() for word in phrases}


_STATUSES, _REFERRALS, _SECTORS = _by_key(STATUS_WORDS), _by_key(REFERRAL_WORDS), _by_key(SECTOR_WORDS)


def _choices(texts: dict[str, str]) -> str:
    return ", ".join(f"« {text} »" for text in texts.values())


def parse_status(text: str, t: Translate = in_french) -> str:
    """An HSDS service status (``models.SERVICE_STATUSES``) from French words: "actif", "ouvert",
    "fermé temporairement", "inactif", "fermé", "n'existe plus", "défunt"…"""
    if (value := _STATUSES.get(_choice_key(text))) is None:
        raise FieldError(t("Je ne comprends pas « {value} » comme statut : écrivez l'un de {choices}.",
                           value=text.strip(), choices=_choices(STATUS_TEXTS)))
    return value


def status_text(value: str) -> str:
    """The French word of a status: "actif", "fermé temporairement", "inactif", "n'existe plus"."""
    return STATUS_TEXTS[value]


def parse_referral_method(text: str, t: Translate = in_french) -> str:
    """A referral method (``models.REFERRAL_METHODS``) from French words: "sans référence",
    "sur référence", "par téléphone"…"""
    if (value := _REFERRALS.get(_choice_key(text))) is None:
        raise FieldError(t("Je ne comprends pas « {value} » comme façon de référer : écrivez l'un de {choices}.",
                           value=text.strip(), choices=_choices(REFERRAL_TEXTS)))
    return value


def referral_method_text(value: str) -> str:
    """The French words of a referral method: "sans référence", "sur référence", "par téléphone"."""
    return REFERRAL_TEXTS[value]


def parse_sector(text: str, t: Translate = in_french) -> str:
    """An organization sector (``models.SECTORS``) from French words: "communautaire", "public", "école"…"""
    if (value := _SECTORS.get(_choice_key(text))) is None:
        raise FieldError(t("Je ne comprends pas « {value} » comme secteur : écrivez l'un de {choices}.",
                           value=text.strip(), choices=_choices(SECTOR_TEXTS)))
    return value


def sector_text(value: str) -> str:
    """The French word of a sector: "communautaire", "public", "scolaire", "municipal", "privé"."""
    return SECTOR_TEXTS[value]


# ---- codes and addresses on the web

_POSTAL_SHAPE = re.compile(r"[A-Z]\d[A-Z]\d[A-Z]\d")
_POSTAL_LETTERS = re.compile(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d")
QUEBEC_POSTAL_LETTERS = "GHJ"


def parse_postal_code(text: str, t: Translate = in_french) -> str:
    """A Québec postal code as Canada Post writes it ("g7x3k4", "G7X-3K4" → "G7X 3K4")."""
    typed = text.strip()
    code = re.sub(r"[\s-]", "", typed).upper()
    if not code.isascii() or not _POSTAL_SHAPE.fullmatch(code):
        raise FieldError(t("« {value} » n'est pas un code postal : il faut une lettre, un chiffre, une lettre, "
                           "puis un chiffre, une lettre, un chiffre, par exemple G7X 3K4.", value=typed))
    if not _POSTAL_LETTERS.fullmatch(code):
        raise FieldError(t("Le code postal « {value} » contient une lettre que Postes Canada n'utilise pas "
                           "(jamais D, F, I, O, Q ni U, ni W ou Z en premier) : vérifiez-le, par exemple G7X 3K4.",
                           value=typed))
    if code[0] not in QUEBEC_POSTAL_LETTERS:
        raise FieldError(t("Le code postal {value} n'est pas au Québec : ceux du Québec commencent par "
                           "G, H ou J, par exemple G7X 3K4.", value=f"{code[:3]} {code[3:]}"))
    return f"{code[:3]} {code[3:]}"


def postal_code_text(value: str) -> str:
    """The canonical text of a postal code (itself)."""
    return value


_HOST_LABEL = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")
_TOP_LEVEL = re.compile(r"[^\W\d_]{2,}")


def parse_url(text: str, t: Translate = in_french) -> str:
    """A web address, http or https ("https://" added when missing), host lower-cased, no user or password."""
    typed = text.strip()
    example = t("« {value} » n'est pas une adresse web : écrivez un nom de domaine avec un point, sans espaces, "
                "par exemple exemple.org ou https://www.exemple.org/services.", value=typed)
    if not typed or any(c.isspace() for c in typed) or has_controls(typed):
        raise FieldError(example)
    if "://" not in typed:
        typed = "https://" + typed
    try:
        parts = urlsplit(typed)
        port = parts.port
    except ValueError:
        raise FieldError(example) from None
    if parts.scheme not in ("http", "https"):
        raise FieldError(t("L'adresse web « {value} » doit commencer par http:// ou https://, "
                           "par exemple https://exemple.org.", value=text.strip()))
    host = (parts.hostname or "").lower()
    labels = host.split(".")
    if ("@" in parts.netloc or len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels)
            or not _TOP_LEVEL.fullmatch(labels[-1])):
        raise FieldError(example)
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def url_text(value: str) -> str:
    """The canonical text of a web address (itself)."""
    return value


def parse_email(text: str, t: Translate = in_french) -> str:
    """An email address, normalized by ``email_validator`` (domain lower-cased), without a deliverability check."""
    typed = text.strip()
    try:
        return validate_email(typed, check_deliverability=False).normalized
    except EmailNotValidError:
        raise FieldError(t("« {value} » n'est pas une adresse courriel valide : écrivez-la comme "
                           "nom@exemple.org, sans espaces.", value=typed)) from None


def email_text(value: str) -> str:
    """The canonical text of an email address (itself)."""
    return value


# ---- ages

# Read after a trailing "âge(s)" or "d'âge(s)" is dropped: "tous les âges" → "tous les".
_ALL_AGES = frozenset({"tous", "tous les", "tout", "tout le monde", "aucune limite", "sans limite",
                       "tous les ages confondus"})
_AMOUNT = r"(\d{1,4}(?:[.,]\d{1,2})?)\s*(ans?|mois)?"
_AGE_FORMS = (
    ("range", re.compile(rf"(?:de |entre )?{_AMOUNT} ?(?:-|a|au|et) ?{_AMOUNT}")),
    ("from", re.compile(rf"(?:(?:a partir de|des|plus de) )?{_AMOUNT} ?(?:et plus|ou plus|et \+|\+)")),
    ("from", re.compile(rf"(?:a partir de|des|plus de) {_AMOUNT}")),
    ("to", re.compile(rf"(?:moins de|jusqu a|jusqua|maximum|max) {_AMOUNT}")),
    ("to", re.compile(rf"{_AMOUNT} ?(?:et moins|ou moins)")),
    ("single", re.compile(_AMOUNT)),
)


def parse_ages(text: str, t: Translate = in_french) -> AgeRange:
    """Ages served: "0-5 ans", "0 à 5 ans", "6 ans et plus", "18+", "moins de 12 ans", "12 ans et moins",
    "12-17", "6 mois à 5 ans", "5 ans", "tous les âges" / "tous" (no bounds). Up to 120 years.

    "moins de 12 ans" and "jusqu'à 12 ans" both read as at most 12; months are whole numbers.
    """
    typed = text.strip()
    folded = " ".join(re.sub(r"[–—]", "-", fold(typed)).replace("'", " ").replace(".", " ").split())
    folded = re.sub(r" ?(?:d )?ages?$", "", folded)
    if folded in _ALL_AGES:
        return AgeRange(None, None)
    for form, pattern in _AGE_FORMS:
        if match := pattern.fullmatch(folded):
            return _checked_ages(form, match.groups(), t)
    raise FieldError(t("Je ne comprends pas « {value} » comme âges : écrivez par exemple « 0-5 ans », "
                       "« 6 mois à 5 ans », « 6 ans et plus », « 12 ans et moins » ou « tous les âges ».",
                       value=typed))


def _checked_ages(form: str, groups: tuple[str | None, ...], t: Translate) -> AgeRange:
    if form == "range":
        low_unit = groups[1] or groups[3]
        low, high = _years(groups[0], low_unit, t), _years(groups[2], groups[3], t)
        if low > high:
            raise FieldError(t("L'âge de début ({low}) dépasse l'âge de fin ({high}) : écrivez le plus jeune "
                               "en premier, par exemple « 6 à 12 ans ».", low=_age(low), high=_age(high)))
        return AgeRange(low, high)
    age = _years(groups[0], groups[1], t)
    return {"from": AgeRange(age, None), "to": AgeRange(None, age), "single": AgeRange(age, age)}[form]


def _years(number: str | None, unit: str | None, t: Translate) -> float:
    """Years of a typed amount ("2,5" ans, "18" mois)."""
    text = str(number).replace(",", ".")
    if unit == "mois" and not text.isdigit():
        raise FieldError(t("Écrivez les mois sans décimales, par exemple « 18 mois » ou « 1,5 an »."))
    years = int(text) / 12 if unit == "mois" else float(text)
    if years > AGE_MAX:
        raise FieldError(t("{age} dépasse 120 ans : vérifiez les âges, par exemple « 65 ans et plus ».",
                           age=_age(years)))
    return years


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _age(value: float) -> str:
    """An age as the canonical text writes it: "5 ans", "1 an", "18 mois", "2,5 ans"."""
    unit = "an" if value < 2 else "ans"
    if value == int(value):
        return f"{int(value)} {unit}"
    months, decimal = round(value * 12), _number(value)
    by_months = f"{months} mois" if months / 12 == value else None
    by_years = f"{decimal} {unit}" if float(decimal.replace(",", ".")) == value else None
    preferred = (by_months, by_years) if value < 2 else (by_years, by_months)
    return next((text for text in preferred if text), f"{decimal} {unit}")


def ages_text(value: AgeRange) -> str:
    """"0 à 5 ans", "6 mois à 5 ans", "6 ans et plus", "12 ans et moins", "5 ans", "tous les âges"."""
    low, high = value.minimum, value.maximum
    if low is None and high is None:
        return "tous les âges"
    if high is None:
        return f"{_age(low)} et plus"
    if low is None:
        return f"{_age(high)} et moins"
    if low == high:
        return _age(low)
    first, last = _age(low), _age(high)
    first_number, first_unit = first.split(" ")
    same_unit = first_unit.rstrip("s") == last.split(" ")[1].rstrip("s")
    return f"{first_number if same_unit else first} à {last}"


# ---- places

PLACE_LABELS = {"municipalite": "municipalité de", "mrc": "MRC de", "region": "région de",
                "territoire": "agglomération de", "arrondissement": "arrondissement de", "secteur": "secteur",
                "province": "province de"}
CITY_KINDS = frozenset({"municipalite", "arrondissement", "secteur"})
_WITHIN = re.compile(r"(.+)\((.+)\)")


def _resolve(name: str, gazetteer: Gazetteer) -> Place | None:
    """The place ``name`` names; "Saint-Isidore (Montérégie)" picks the homonym inside the parenthesized place."""
    if match := _WITHIN.fullmatch(name.strip()):
        outer = gazetteer.resolve(match[2])
        key = to_key(match[1])
        inside = [p for p in gazetteer if outer and to_key(p.name) == key and gazetteer.covers(outer.id, p.id)]
        if len(inside) == 1:
            return inside[0]
    return gazetteer.resolve(name)


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
        place = _resolve(name, gazetteer)
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
    return next((c for c in candidates if _resolve(c, gazetteer) == place), place.name)


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
