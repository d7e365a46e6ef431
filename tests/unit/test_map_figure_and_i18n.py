import json

import pytest

from dashboard.i18n import catalogue, format_number, format_period, language, translate
from dashboard.layouts.choropleth import COLOURS, MAP_CONFIG, MapView, category, presence_figure, stepped_colorscale


@pytest.mark.parametrize("count, coarser, expected", [
    (0, 0, 0), (0, 3, 1), (1, 0, 2), (2, 5, 3), (3, 0, 3), (4, 0, 4), (10, 0, 5), (11, 0, 6), (40, 0, 7),
    (41, 0, 8), (300, 0, 8),
])
def test_category(count, coarser, expected):
    assert category(count, coarser) == expected


def test_stepped_colorscale_has_one_flat_band_per_category():
    scale = stepped_colorscale(("#000", "#111", "#222"))
    assert scale == [[0, "#000"], [1 / 3, "#000"], [1 / 3, "#111"], [2 / 3, "#111"], [2 / 3, "#222"], [1, "#222"]]


VIEW = MapView(lambda level: f"/geo/adm{level}.json?v=abc")


def test_figure_carries_geometry_as_a_url_not_inline():
    figure = presence_figure(VIEW, 2, ["ML0501"], ["Bandiagara"], [3], [[2, 0]], "fr", area="ML05")
    trace = figure["data"][0]
    assert (trace["type"], trace["geojson"], trace["featureidkey"]) == ("choropleth", "/geo/adm2.json?v=abc", "id")
    assert (trace["zmin"], trace["zmax"]) == (-0.5, len(COLOURS) - 0.5)
    assert "coordinates" not in json.dumps(figure)
    # no base map: the units are the map, fitted to those drawn (so an area filter zooms to the area)
    assert figure["layout"]["geo"]["visible"] is False
    assert figure["layout"]["geo"]["fitbounds"] == "locations"
    assert figure["layout"]["uirevision"] == "2-ML05"


def test_maps_load_their_base_layers_from_the_server():
    assert MAP_CONFIG["topojsonURL"].startswith("/") and "://" not in MAP_CONFIG["topojsonURL"]


def test_catalogues_have_the_same_keys_and_placeholders():
    french, english = catalogue("fr"), catalogue("en")
    assert french.keys() == english.keys()
    for key in french:
        # a country's level word may begin a sentence in one language only ("Fiche {unit}", "{Unit} brief")
        assert sorted(part.split("}")[0].lower() for part in french[key].split("{")[1:]) == \
            sorted(part.split("}")[0].lower() for part in english[key].split("{")[1:]), key


def test_language_and_formats():
    assert language(None) == "fr" and language("en-GB") == "en" and language("de") == "fr"
    assert format_period("2023-12", "fr") == "décembre 2023"
    assert format_period("2023-02", "en") == "February 2023"
    assert format_number(24088, "fr") == "24\u202f088"
    assert format_number(24088, "en") == "24,088"
    assert translate("map.hover.count", "en", count=3) == "Organisations present: 3"


def test_names_are_written_on_a_map_zoomed_to_an_area():
    from dashboard.layouts.choropleth import MAX_NAMED_UNITS, stepped_figure, presence_scale
    points = {3: {"ML050201": (-3.5, 14.1), "ML050202": (-3.2, 13.9)}}
    view = MapView(VIEW.geojson_url, points)
    args = (view, 3, ["ML050201", "ML050202"], ["Bankass (Bankass, Mopti)", "Baye (Bankass, Mopti)"], [2, 3],
            [[1, 0], [2, 0]], presence_scale("fr"), [])
    zoomed = stepped_figure(*args, area="ML0502", names=["Bankass", "Baye"])
    assert len(zoomed["data"]) == 2
    names = zoomed["data"][1]
    assert (names["type"], names["mode"], names["hoverinfo"]) == ("scattergeo", "text", "skip")
    assert list(zip(names["text"], names["lon"], names["lat"])) == [("Bankass", -3.5, 14.1), ("Baye", -3.2, 13.9)]
    # the whole country: no names (701 communes would cover the colours); nor without points
    assert len(stepped_figure(*args, area=None, names=["Bankass", "Baye"])["data"]) == 1
    assert len(stepped_figure(VIEW, *args[1:], area="ML0502", names=["Bankass", "Baye"])["data"]) == 1
    many = [f"ML05{n:04d}" for n in range(MAX_NAMED_UNITS + 1)]
    crowded = MapView(VIEW.geojson_url, {3: {code: (0.0, 0.0) for code in many}})
    assert len(stepped_figure(crowded, 3, many, many, [0] * len(many), [[0, 0]] * len(many), presence_scale("fr"),
                              [], area="ML05", names=many)["data"]) == 1


def test_label_points_lie_inside_their_unit():
    import json as _json

    import shapely
    from dashboard.geo.web_geometry import label_points
    # a crescent (a C shape): its centroid lies in the hollow, outside the unit
    crescent = shapely.Polygon([(0, 0), (4, 0), (4, 1), (1, 1), (1, 3), (4, 3), (4, 4), (0, 4)])
    square = shapely.box(10, 10, 12, 12)
    content = _json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "properties": {}, "geometry": shapely.geometry.mapping(shape)}
        for code, shape in (("C", crescent), ("S", square))]}).encode()
    points = label_points(content)
    assert not crescent.contains(shapely.centroid(crescent))
    assert crescent.contains(shapely.Point(points["C"]))
    assert points["S"] == (11.0, 11.0)  # a square's centre


def test_every_country_text_is_filled_from_a_profile():
    """Each ``.country`` variant names only what :func:`unit_words` gives, and the values its Mali text takes."""
    from dashboard.geo.profiles import load_profile
    from dashboard.reports.country_words import unit_words
    given = set(unit_words(load_profile("NER"), "fr")) | set(unit_words(load_profile("NER"), "en"))
    for lang in ("fr", "en"):
        words = catalogue(lang)
        # (field.country, unit.country are texts of their own: the country field, "le pays (Mali)")
        for key in (key for key in words if key.endswith(".country") and key.removesuffix(".country") in words):
            mali = {part.split("}")[0] for part in words[key.removesuffix(".country")].split("{")[1:]}
            names = {part.split("}")[0] for part in words[key].split("{")[1:]}
            # import messages name their levels by parameters of their own (level1, level2)
            assert names <= given | mali | {"level1", "level2", "country", "version"}, (lang, key)
