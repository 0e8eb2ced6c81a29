"""The places gazetteer: names, free-text mentions, containment, extension and the shipped data."""

from __future__ import annotations

import csv
import re
import time
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

from directory.places import KINDS, Gazetteer, to_key
from directory.text import words


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def shipped_rows() -> list[dict[str, str]]:
    with (resources.files("directory") / "data" / "places.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_key_folds_accents_dashes_apostrophes_and_saint() -> None:
    assert to_key("St-Félix-d'Otis") == to_key("saint felix d otis") == "saint felix otis"
    assert to_key("Métabetchouan–Lac-à-la-Croix") == "metabetchouan lac la croix"
    assert to_key("Ste-Rose-du-Nord") == to_key("Sainte Rose du Nord")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jonquière", "A-jonquiere"),
        ("jonquiere", "A-jonquiere"),
        ("JONQUIERE", "A-jonquiere"),
        ("Jonqière", "A-jonquiere"),  # one letter missing
        ("Arrondissement de Jonquière", "A-jonquiere"),
        ("Jonquière (Saguenay)", "A-jonquiere"),
        ("Jonquière, Saguenay", "A-jonquiere"),
        ("Chicoutimi", "A-chicoutimi"),
        ("La Baie", "A-la-baie"),
        ("Ville de Saguenay", "T-saguenay"),
        ("Saguenay", "T-saguenay"),
        ("Saguenay–Lac-Saint-Jean", "R02"),
        ("Saguenay-Lac-St-Jean", "R02"),
        ("SLSJ", "R02"),
        ("Région 02", "R02"),
        ("Lac-Saint-Jean-Est", "MRC930"),
        ("MRC du Fjord-du-Saguenay", "MRC942"),
        ("MRC Le Domaine-du-Roy", "MRC910"),
        ("MRC de Memphrémagog", "MRC450"),
        ("Municipalité régionale de comté de Coaticook", "MRC440"),
        ("Coaticook", "44037"),
        ("Région de l'Estrie", "R05"),
        ("Cantons-de-l'Est", "R05"),
        ("Toute l'Estrie", "R05"),
        ("Tout le Québec", "QC"),
        ("Province de Québec", "QC"),
        ("Ensemble du Québec", "QC"),
        ("Québec", "QC"),
        ("Ville de Québec", "23027"),
        ("Quebec City", "23027"),
        ("St-Ambroise", "94255"),
        ("Saint-Ambroise", "94255"),
        ("St Ambroise", "94255"),
        ("Municipalité de Saint-Ambroise", "94255"),
        ("Ste-Rose-du-Nord", "94230"),
        ("L'Anse-St-Jean", "94210"),
        ("Larouche", "94265"),
        ("Asbestos", "40043"),
        ("Val-des-Sources", "40043"),
        ("Sherbrooke", "T-sherbrooke"),
        ("Sherbroke", "T-sherbrooke"),
        ("Fleurimont", "A-fleurimont"),
        ("Rock Forest", "S-rock-forest"),
        ("Canton de Valcourt", "42060"),
        ("Montréal", "R06"),
        ("Ville de Montréal", "66023"),
        ("Plateau-Mont-Royal", "A-plateau-mont-royal"),
        ("Arrondissement des Rivières", "A-les-rivieres"),
        ("Dolbeau", "92022"),
    ],
)
def test_resolve(gazetteer: Gazetteer, name: str, expected: str) -> None:
    place = gazetteer.resolve(name)
    assert place is not None and place.id == expected


@pytest.mark.parametrize(
    "name", ["", "Aide", "Lac", "Famille", "Centre", "Jonqxxere", "Région", "Nulle part"]
)
def test_resolve_never_guesses(gazetteer: Gazetteer, name: str) -> None:
    assert gazetteer.resolve(name) is None


def found(gazetteer: Gazetteer, query: str) -> list[str]:
    return [mention.place.id for mention in gazetteer.find_in_text(query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("banque alimentaire a jonquiere", ["A-jonquiere"]),
        ("aide aux devoirs chicoutimi", ["A-chicoutimi"]),
        ("halte garderie st-ambroise", ["94255"]),
        ("centre de femmes lac st jean", ["R02"]),
        ("centre de femmes au lac st jean est", ["MRC930"]),
        ("popote roulante saint-felicien", ["91042"]),
        ("cuisine collective jonqiere", ["A-jonquiere"]),
        ("hebergement femmes violence sherbrooke", ["T-sherbrooke"]),
        ("aide alimentaire fleurimont", ["A-fleurimont"]),
        ("friperie a arvida", ["S-arvida"]),
        ("travailleur de rue kenogami", ["S-kenogami"]),
        ("logement social a la baie", ["A-la-baie"]),
        ("transport benevole ste-rose-du-nord", ["94230"]),
        ("soutien proches aidants dolbeau", ["92022"]),
        ("maison des jeunes alma", ["93042"]),
        ("ressources pour aines en estrie", ["R05"]),
        ("aide juridique magog", ["45072"]),
        ("comptoir vetements asbestos", ["40043"]),
        ("popote roulante a racine", ["42032"]),
        ("services secteur stoke", ["42005"]),
        ("banque alimentaire mtl", ["R06"]),
        ("aide aux immigrants ville de quebec", ["23027"]),
        ("ligne d'ecoute partout au quebec", ["QC"]),
        ("aide a domicile dans la mrc de coaticook", ["MRC440"]),
        ("cpe a coaticook", ["44037"]),
        ("dons de meubles granby ou bromont", ["47017", "46078"]),
        ("centre de jour pres de lac-megantic", ["30030"]),
        ("soutien aux parents saguenay", ["T-saguenay"]),
        ("aide alimentaire st felix d otis", ["94225"]),
        ("chicoutimi ou jonquiere", ["A-chicoutimi", "A-jonquiere"]),
        ("camp de jour l'anse-st-jean", ["94210"]),
        ("Aide aux devoirs à Métabetchouan–Lac-à-la-Croix", ["93012"]),
    ],
)
def test_find_in_text(gazetteer: Gazetteer, query: str, expected: list[str]) -> None:
    assert found(gazetteer, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "aide alimentaire pour famille",
        "j'ai besoin d'aide pour la garde de mes enfants",
        "centre de jour pour aines",
        "centre racine",
        "la racine du probleme",
        "baie",
        "lac",
        "aide aux devoirs",
        "enfant de 10 ans",
        "plan d'action communautaire",
        "machine a laver gratuite",
        "ma grand-mere a besoin d'aide",
        "sirop d'erable",
        "les sources de financement",
        "la brume du matin",
        "devis pour renovation",
        "le plateau repas",
        "",
    ],
)
def test_find_in_text_ignores_ordinary_words(gazetteer: Gazetteer, query: str) -> None:
    assert found(gazetteer, query) == []


def test_mention_span_includes_the_preposition(gazetteer: Gazetteer) -> None:
    query = "banque alimentaire près de Jonquière svp"
    (mention,) = gazetteer.find_in_text(query)
    assert words(query)[mention.start : mention.end] == ["pres", "de", "jonquiere"]
    assert not mention.typo
    (typo,) = gazetteer.find_in_text("cuisine collective jonqiere")
    assert (typo.start, typo.end, typo.typo) == (2, 3, True)


def test_ambiguous_names_need_a_preposition(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "aide racine") == []
    assert found(gazetteer, "aide à Racine") == ["42032"]
    assert found(gazetteer, "aide dans la MRC des Sources") == ["MRC400"]
    assert found(gazetteer, "aide racin") == []  # never a typo on an ambiguous name


def test_ancestors_and_covers(gazetteer: Gazetteer) -> None:
    chain = [p.id for p in gazetteer.ancestors("A-jonquiere")]
    assert chain == ["A-jonquiere", "94068", "T-saguenay", "R02", "QC"]
    for area in ("A-jonquiere", "94068", "T-saguenay", "R02", "QC"):
        assert gazetteer.covers(area, "A-jonquiere")
    assert not gazetteer.covers("R05", "A-jonquiere")
    assert not gazetteer.covers("A-jonquiere", "R02")
    assert gazetteer.covers("R05", "A-fleurimont")
    assert gazetteer.covers("T-sherbrooke", "S-rock-forest")
    assert gazetteer.covers("R05", "47017")  # Granby: Estrie since 2021
    assert gazetteer.ancestors("nowhere") == []


def test_descendants_and_children(gazetteer: Gazetteer) -> None:
    assert [p.id for p in gazetteer.children("94068")] == ["A-chicoutimi", "A-jonquiere", "A-la-baie"]
    inside = gazetteer.descendants("T-saguenay")
    assert {"94068", "A-jonquiere", "S-arvida", "S-bagotville"} <= inside
    assert "T-saguenay" not in inside and "94255" not in inside
    assert gazetteer.descendants("S-arvida") == set()


def test_from_rows_adds_a_municipality() -> None:
    new = {"id": "M-test", "name": "Sainte-Essai-du-Fjord", "kind": "municipalite", "parent_id": "MRC942"}
    gazetteer = Gazetteer.from_rows([*shipped_rows(), {**new, "alternate_names": "Essai", "ambiguous": ""}])
    place = gazetteer.resolve("Ste-Essai-du-Fjord")
    assert place is not None and place.id == "M-test"
    assert gazetteer.covers("R02", "M-test")
    assert found(gazetteer, "popote roulante ste essai du fjord") == ["M-test"]


def test_load_reads_extra_files(tmp_path: Path) -> None:
    extra = tmp_path / "secteurs.csv"
    extra.write_text(
        "id,name,kind,parent_id,alternate_names,ambiguous\n"
        "S-saint-jean-eudes,Saint-Jean-Eudes,secteur,A-chicoutimi,,\n"
        "94255,Saint-Ambroise,municipalite,MRC942,Saint-Ambroise-de-Chicoutimi,\n",
        encoding="utf-8",
    )
    gazetteer = Gazetteer.load([extra])
    place = gazetteer.resolve("St-Jean-Eudes")
    assert place is not None and gazetteer.covers("A-chicoutimi", place.id)
    replaced = gazetteer.resolve("Saint-Ambroise-de-Chicoutimi")
    assert replaced is not None and replaced.id == "94255"


@pytest.mark.parametrize(
    "rows",
    [
        [{"id": "X", "name": "X", "kind": "municipalite", "parent_id": "nowhere"}],
        [{"id": "X", "name": "X", "kind": "pays", "parent_id": ""}],
        [
            {"id": "A", "name": "A", "kind": "region", "parent_id": "B"},
            {"id": "B", "name": "B", "kind": "region", "parent_id": "A"},
        ],
    ],
)
def test_from_rows_rejects_bad_rows(rows: list[dict[str, str]]) -> None:
    with pytest.raises(ValueError):
        Gazetteer.from_rows(rows)


def test_shipped_data_is_consistent(gazetteer: Gazetteer) -> None:
    rows = shipped_rows()
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert {row["kind"] for row in rows} <= set(KINDS)
    assert [row["id"] for row in rows if row["kind"] == "province"] == ["QC"]
    assert len([row for row in rows if row["kind"] == "region"]) == 17
    for row in rows:
        assert row["ambiguous"] in ("", "0", "1")
        assert row["parent_id"] == "" or row["parent_id"] in ids
        chain = gazetteer.ancestors(row["id"])
        assert chain[-1].id == "QC" and len(chain) == len({p.id for p in chain})
    for region in ("R02", "R05"):
        inside = [gazetteer.get(i) for i in gazetteer.descendants(region)]
        assert len([p for p in inside if p and p.kind == "municipalite"]) >= 40


def test_every_shipped_name_resolves_to_that_place_or_a_namesake(gazetteer: Gazetteer) -> None:
    for place in gazetteer:
        got = gazetteer.resolve(place.name)
        assert got is not None, place
        assert got == place or to_key(got.name) == to_key(place.name) or gazetteer.covers(got.id, place.id)


def test_find_in_text_is_fast(gazetteer: Gazetteer) -> None:
    query = "je cherche une banque alimentaire pour une famille de cinq personnes a jonquiere"
    gazetteer.find_in_text(query)
    runs = 200
    began = time.perf_counter()
    for _ in range(runs):
        gazetteer.find_in_text(query)
    assert (time.perf_counter() - began) / runs < 0.002


@pytest.mark.parametrize(
    ("query", "expected", "inside"),
    [
        ("banque alimentaire rimouski", "10043", "R01"),
        ("CLSC Hochelaga", "A-mercier-hochelaga-maisonneuve", "66023"),
        ("Hochelaga-Maisonneuve", "A-mercier-hochelaga-maisonneuve", "66023"),
        ("centre de femmes Vieux-Montréal", "A-ville-marie", "66023"),
        ("popote roulante Saint-Henri", "S-saint-henri", "66023"),  # the Montréal quartier, listed first
        ("municipalité de Saint-Henri", "19068", "MRC190"),  # the one in Bellechasse
        ("comptoir alimentaire à Saint-Michel", "S-saint-michel-montreal", "66023"),
        ("aide à Chomedey", "S-chomedey", "R13"),
        ("cuisine collective Lachenaie", "S-lachenaie", "64008"),
        ("friperie 3R", "T-trois-rivieres", "R04"),
        ("dépannage alimentaire Cap-de-la-Madeleine", "S-cap-de-la-madeleine", "T-trois-rivieres"),
        ("logement Saint-Jean-Chrysostome", "S-saint-jean-chrysostome", "T-levis"),
        ("maison des jeunes Aylmer", "S-aylmer", "T-gatineau"),
        ("secteur Gatineau", "S-gatineau", "T-gatineau"),
        ("aide alimentaire Gatineau", "T-gatineau", "R07"),
        ("soupe populaire Sept-Îles", "97007", "R09"),
        ("hébergement d'urgence Val-d'Or", "89008", "R08"),
        ("transport bénévole Saint-Raymond", "34128", "MRC340"),
        ("banque alimentaire Saint-Lambert-de-Lauzon", "26070", "R12"),
        ("aide à domicile Beauceville", "27028", "MRC270"),
        ("hébergement Vaudreuil", "71083", "R16"),
        ("ressources à Napierville", "68030", "MRC680"),
        ("aide à Wendake", "M-wendake", "R03"),
        ("popote Blanc-Sablon", "98005", "MRC982"),
    ],
)
def test_find_in_text_across_quebec(gazetteer: Gazetteer, query: str, expected: str, inside: str) -> None:
    assert found(gazetteer, query) == [expected]
    assert gazetteer.covers(inside, expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rue Sainte-Catherine", []),  # street names are ambiguous place names
        ("2105, rue Saint-Dominique", []),
        ("métro D'Iberville", []),
        ("refuge à Sainte-Catherine", ["67030"]),
        ("une nouvelle ressource", []),  # ordinary words are ambiguous place names
        ("aide à Nouvelle", ["06020"]),
        ("les cèdres du jardin", []),
        ("comptoir Saint-Vincent-de-Paul", []),  # names that mostly mean something else are left out
        ("dons à la Saint-Vincent-de-Paul", []),
        ("aide à la présentation du CV", []),
        ("rendez-vous à Sainte-Justine", []),
        ("pensez à l'avenir", []),
        ("organismes dans la région de Portneuf", ["MRC340"]),  # an MRC keeps its name from a small namesake
        ("ville de Portneuf", ["34048"]),
        ("Pontiac", ["MRC840"]),
        ("Luskville", ["82030"]),
    ],
)
def test_new_names_leave_ordinary_text_alone(gazetteer: Gazetteer, query: str, expected: list[str]) -> None:
    assert found(gazetteer, query) == expected


# Unambiguous names that two places of the same kind share; the loader takes the row listed first.
KNOWN_HOMONYMS = {("municipalite", "saint isidore"): "26063"}  # Nouvelle-Beauce before Roussillon


def test_unambiguous_names_are_unique_within_a_kind(gazetteer: Gazetteer) -> None:
    labels: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for row in shipped_rows():
        if row["ambiguous"] != "1":
            for label in [row["name"], *filter(None, row["alternate_names"].split("|"))]:
                labels[(row["kind"], to_key(label))].add(row["id"])
    assert {key for key, ids in labels.items() if len(ids) > 1} == set(KNOWN_HOMONYMS)
    for (_, key), first in KNOWN_HOMONYMS.items():
        place = gazetteer.resolve(key)
        assert place is not None and place.id == first


PARENT_KINDS = {
    "region": {"province"},
    "mrc": {"region"},
    "territoire": {"region"},
    "municipalite": {"mrc", "territoire"},
    "arrondissement": {"municipalite"},
    "secteur": {"municipalite", "arrondissement"},
}


def test_shipped_hierarchy_covers_every_region(gazetteer: Gazetteer) -> None:
    municipalities: defaultdict[str, int] = defaultdict(int)
    for place in gazetteer:
        parent = gazetteer.get(place.parent_id) if place.parent_id else None
        if place.kind == "province":
            continue
        assert parent is not None and parent.kind in PARENT_KINDS[place.kind], place
        if place.kind == "municipalite":
            municipalities[gazetteer.ancestors(place.id)[-2].id] += 1
            if not place.id.startswith("M-"):  # a MAMH geographic code: census division, then number
                assert re.fullmatch(r"\d{5}", place.id), place
                if parent.kind == "mrc":
                    assert parent.id[3:5] == place.id[:2], place
    regions = [place.id for place in gazetteer if place.kind == "region"]
    assert all(municipalities[region] for region in regions)
    assert sum(municipalities.values()) >= 600
    for place in gazetteer:
        if place.kind == "mrc":
            assert any(child.kind == "municipalite" for child in gazetteer.children(place.id)), place


def test_load_is_fast() -> None:
    Gazetteer.load()
    best = min(_timed_load() for _ in range(3))
    assert best < 0.1


def _timed_load() -> float:
    began = time.perf_counter()
    Gazetteer.load()
    return time.perf_counter() - began


@pytest.mark.parametrize(("name", "expected"), [
    ("Saint-Isidore (Roussillon)", "67040"),
    ("Saint-Isidore (La Nouvelle-Beauce)", "26063"),
    ("Ange-Gardien (Rouville)", "55008"),
    ("L'Ange-Gardien (Les Collines-de-l'Outaouais)", "82005"),
    ("L'Ange-Gardien (La Côte-de-Beaupré)", "21040"),
])
def test_a_homonym_is_told_apart_by_the_wider_place_after_it(gazetteer: Gazetteer, name: str, expected: str) -> None:
    place = gazetteer.resolve(name)
    assert place is not None and place.id == expected
