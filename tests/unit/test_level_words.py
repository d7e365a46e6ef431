"""The words of a country's pages from its profile: Mali's texts are the catalogue's own, unchanged; Niger's
département (masculine) and Burkina Faso's province (feminine) take their articles in French."""

from __future__ import annotations

import pytest

from dashboard.geo.profiles import load_profile
from dashboard.i18n import catalogue, translate
from dashboard.reports.country_words import country_text, file_stem, level_plural, level_unit


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_malis_texts_are_the_catalogues(lang):
    mali = load_profile("MLI")
    for key in catalogue(lang):
        if f"{key}.country" in catalogue(lang) and "{" not in catalogue(lang)[key]:
            assert country_text(mali, key, lang) == translate(key, lang) == country_text(None, key, lang)
    assert level_plural(mali, 2, lang) == "cercles" and level_unit(mali, 2, lang) == "cercle"
    assert file_stem(mali) == "mali-3w" and file_stem(mali, mali="mali3w") == "mali3w"


@pytest.mark.parametrize(("iso3", "lang", "key", "expected"), [
    ("NER", "fr", "brief.choose", "Choisissez un département dans le filtre « Zone » pour obtenir sa fiche."),
    ("BFA", "fr", "brief.choose", "Choisissez une province dans le filtre « Zone » pour obtenir sa fiche."),
    ("BFA", "en", "brief.choose", 'Choose a province in the "Area" filter to get its brief.'),
    ("NER", "fr", "brief.all_communes", "toutes les communes du département"),
    ("BFA", "fr", "brief.all_communes", "toutes les communes de la province"),
    ("BFA", "fr", "brief.by_sector", "Présence par secteur dans la province"),
    ("NER", "en", "brief.more_overlaps", "… and 3 more (the Overlaps page, area = this department, lists them all)."),
    ("BFA", "fr", "brief.more_overlaps", "… et 3 autres (la page Chevauchements, zone = cette province, les donne "
                                         "toutes)."),
    ("NER", "fr", "page.brief", "Fiche département"),
    ("BFA", "en", "page.brief", "Province brief"),
    ("NER", "fr", "column.cercle", "Département"),
    ("BFA", "en", "hxl3w.adm2_code", "Province code"),
    ("NER", "fr", "map.note", "« Niveau supérieur seulement » : aucune organisation n'est déclarée dans l'unité "
                              "elle-même, mais des activités sont déclarées pour le département ou la région qui la "
                              "contient (lignes sans commune). Ces lignes ne sont ni perdues ni comptées comme "
                              "présence dans l'unité."),
])
def test_another_countrys_words(iso3, lang, key, expected):
    assert country_text(load_profile(iso3), key, lang, count=3) == expected


def test_a_key_without_a_country_variant_is_the_catalogues():
    assert country_text(load_profile("NER"), "page.gaps", "fr") == translate("page.gaps", "fr")


def test_level_words_and_file_names():
    niger, burkina = load_profile("NER"), load_profile("BFA")
    assert level_plural(niger, 2, "fr") == "départements" and level_unit(burkina, 2, "en") == "province"
    assert file_stem(niger) == "niger-3w" and file_stem(burkina) == "burkina-faso-3w"
