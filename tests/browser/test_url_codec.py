"""The address codec in the browser (``dashboard/assets/url-codec.js``) and the server's
(:mod:`dashboard.domain.filters`, through :func:`dashboard.reports.params_to_query`) write the same query for
the same filter values: both follow the one declaration of each filter, and this test holds them together
(a link copied from the address bar reopens the view the server computed)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from dashboard.domain.filters import FILTERS, codec_spec
from dashboard.reports.params import params_from_controls, params_from_query, params_to_query

pytestmark = pytest.mark.browser

#: control values as the Dash controls hold them (by control id); a missing one is empty
CASES = [
    {},
    {"level": 3},
    {"level": 2, "period": "2023-12"},
    {"level": 1, "area": "ML05", "sector": ["protection"], "org-type": ["ngo_national", "un_agency"]},
    {"level": "2", "sector": [], "org-type": [], "organisation": [12, 3]},
    {"period": "2022-03", "area": "ML0502", "sector": ["health", "wash", "gbv"], "organisation": [7]},
]


def server_query(values: dict) -> str:
    return urlencode(params_to_query(params_from_controls(values, "fr")), safe=",")


@pytest.mark.parametrize("values", CASES)
def test_the_browser_writes_the_query_the_server_writes(page: Page, base_url, values):
    page.goto(base_url + "/")
    page.wait_for_function("() => typeof window.mali3wEncodeQuery === 'function'")
    ordered = [values.get(declared.control) for declared in FILTERS]
    written = page.evaluate("([spec, values]) => window.mali3wEncodeQuery(spec, values, [], []).shared.toString()"
                            ".replace(/%2C/g, ',')", [codec_spec(), ordered])
    assert written == server_query(values)
    # and the server reads the browser's query back to the same filters
    read = params_from_query(dict(pair.split("=") for pair in written.split("&") if pair))
    assert read.filter_values() == params_from_controls(values, "fr").filter_values()


def test_every_declared_filter_is_in_the_address_bar(page: Page, base_url):
    """Each declaration's control is on the page under its declared id and writes its declared key."""
    page.goto(base_url + "/?level=2&period=2023-12&area=ML05&sector=health&type=ngo_national")
    page.wait_for_selector("#presence-map .js-plotly-plot")
    for declared in FILTERS:
        assert page.locator(f"#{declared.control}").count() == 1, declared.control
    url = page.url
    for key in ("level=2", "period=2023-12", "area=ML05", "sector=health", "type=ngo_national"):
        assert key in url
