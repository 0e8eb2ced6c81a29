"""Phone numbers as Québec writes them: "418 555-0101, poste 23 (accueil)", "1 800 555-0199"."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from directory.field_values import NONE_TEXT, FieldError, Translate, controls_error, has_controls, is_none
from directory.ranking import in_french

DESCRIPTION_MAX = 80
_DESCRIBED = re.compile(r"\(([^()]*[^\W\d_][^()]*)\)")  # "(accueil)", not "(418)"
_LABEL = re.compile(r"([^\d:()+]*[^\W\d_][^\d:()+]*):(.*)")  # "Accueil : 418 555-0101"
_EXTENSION = re.compile(r",?\s*(?:poste|post|ext|extension|p|x|#)\s*[.:]?\s*(\d{1,8})\s*$", re.IGNORECASE)
_NUMBER_CHARACTERS = re.compile(r"[\d\s().+-]+")
_EXAMPLE = "418 555-0101, poste 23 (accueil)"


@dataclass(frozen=True, slots=True)
class PhoneValue:
    """One phone: ``number`` as Québec writes it ("418 555-0101"; toll free "1 800 555-0199"),
    the extension's digits, and a short description ("accueil")."""

    number: str
    extension: str | None = None
    description: str | None = None


def parse_phones(text: str, t: Translate = in_french) -> tuple[PhoneValue, ...]:
    """Phones separated by ";" or new lines, each like "418-555-0101 poste 23 (accueil)",
    "(418) 555 0101 #23", "1 800 555-0199", "+1 418 555 0101 ext 5", "Accueil : 418 555-0101".

    Only valid North-American numbers with their area code; "-" or "aucun" gives no phone.
    Repeated numbers (same number and extension) are kept once.
    """
    if is_none(text):
        return ()
    items = [" ".join(item.split()) for item in re.split(r"[;\n]", unicodedata.normalize("NFC", text))]
    phones = {}
    for item in filter(None, items):
        if has_controls(item):
            raise controls_error(t)
        phone = _phone(item, t)
        phones.setdefault((phone.number, phone.extension), phone)
    if not phones:
        raise FieldError(t("Aucun numéro : écrivez par exemple « {example} », plusieurs séparés par « ; », "
                           "ou « aucun ».", example=_EXAMPLE))
    return tuple(phones.values())


def _phone(item: str, t: Translate) -> PhoneValue:
    rest, descriptions = item, []
    if label := _LABEL.fullmatch(rest):
        descriptions.append(label[1])
        rest = label[2]
    descriptions += _DESCRIBED.findall(rest)
    rest = _DESCRIBED.sub(" ", rest)
    extension = None
    if found := _EXTENSION.search(rest):
        extension, rest = found[1], rest[: found.start()]
    description = " ".join(" ".join(descriptions).split()) or None
    if description and len(description) > DESCRIPTION_MAX:
        raise FieldError(t("La description du numéro « {value} » dépasse 80 caractères : gardez quelques mots, "
                           "par exemple « accueil » ou « urgence 24 h ».", value=item))
    return PhoneValue(_number(rest.strip(), item, t), extension, description)


def _number(typed: str, item: str, t: Translate) -> str:
    digits = re.sub(r"\D", "", typed)
    if not typed or not _NUMBER_CHARACTERS.fullmatch(typed) or not digits.isascii():
        raise FieldError(t("« {value} » n'est pas un numéro de téléphone : écrivez par exemple « {example} ».",
                           value=item, example=_EXAMPLE))
    if len(digits) == 7:
        raise FieldError(t("Il manque l'indicatif régional à « {value} » : écrivez les 10 chiffres, "
                           "par exemple « 418 555-0101 ».", value=item))
    try:
        number = phonenumbers.parse(typed, "CA")
    except NumberParseException:
        number = None
    if number is None or number.country_code != 1 or not phonenumbers.is_valid_number(number):
        raise FieldError(t("« {value} » n'est pas un numéro nord-américain valide : vérifiez l'indicatif et "
                           "les chiffres, par exemple « 418 555-0101 » ou « 1 800 555-0199 ».", value=item))
    national = f"{number.national_number:010d}"
    written = f"{national[:3]} {national[3:6]}-{national[6:]}"
    return f"1 {written}" if phonenumbers.number_type(number) == PhoneNumberType.TOLL_FREE else written


def phone_text(value: PhoneValue) -> str:
    """"418 555-0101, poste 23 (accueil)"."""
    extension = f", poste {value.extension}" if value.extension else ""
    description = f" ({value.description})" if value.description else ""
    return f"{value.number}{extension}{description}"


def phones_text(value: tuple[PhoneValue, ...]) -> str:
    """"418 555-0101, poste 23 (accueil); 1 800 555-0199", or "aucun"."""
    return "; ".join(phone_text(phone) for phone in value) or NONE_TEXT
