"""Requests the server cannot use, as a fault probe sent them: each is answered with a 4xx and a sentence
saying what is wrong, never a 500 (nor a traceback)."""

from __future__ import annotations

import json

import pytest

from dashboard.app_factory import create_app
from tests.integration.test_web_access import DASH_UPDATE, logged_in

LANG = {"id": "lang", "property": "data", "value": "fr"}
#: the presence map's mode (organisations present), its input after the filters
MODE = {"id": {"type": "page-param", "name": "mode"}, "property": "value", "value": "presence"}


def filter_inputs(**values):
    defaults = {"country": None, "level": 3, "period": "2023-12", "area": None, "sector": [], "org-type": [], "organisation": []}
    defaults.update(values)
    return [{"id": name, "property": "value", "value": value} for name, value in defaults.items()]


def map_inputs(**values):
    """The presence map callback's inputs: the filters, then the map's mode."""
    return [*filter_inputs(**values), MODE]


def presence(inputs=None, state=None, **changes):
    """The presence map's callback request as the renderer sends it, with ``changes`` to its keys."""
    body = {"output": "..presence-map.figure...map-summary.children...data-facts.children..",
            "outputs": [{"id": "presence-map", "property": "figure"}, {"id": "map-summary", "property": "children"},
                        {"id": "data-facts", "property": "children"}],
            "inputs": map_inputs() if inputs is None else inputs,
            "state": [LANG] if state is None else state, "changedPropIds": ["sector.value"]}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def analysis(page_name):
    body = {"output": "..analysis-summary.children...analysis-map.figure...analysis-extra.children..."
                      "analysis-table.children...data-facts.children..",
            "outputs": [{"id": i, "property": p} for i, p in (
                ("analysis-summary", "children"), ("analysis-map", "figure"), ("analysis-extra", "children"),
                ("analysis-table", "children"), ("data-facts", "children"))],
            "inputs": [*filter_inputs(), []],
            "state": [[], LANG, {"id": "analysis-page", "property": "data", "value": page_name}],
            "changedPropIds": ["level.value"]}
    return body


def nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


#: (what the probe sent, the body, the statuses a user may get: 400 when the request cannot be used, 200
#: when the value is one an address could hold and falls back to the filter's default like in an address)
CALLBACK_PAYLOADS = [
    ("a JSON array body", [presence()], {400}),
    ("a JSON string body", "presence", {400}),
    ("no inputs", presence(inputs=...), {400}),
    ("no output", presence(output=...), {400}),
    ("an unknown output", presence(output="nothing.children"), {400}),
    ("output not a text", presence(output=12), {400}),
    ("inputs not a list", presence(inputs={"level": 3}), {400}),
    ("an input that is not an object", presence(inputs=[3, *filter_inputs()[1:]]), {400}),
    ("level 'abc'", presence(inputs=map_inputs(level="abc")), {200, 400}),
    ("level 99", presence(inputs=map_inputs(level=99)), {200, 400}),
    ("level -1", presence(inputs=map_inputs(level=-1)), {200, 400}),
    ("level [1]", presence(inputs=map_inputs(level=[1])), {200, 400}),
    ("organisation ['x']", presence(inputs=map_inputs(organisation=["x"])), {200, 400}),
    ("organisation {}", presence(inputs=map_inputs(organisation={"a": 1})), {200, 400}),
    ("an area with quotes", presence(inputs=map_inputs(area="ML01'\"><img src=x>")), {200, 400}),
    ("one input too few", presence(inputs=map_inputs()[:-1]), {400}),
    ("one input too many", presence(inputs=[*map_inputs(), LANG]), {400}),
    ("no state", presence(state=[]), {400}),
    ("lang 123", presence(state=[{**LANG, "value": 123}]), {200, 400}),
    ("lang ['fr']", presence(state=[{**LANG, "value": ["fr"]}]), {200, 400}),
    ("a list nested 500 deep", presence(inputs=map_inputs(sector=nested(500))), {400}),
    ("changedPropIds not a list", presence(changedPropIds=5), {400}),
    ("outputs not a list", presence(outputs="x"), {400}),
]


@pytest.fixture(scope="module")
def app(sample_settings, sample_accounts):
    return create_app(sample_settings)


def assert_refused_with_a_sentence(answer, statuses):
    text = answer.get_data(as_text=True)
    assert answer.status_code in statuses, (answer.status_code, text[:300])
    if answer.status_code >= 400:
        assert "Traceback" not in text and len(text.strip()) > 20, text[:300]


@pytest.mark.parametrize("what, body, statuses", CALLBACK_PAYLOADS, ids=[row[0] for row in CALLBACK_PAYLOADS])
def test_malformed_callback_requests(app, sample_accounts, what, body, statuses):
    for role in (None, "imo"):
        client = logged_in(app, sample_accounts.get(role))
        answer = client.post(DASH_UPDATE, data=json.dumps(body), content_type="application/json",
                             headers={"X-CSRFToken": client.token})
        assert_refused_with_a_sentence(answer, statuses)


def test_a_body_that_is_not_json(app):
    client = logged_in(app, None)
    answer = client.post(DASH_UPDATE, data="{not json", content_type="application/json",
                         headers={"X-CSRFToken": client.token})
    assert_refused_with_a_sentence(answer, {400})


def test_an_unknown_analysis_page_name(app):
    client = logged_in(app, None)
    answer = client.post(DASH_UPDATE, json=analysis("no-such-page"), headers={"X-CSRFToken": client.token})
    assert_refused_with_a_sentence(answer, {400, 404})
    assert client.post(DASH_UPDATE, json=analysis("gaps"), headers={"X-CSRFToken": client.token}).status_code == 200


@pytest.mark.parametrize("query", ['area="><img src=x>', "period=2024-01' OR 1=1--", "level=abc", "level=99",
                                   "org=99999999999999999999", "sector=" + "x," * 500, "lang=%00"])
def test_export_parameters_the_server_cannot_use(app, query):
    answer = logged_in(app, None).get(f"/export/presence.csv?{query}")
    assert_refused_with_a_sentence(answer, {200, 400})


@pytest.mark.parametrize("path", ["/imports/99999999999999999999/report.xlsx",
                                  "/imports/99999999999999999999/rejected.csv", "/imports/2147483648/report.xlsx"])
def test_import_report_ids_the_server_cannot_use(app, sample_accounts, path):
    answer = logged_in(app, sample_accounts["imo"]).get(path)
    assert_refused_with_a_sentence(answer, {404})


def test_refusals_say_one_sentence_in_the_readers_language(app):
    client = app.server.test_client()
    client.get("/login")
    no_token = client.post("/login", data={"username": "x", "password": "y"})  # CSRF token missing
    assert no_token.status_code == 400
    assert no_token.get_data(as_text=True).strip() == (
        "La requête n'a pas pu être utilisée. Vérifiez l'adresse ou rechargez la page.")
    refused = client.get("/imports/1/report.xlsx?lang=en")  # the public may not read import reports
    assert refused.status_code == 403
    assert refused.get_data(as_text=True).strip() == (
        "You are not allowed to do this with your account (log in, or ask an IMO).")
    english_browser = client.get("/audit.csv", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert english_browser.status_code == 403 and english_browser.get_data(as_text=True).startswith("You are not")
