import pytest

from directory.synonyms import Thesaurus, to_clusters, to_phrase
from directory.text import stems


def thesaurus(*rows: tuple[str, str]) -> Thesaurus:
    return Thesaurus(to_clusters({"kind": kind, "terms": terms, "note": ""} for kind, terms in rows))


def test_symmetric_cluster_expands_every_member() -> None:
    table = thesaurus(("synonyme", "banque alimentaire|dépannage alimentaire|comptoir alimentaire"))
    (expansion,) = table.expand(stems("comptoir alimentaire"))
    assert {p for p, _, _ in expansion.alternatives} == {to_phrase("banque alimentaire"), to_phrase("dépannage alimentaire")}


def test_one_way_cluster_expands_only_its_first_term() -> None:
    table = thesaurus(("vers", "bouffe|alimentaire|nourriture"))
    assert list(table.expand(stems("bouffe")))[0].alternatives
    assert list(table.expand(stems("nourriture"))) == []


def test_longest_phrase_wins_and_crisis_is_flagged() -> None:
    table = thesaurus(("crise", "idées suicidaires|prévention du suicide"), ("synonyme", "idées|pensées"))
    (expansion,) = table.expand(stems("idees suicidaires"))
    assert expansion.crisis and (expansion.start, expansion.end) == (0, 2)


def test_bad_rows_are_refused_with_their_line() -> None:
    with pytest.raises(ValueError, match="ligne 2"):
        list(to_clusters([{"kind": "pareil", "terms": "a|b"}]))
    with pytest.raises(ValueError, match="deux termes"):
        list(to_clusters([{"kind": "synonyme", "terms": "seul"}]))


def test_shipped_table_loads() -> None:
    table = Thesaurus.load()
    assert len(table.clusters) > 100
    assert any(e.crisis for e in table.expand(stems("suicide")))
