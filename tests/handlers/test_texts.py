from pathlib import Path

from babel.messages.extract import extract_from_dir

from handlers.cards import REFERRAL_LABELS, STATUS_LABELS
from handlers.texts import texts_for

ROOT = Path(__file__).resolve().parents[2]


def _source_texts() -> set[str]:
    found = set()
    for folder in ("handlers", "bot"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"t": None}
        ):
            found.add(message)
    return found | set(REFERRAL_LABELS.values()) | set(STATUS_LABELS.values())


def test_every_text_has_an_english_translation() -> None:
    english = texts_for("en")
    missing = [m for m in _source_texts() if english(m) == m]
    assert missing == []


def test_placeholders_survive_translation() -> None:
    english = texts_for("en")
    assert english("Je n'ai rien trouvé de sûr pour « {question} ».", question="x") == 'I found nothing reliable for "x".'


def test_unknown_language_falls_back_to_french() -> None:
    assert texts_for("de")("Heures") == "Heures"
    assert texts_for("en-CA")("Heures") == "Hours"
