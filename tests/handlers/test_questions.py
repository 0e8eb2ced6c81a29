"""The questions behind recent "Plus de résultats" buttons, kept in memory under short keys."""

from __future__ import annotations

from handlers.questions import QuestionStore, to_key


def test_keys_are_short_and_the_same_for_the_same_question() -> None:
    question = "soutien aux familles " * 50
    assert to_key(question) == to_key(question) != to_key(question + "?")
    assert len(to_key(question)) == 8 and to_key(question).isascii()
    assert to_key("é").replace("-", "").replace("_", "").isalnum()


def test_a_question_is_recalled_by_its_key() -> None:
    store = QuestionStore()
    key = store.remember("halte-garderie pour un enfant de 2 ans à Jonquière")
    assert store.recall(key) == "halte-garderie pour un enfant de 2 ans à Jonquière"
    assert store.remember("halte-garderie pour un enfant de 2 ans à Jonquière") == key
    assert store.recall("inconnue") is None


def test_the_least_recently_used_question_is_forgotten_first() -> None:
    store = QuestionStore(capacity=3)
    keys = [store.remember(f"question {n}") for n in range(3)]
    assert store.recall(keys[0]) == "question 0"
    store.remember("question 3")
    assert store.recall(keys[1]) is None
    assert [store.recall(key) for key in (keys[0], keys[2])] == ["question 0", "question 2"]
    for n in range(4, 10):
        store.remember(f"question {n}")
    assert store.recall(keys[0]) is None
