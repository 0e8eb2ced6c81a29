"""Ages a service serves, as admins type them: "0-5 ans", "6 mois à 5 ans", "12 ans et plus", "tous"
(``directory.field_values`` tells how parsers answer)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from directory.field_values import AGE_MAX, FieldError, Translate
from directory.ranking import in_french
from directory.text import fold


@dataclass(frozen=True, slots=True)
class AgeRange:
    """Ages served, in years (months are fractions of a year); None means no bound."""

    minimum: float | None
    maximum: float | None


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
