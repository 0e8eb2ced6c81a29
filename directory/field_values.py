"""What admins type into a directory field, read and checked: names, texts, choices, codes.

Each ``parse_*`` takes the typed text and a translator ``t`` (``handlers.texts.Texts``;
by default the French messages as written) and returns a normalized value, or raises
``FieldError`` whose message says, in French, what was wrong and how to write it, with
an example. Each ``*_text`` gives a value's canonical text (what the change log stores
and what is shown back), so that ``parse_x(x_text(value)) == value``.

Accents and case never matter in keywords. A blank text is always an error: clearing a
field is the editing flow's business ("-"). Multi-valued fields (phones, hours, areas)
read "-" or "aucun" as "none", and their text of no value is "aucun".

Phones are in ``directory.phones``, opening hours in ``directory.opening_hours``, ages in
``directory.age_values``, areas and addresses in ``directory.place_values``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from email_validator import EmailNotValidError, validate_email

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
