import pytest

from directory.ages import find_ages, fits
from directory.text import words


@pytest.mark.parametrize(
    ("question", "low", "high"),
    [
        ("famille avec enfant de 3 ans", 3, 3),
        ("bebe de 18 mois", 1.5, 1.5),
        ("jeunes 0-5 ans", 0, 5),
        ("enfants de 6 a 12 ans", 6, 12),
        ("ado", 12, 17),
        ("une aînée isolée", 65, 120),
        ("personnes agees", 65, 120),
        ("tout-petit", 0, 5),
    ],
)
def test_ages_read_from_questions(question: str, low: float, high: float) -> None:
    mention = find_ages(words(question))[-1]
    assert (mention.low, mention.high) == (low, high)


def test_no_age_in_plain_numbers() -> None:
    assert find_ages(words("maman 2 enfants 811")) == []


def test_fits_checks_both_bounds_and_unknowns() -> None:
    assert fits(3, 3, 0, 5)
    assert not fits(15, 15, 0, 5)
    assert not fits(2, 2, 18, None)
    assert fits(70, 70, None, None)
