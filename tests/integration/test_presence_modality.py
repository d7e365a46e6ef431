"""Presence modality from the physical-presence column, on a hand-made 3W (SQLite and PostgreSQL), counted by hand."""

from __future__ import annotations

import pytest

from dashboard.domain.roles import SYSTEM
from dashboard.ingest.importer import import_3w
from dashboard.reports import params_from_query, report_notes, run_report
from dashboard.reports.snapshot import DashboardData

# Bankass (ML0502): communes Baye (ML050202) and Bankass (ML050201)
ROWS = """Organisation Accronyme;Type Organisation;Cluster;admin1Pcod;admin2Pcod;admin3Pcod;Présence physique
AAA;ONG Nat;Santé;ML05;ML0502;ML050202;Oui
AAA;ONG Nat;Santé;ML05;ML0502;ML050201;Non
BBB;ONG Nat;Santé;ML05;ML0502;ML050201;À distance
CCC;ONG Int;Santé;ML05;ML0502;ML050202;Via partenaire
CCC;ONG Int;Santé;ML05;ML0502;ML050201;
DDD;ONG Int;Santé;ML05;ML0502;ML050202;
EEE;ONG Nat;EHA;ML05;ML0502;ML050202;Oui
"""


@pytest.fixture
def snapshot(prepared_engine, tmp_path):
    path = tmp_path / "3w_modalite_2024-03.csv"
    path.write_text(ROWS, encoding="utf-8")
    result = import_3w(prepared_engine, path)
    assert (result.rows_accepted, result.rows_rejected) == (7, 0)
    return DashboardData(prepared_engine).snapshot(SYSTEM)


def counts(table, *keys):
    columns = ["organisations", "physically_present", "remote_or_partners", "not_stated"]
    return {tuple(row[key] for key in keys): tuple(int(row[c]) for c in columns) for _, row in table.iterrows()}


def test_each_organisation_counts_once_in_its_modality(snapshot):
    by_sector = run_report("presence_modality", snapshot, params_from_query({"level": "2", "by": "sector"}))
    # health in Bankass: AAA says Oui somewhere (physically there); BBB and CCC only say not (CCC's other row
    # says nothing); DDD says nothing
    assert counts(by_sector, "pcode", "sector_code") == {("ML0502", "health"): (4, 1, 2, 1),
                                                          ("ML0502", "wash"): (1, 1, 0, 0)}
    communes = run_report("presence_modality", snapshot, params_from_query({"level": "3", "by": "sector"}))
    assert counts(communes, "pcode", "sector_code") == {("ML050202", "health"): (3, 1, 1, 1),
                                                         ("ML050201", "health"): (3, 0, 2, 1),
                                                         ("ML050202", "wash"): (1, 1, 0, 0)}
    across = run_report("presence_modality", snapshot, params_from_query({"level": "2"}))
    assert counts(across, "pcode") == {("ML0502",): (5, 2, 2, 1)}
    assert report_notes("presence_modality", snapshot, params_from_query({"level": "2"})) == []


def test_the_sample_states_no_physical_presence(sample_snapshot):
    table = run_report("presence_modality", sample_snapshot, params_from_query({"level": "1", "lang": "en"}))
    assert (table["not_stated"] == table["organisations"]).all() and table["physically_present"].sum() == 0
    assert "no 'physical presence' column" in report_notes("presence_modality", sample_snapshot,
                                                           params_from_query({"level": "1", "lang": "en"}))[0]


def test_the_brief_and_the_unit_panel_say_who_is_physically_there(snapshot, sample_snapshot):
    from dashboard.layouts.map_page import unit_table
    from tests.integration.test_reports_sample import page_texts
    brief = run_report("cercle_brief", snapshot, params_from_query({"area": "ML0502"})).set_index("sector_code")
    assert brief.loc["health", ["physically_present", "remote_or_partners"]].tolist() == [1, 2]
    assert brief.loc["wash", ["physically_present", "remote_or_partners"]].tolist() == [1, 0]
    panel = " ".join(page_texts(unit_table(snapshot, params_from_query({"lang": "en"}), "ML0502")))
    assert "Physically present: 2 · remotely or through partners: 2 · not stated: 1" in panel
    # a period that states nothing keeps the brief and the panel as they were
    assert "physically_present" not in run_report("cercle_brief", sample_snapshot, params_from_query({"area": "ML0502"}))
    assert "Physically present" not in " ".join(page_texts(unit_table(sample_snapshot, params_from_query({"lang": "en"}), "ML0502")))


def test_the_presence_map_offers_physical_presence_when_the_3w_states_it(snapshot, sample_snapshot):
    from dashboard.layouts.choropleth import MapView
    from dashboard.layouts.map_page import unit_labels
    from dashboard.layouts.modality_map import mode_control, modality_figure
    params = params_from_query({"level": "2", "area": "ML05"})
    assert mode_control(snapshot, params).hidden is False
    assert mode_control(sample_snapshot, params).hidden is True  # the sample states nothing: no such map
    figure = modality_figure(snapshot, params, MapView(lambda level: f"/geo/adm{level}.json"), unit_labels)
    trace = figure["data"][0]
    by_unit = dict(zip(trace["locations"], zip(trace["z"], trace["customdata"])))
    # Bankass: 2 physically there, 2 only remotely or through partners, 1 not stated: half -> "half or more"
    assert by_unit["ML0502"] == (4, [2, 2, 1])
    assert by_unit["ML0501"] == (0, [0, 0, 0])  # Bandiagara: nobody in this file


def test_the_map_mode_is_kept_in_the_address(snapshot, sample_snapshot):
    from dashboard.layouts.choropleth import MapView
    from dashboard.layouts.map_page import layout
    from dashboard.layouts.modality_map import map_mode
    asked = params_from_query({"level": "2", "area": "ML05", "mode": "modality"})
    assert map_mode(snapshot, asked) == "modality"
    # a period whose 3W states no physical presence cannot show that map: the organisations' map instead
    assert map_mode(sample_snapshot, asked) == "presence"
    assert map_mode(snapshot, params_from_query({"mode": "anything"})) == "presence"
    import flask
    with flask.Flask(__name__).test_request_context("/"):
        page = layout(snapshot, asked, MapView(lambda level: f"/geo/adm{level}.json"))
    graph = next(component for component in _walk(page) if getattr(component, "id", None) == "presence-map")
    # the page opens on the physical-presence map the address asks for: Bankass half or more physically there
    trace = graph.figure["data"][0]
    assert dict(zip(trace["locations"], trace["z"]))["ML0502"] == 4


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)
