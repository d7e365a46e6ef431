"""Reporting rounds on SQLite and PostgreSQL (issue "the meeting sees the round the IMO published").

Small 3W files made here stand for a round's sources: OCHA's consolidated file of December 2023 (published),
then a cluster's partial file of March 2024 (a draft until an IMO publishes the round). Every expected value
is worked out by hand from the rows written below.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import cli
from dashboard.domain.roles import PUBLIC, SYSTEM, Role, Viewer
from dashboard.ingest.importer import import_3w
from dashboard.reports import REPORTS, ReportParams, report_blank, report_header, run_report
from dashboard.reports.snapshot import DashboardData
from dashboard.store.models import AuditEvent, ImportBatch
from dashboard.store.rounds import RoundRefused, publish_round, round_frame, withdraw_round
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod", "Cluster"]
MOPTI, GAO, KAYES = ("ML05", "ML0501"), ("ML07", "ML0701"), ("ML01", "ML0103")
ORGS = {"AAA": ("Alpha Aide", "ONG Nat"), "BBB": ("Beta Best", "ONG Int"), "CCC": ("Gamma Care", "ONG Nat"),
        "DDD": ("Delta Dev", "ONG Int"), "EEE": ("Epsilon Eau", "ONG Nat"), "FFF": ("Phi First", "ONG Int"),
        "GGG": ("Gamma Global", "ONG Int")}

#: September 2023: AAA, DDD and GGG.
SEPTEMBER = [("AAA", MOPTI, "Santé"), ("DDD", KAYES, "Education"), ("GGG", GAO, "Protection")]
#: December 2023, OCHA's consolidated file: AAA health in Mopti; BBB health and WASH in Gao; CCC WASH in Mopti;
#: DDD education in Kayes; EEE health in Gao.
DECEMBER = [("AAA", MOPTI, "Santé"), ("BBB", GAO, "Santé"), ("BBB", GAO, "EHA"), ("CCC", MOPTI, "EHA"),
            ("DDD", KAYES, "Education"), ("EEE", GAO, "Santé")]
#: March 2024 as it arrives: the health cluster's file (AAA, and FFF who is new), the WASH cluster's (BBB).
MARCH_HEALTH = [("AAA", MOPTI, "Santé"), ("FFF", MOPTI, "Santé")]
MARCH_WASH = [("BBB", GAO, "EHA")]


def three_w(folder, name: str, rows) -> str:
    return write_workbook(folder / name, {"3W": [HEADERS, *[[acronym, *ORGS[acronym], *place, sector]
                                                           for acronym, place, sector in rows]]})


def organisations(snapshot, period: str) -> set[str]:
    ids = set(snapshot.activities.loc[snapshot.activities["period"] == period, "organisation_id"])
    return set(snapshot.organisations.loc[snapshot.organisations["organisation_id"].isin(ids), "acronym"])


@pytest.fixture
def store(prepared_engine, tmp_path):
    """September and December 2023 published; the health cluster's March 2024 file imported (a draft)."""
    import_3w(prepared_engine, three_w(tmp_path, "3W_septembre_2023.xlsx", SEPTEMBER), source="OCHA Mali")
    import_3w(prepared_engine, three_w(tmp_path, "3W_decembre_2023.xlsx", DECEMBER), source="OCHA Mali")
    publish_round(prepared_engine, "2023-09", SYSTEM)
    publish_round(prepared_engine, "2023-12", SYSTEM)
    import_3w(prepared_engine, three_w(tmp_path, "3W_sante_mars_2024.xlsx", MARCH_HEALTH), source="Cluster Santé")
    return prepared_engine


def all_headers(snapshot, **params) -> dict[str, tuple[str, ...]]:
    """The header of every 3W report the viewer may download, for these parameters."""
    return {name: report_header(name, snapshot, ReportParams(**params)).lines for name, report in REPORTS.items()
            if report.periods is not None and (report.permission is None or not snapshot.public)}


def test_a_partial_upload_changes_nothing_for_the_public(store):
    data = DashboardData(store)
    public = data.snapshot(PUBLIC)
    assert public.latest_period == "2023-12" and "2024-03" not in public.periods
    assert organisations(public, "2023-12") == {"AAA", "BBB", "CCC", "DDD", "EEE"}
    for name, lines in all_headers(public).items():
        assert not any("mars 2024" in line or "sante_mars" in line for line in lines), name
        assert not any("BROUILLON" in line for line in lines), name
    presence = report_header("presence", public, ReportParams()).lines
    today = datetime.now(UTC).strftime("%d/%m/%Y")
    assert f"Données au : décembre 2023 (publié le {today})" in presence
    assert f"Source : 3W_decembre_2023.xlsx (OCHA Mali, {today})" in presence
    # the public cannot open the draft by its address: for it, the round has no file yet
    assert run_report("presence", public, ReportParams(period="2024-03"))["organisations"].sum() == 0
    assert report_blank("presence", public, ReportParams(period="2024-03")).startswith(
        "Aucun fichier 3W n'a été importé pour mars 2024")
    # logged in: the default is still the published round; the draft opens on request, said to be one
    internal = data.snapshot(SYSTEM)
    assert internal.latest_period == "2023-12" and internal.periods == ["2023-09", "2023-12", "2024-03"]
    assert not any("BROUILLON" in line for lines in all_headers(internal).values() for line in lines)
    draft = report_header("presence", internal, ReportParams(period="2024-03")).lines
    assert draft[1] == ("BROUILLON : mars 2024 n'est pas publié ; le public ne voit pas ces chiffres, "
                        "qui peuvent encore changer.")
    assert "Données au : mars 2024 (brouillon, non publié)" in draft
    assert f"Source : 3W_sante_mars_2024.xlsx (Cluster Santé, {today})" in draft


def test_publishing_switches_every_view_and_withdrawing_switches_back(store, tmp_path):
    data = DashboardData(store)
    import_3w(store, three_w(tmp_path, "3W_eha_mars_2024.xlsx", MARCH_WASH), source="Cluster EHA")
    state = publish_round(store, "2024-03", SYSTEM)
    assert [(item["source"], item["rows"], item["published"]) for item in state["imports"]] == [
        ("Cluster Santé", 2, True), ("Cluster EHA", 1, True)]
    public = data.snapshot(PUBLIC)
    assert public.latest_period == "2024-03"
    assert organisations(public, "2024-03") == {"AAA", "FFF", "BBB"}  # the union of the round's two files
    today = datetime.now(UTC).strftime("%d/%m/%Y")
    for name, lines in all_headers(public).items():
        assert any("mars 2024" in line for line in lines), name
    presence = report_header("presence", public, ReportParams()).lines
    assert f"Données au : mars 2024 (publié le {today})" in presence
    assert (f"Source : 3W_sante_mars_2024.xlsx (Cluster Santé, {today}), "
            f"3W_eha_mars_2024.xlsx (Cluster EHA, {today})") in presence
    # the change page compares the last two published rounds
    assert "Périodes comparées : décembre 2023 → mars 2024" in report_header("change", public, ReportParams()).lines

    withdraw_round(store, "2024-03", SYSTEM)
    public = data.snapshot(PUBLIC)
    assert public.latest_period == "2023-12" and "2024-03" not in public.periods
    assert f"Données au : décembre 2023 (publié le {today})" in report_header("presence", public, ReportParams()).lines
    rounds = round_frame(store).set_index("period")
    assert rounds.loc["2024-03", "state"] == "withdrawn" and rounds.loc["2024-03", "sources"] == 2
    with Session(store) as session:
        events = session.execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.actor)
                                 .where(AuditEvent.action.like("round.%")).order_by(AuditEvent.id)).all()
    assert [(action, target) for action, target, _ in events][-2:] == [("round.publish", "2024-03"),
                                                                       ("round.withdraw", "2024-03")]


def test_a_new_file_of_a_published_round_waits_for_the_next_publication(store, tmp_path):
    """A source's new file replaces its earlier file of that round only; the public keeps the earlier one until
    the round is published again."""
    publish_round(store, "2024-03", SYSTEM)
    corrected = three_w(tmp_path, "3W_sante_mars_2024_v2.xlsx", [("AAA", MOPTI, "Santé"), ("EEE", GAO, "Santé")])
    result = import_3w(store, corrected, source="Cluster Santé")
    assert result.replaced_batch_id is not None
    data = DashboardData(store)
    assert organisations(data.snapshot(PUBLIC), "2024-03") == {"AAA", "FFF"}
    internal = data.snapshot(SYSTEM)
    assert organisations(internal, "2024-03") == {"AAA", "EEE"}
    assert internal.is_draft("2024-03")  # a file the public does not see yet
    # the December round keeps its file: the rule is per round
    assert organisations(internal, "2023-12") == {"AAA", "BBB", "CCC", "DDD", "EEE"}
    publish_round(store, "2024-03", SYSTEM)
    assert organisations(DashboardData(store).snapshot(PUBLIC), "2024-03") == {"AAA", "EEE"}
    with Session(store) as session:
        files = session.scalars(select(ImportBatch.file_name).where(ImportBatch.period == "2024-03")).all()
    assert files == ["3W_sante_mars_2024_v2.xlsx"]


def test_only_an_imo_publishes_and_what_cannot_be_done_is_said(store):
    for role in (Role.COORDINATOR, Role.PARTNER):
        with pytest.raises(RoundRefused):
            publish_round(store, "2024-03", Viewer(role, "someone", organisation_id=1, sectors=frozenset({"health"})))
    with pytest.raises(LookupError, match="no 3W file was imported for 2025-01"):
        publish_round(store, "2025-01", SYSTEM)
    with pytest.raises(LookupError, match="2024-03 is not published"):
        withdraw_round(store, "2024-03", SYSTEM)


def test_who_did_not_report(store, tmp_path):
    """By hand, from the rows above, for March 2024 with both clusters' files against December 2023."""
    import_3w(store, three_w(tmp_path, "3W_eha_mars_2024.xlsx", MARCH_WASH), source="Cluster EHA")
    snapshot = DashboardData(store).snapshot(SYSTEM)
    march = ReportParams(period="2024-03")
    # CCC, DDD, EEE reported in December and have no row in March (BBB did report, for WASH only; FFF is new)
    table = run_report("reporting_status", snapshot, march)
    assert table[["organisation", "org_type", "sectors", "regions", "last_round"]].values.tolist() == [
        ["CCC", "ngo_national", ["Eau, hygiène et assainissement (EHA)"], ["Mopti"], "2023-12"],
        ["DDD", "ngo_international", ["Éducation"], ["Kayes"], "2023-12"],
        ["EEE", "ngo_national", ["Santé"], ["Gao"], "2023-12"]]
    # per cluster: silent in the cluster (BBB sent nothing for health), and of those, silent everywhere
    by_cluster = run_report("reporting_status", snapshot, ReportParams(period="2024-03", options={"by": "sector"}))
    assert by_cluster.set_index("sector_code")[["reported_before", "reported_now", "silent", "silent_names",
                                                "silent_everywhere"]].to_dict("index") == {
        "health": {"reported_before": 3, "reported_now": 1, "silent": 2, "silent_names": ["BBB", "EEE"],
                   "silent_everywhere": 1},
        "wash": {"reported_before": 2, "reported_now": 1, "silent": 1, "silent_names": ["CCC"], "silent_everywhere": 1},
        "education": {"reported_before": 1, "reported_now": 0, "silent": 1, "silent_names": ["DDD"],
                      "silent_everywhere": 1}}
    assert by_cluster["sector_code"].tolist() == ["health", "education", "wash"]  # most silent first, then code
    # per region: silent anywhere (BBB reported, so Gao counts only EEE)
    by_region = run_report("reporting_status", snapshot, ReportParams(period="2024-03", options={"by": "region"}))
    assert by_region.set_index("region")[["reported_before", "reported_now", "silent_names"]].to_dict("index") == {
        "Kayes": {"reported_before": 1, "reported_now": 0, "silent_names": ["DDD"]},
        "Mopti": {"reported_before": 2, "reported_now": 1, "silent_names": ["CCC"]},
        "Gao": {"reported_before": 2, "reported_now": 1, "silent_names": ["EEE"]}}
    # against September: GGG's last round is September; DDD's is December (it reported then, not in March)
    september = run_report("reporting_status", snapshot, ReportParams(period="2024-03", options={"from": "2023-09"}))
    assert september[["organisation", "last_round"]].values.tolist() == [["DDD", "2023-12"], ["GGG", "2023-09"]]
    # a cluster filter applies to both rounds: health organisations of December silent in March's health rows
    health = run_report("reporting_status", snapshot, ReportParams(period="2024-03", sectors=("health",)))
    assert health["organisation"].tolist() == ["BBB", "EEE"]
    # the round's sources, with their dates
    sources = run_report("round_sources", snapshot, march)
    assert sources[["source", "file_name", "rows_accepted", "published"]].values.tolist() == [
        ["Cluster Santé", "3W_sante_mars_2024.xlsx", 2, False], ["Cluster EHA", "3W_eha_mars_2024.xlsx", 1, False]]


def test_the_command_line_publishes_withdraws_and_says_who_reported(store, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", store.url.render_as_string(hide_password=False))
    assert cli.main(["reporting-status", "--period", "2024-03", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "# DRAFT: March 2024 is not published" in out
    assert "# Periods compared: December 2023 → March 2024" in out
    body = [line for line in out.splitlines() if not line.startswith("#")]
    assert body[0] == "organisation,name,org_type,sectors,regions,last_round" and [line.split(",")[0] for line in body[1:]] == [
        "BBB", "CCC", "DDD", "EEE"]
    assert cli.main(["publish", "2024-03"]) == 0
    assert capsys.readouterr().out.startswith("round 2024-03 published: 3W_sante_mars_2024.xlsx (Cluster Santé, 2 rows)")
    assert cli.main(["presence", "--public", "--level", "1"]) == 0
    assert "Données au : mars 2024 (publié le" in capsys.readouterr().out
    assert cli.main(["withdraw", "2024-03"]) == 0
    capsys.readouterr()
    assert cli.main(["presence", "--public", "--level", "1"]) == 0
    assert "Données au : décembre 2023 (publié le" in capsys.readouterr().out
    assert cli.main(["withdraw", "2024-03"]) == 2
    assert "2024-03 is not published" in capsys.readouterr().err
