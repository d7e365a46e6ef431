"""Aid-worker incidents by cercle and year, and what the public is shown of them: against SOURCE.md's verified
figures and a pandas count of the real file."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.domain.roles import PUBLIC, SYSTEM
from dashboard.manifest import dataset_by_role
from dashboard.reports import params_from_query, report_notes, run_report
from dashboard.reports.snapshot import DashboardData, incidents_of
from dashboard.security.policy import Policy
from dashboard.store.database import make_engine


@pytest.fixture(scope="module")
def engine(sample_settings):
    engine = make_engine(sample_settings.database_url)
    yield engine
    engine.dispose()


def data(engine, settings, policy=None):
    return DashboardData(engine, policy=policy, incidents=incidents_of(settings))


def test_incidents_by_cercle_and_year(engine, sample_settings, mirror):
    snapshot = data(engine, sample_settings).snapshot(SYSTEM)
    table = run_report("incidents", snapshot, params_from_query({"level": "2"}))
    raw = pd.read_csv(dataset_by_role("incidents").path(mirror))
    assert table["incidents"].sum() == len(raw) == 78
    assert table.groupby("year")["incidents"].sum().to_dict() == \
        pd.to_datetime(raw["Date"]).dt.year.value_counts().to_dict() == {2020: 15, 2021: 24, 2022: 16, 2023: 21, 2024: 2}
    by_cercle = table.groupby("name")["incidents"].sum()
    assert len(by_cercle) == 26  # SOURCE.md: point in polygon on the 2021 communes
    assert by_cercle[["Ansongo", "Ténenkou", "Gao", "Kidal", "Goundam", "Niafunké", "Douentza"]].tolist() == \
        [9, 6, 6, 5, 5, 5, 5]
    assert table["kidnapped"].sum() == raw["Aid Workers Kidnapped"].sum()
    # nothing finer than the cercle, no point, no description
    assert set(table.columns) == {"pcode", "name", "region", "year", "incidents", "killed", "injured", "kidnapped",
                                  "arrested"}
    communes = run_report("incidents", snapshot, params_from_query({"level": "3", "area": "ML07"}))
    assert communes["pcode"].str.len().eq(6).all() and communes["incidents"].sum() == table.loc[
        table["region"] == "Gao", "incidents"].sum()
    regions = run_report("incidents", snapshot, params_from_query({"level": "1", "year": "2023"}))
    assert regions["incidents"].sum() == 21 and regions["year"].eq(2023).all()


def test_the_public_sees_incidents_by_cercle_unless_the_policy_says_no(engine, sample_settings):
    from dashboard.layouts.coverage_pages import GAPS
    params = params_from_query({"level": "2", "map": "incidents"})
    public = data(engine, sample_settings).snapshot(PUBLIC)
    assert run_report("incidents", public, params)["incidents"].sum() == 78
    layer = GAPS.map_layer(public, params, None)
    assert sum(count for [count] in layer.customdata) == 78
    hidden = data(engine, sample_settings, Policy(show_incidents=False))
    assert run_report("incidents", hidden.snapshot(PUBLIC), params).empty
    assert "does not show the incidents to the public" in report_notes(
        "incidents", hidden.snapshot(PUBLIC), params_from_query({"level": "2", "lang": "en"}))[0]
    assert GAPS.map_layer(hidden.snapshot(PUBLIC), params, run_report("gaps", hidden.snapshot(PUBLIC), params)).scale \
        .title.startswith("Secteurs")  # the gaps map instead
    # a logged-in viewer still sees them
    assert run_report("incidents", hidden.snapshot(SYSTEM), params)["incidents"].sum() == 78
