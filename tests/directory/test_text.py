from directory.text import content_words, fold, slug, stem, stems, words


def test_fold_strips_accents_case_and_ligatures() -> None:
    assert fold("Œuvre À JONQUIÈRE") == "oeuvre a jonquiere"
    assert fold("cœur") == "coeur"


def test_words_drop_elisions_with_either_apostrophe() -> None:
    assert words("l'aide d’urgence qu'il jusqu'à") == ["aide", "urgence", "il", "a"]


def test_words_keep_numbers() -> None:
    assert words("enfant de 3 ans, 0-5 ans") == ["enfant", "de", "3", "ans", "0", "5", "ans"]


def test_stem_unifies_plurals_and_accents() -> None:
    assert stem("enfants") == stem("enfant")
    assert stem(fold("hébergement")) == stem("hebergement")
    assert stem("emplois") == stem("emploi")
    assert stems("Familles alimentaires") == stems("famille alimentaire")


def test_content_words_keep_meaningful_small_words() -> None:
    kept = content_words(words("besoin d'une ressource sans rendez-vous pour un ado seul"))
    assert kept == ["sans", "rendez", "ado", "seul"]


def test_slug_is_a_name_key() -> None:
    assert slug("Saint-Ambroise") == slug("saint ambroise") == "saint ambroise"
