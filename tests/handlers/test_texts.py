from pathlib import Path
from string import Formatter

from babel.messages.extract import extract_from_dir, extract_from_file

from directory.documents import FIELD_LABELS
from directory.editable import FIELDS as EDITABLE
from handlers.cards import REFERRAL_LABELS, STATUS_LABELS
from handlers.texts import texts_for

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": None}
TRANSLATED_MODULES = ("directory/ranking.py", "directory/editable.py",  # outside handlers/ and bot/, modules whose texts take a ``t``
                      "directory/field_values.py", "directory/phones.py", "directory/opening_hours.py",
                      "directory/age_values.py", "directory/place_values.py")


def _source_texts() -> set[str]:
    found = set()
    for folder in ("handlers", "bot"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message)
    for module in TRANSLATED_MODULES:
        extracted = extract_from_file("python", ROOT / module, keywords=KEYWORDS)
        found.update(message for _line, message, _comments, _context in extracted)
    labels = {field.label for fields in EDITABLE.values() for field in fields}
    return found | set(REFERRAL_LABELS.values()) | set(STATUS_LABELS.values()) | set(FIELD_LABELS.values()) | labels


def test_the_extraction_finds_the_texts_of_every_place() -> None:
    found = _source_texts()
    assert {"Plus de résultats", "Heures", "dessert {place} (territoire : {areas})", "catégorie"} <= found
    assert "(pièce jointe : {filename})" in found


def test_every_text_has_an_english_translation() -> None:
    english = texts_for("en")
    missing = [m for m in _source_texts() if not english.knows(m)]
    assert missing == []


def test_placeholders_survive_translation() -> None:
    english = texts_for("en")
    assert english("Je n'ai rien trouvé de sûr pour « {question} ».", question="x") == 'I found nothing reliable for "x".'


def test_every_translation_keeps_the_placeholders_of_its_text() -> None:
    english = texts_for("en")
    for message in _source_texts():
        values = {name: name.upper() for name in _placeholders(message)}
        assert _placeholders(english(message)) == _placeholders(message), message
        english(message, **values)


def _placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(message) if name}


def test_unknown_language_falls_back_to_french() -> None:
    assert texts_for("de")("Heures") == "Heures"
    assert texts_for("en-CA")("Heures") == "Hours"
