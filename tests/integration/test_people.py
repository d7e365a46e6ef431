"""People targeted and reached, and activity status, per unit (both back ends), on a 3W made here: the
December 2023 sample gives neither. Expected values are worked out by hand from the rows below."""

from __future__ import annotations

import math

import pytest

from dashboard.domain.roles import PUBLIC, SYSTEM
from dashboard.ingest.importer import import_3w
from dashboard.reports import ReportParams, run_report
from dashboard.reports.snapshot import DashboardData
from dashboard.security.policy import Policy
from dashboard.store.rounds import publish_round
from tests.workbooks import write_workbook

BAYE, BANKASS_COMMUNE, BANKASS = "ML050202", "ML050201", "ML0502"
HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
           "admin3Pcod", "Cluster", "Statut", "Total Personnes ciblées", "Total No. atteintes"]
ROWS = [
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", BANKASS, BAYE, "Santé",
     "En cours", 100, 60],
    ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", BANKASS, BAYE, "Santé", "Planifié", 50, None],
    ["IRC", "International Rescue Committee", "ONG Int", "ML05", BANKASS, BANKASS_COMMUNE, "EHA", "Terminé",
     200, 200],
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", BANKASS, None, "Santé",
     "en cours", 1000, 500],  # the cercle: in no commune
    ["MSF", "Médecins Sans Frontières", "ONG Int", "ML05", BANKASS, BAYE, "Santé", "Suspendu", None, None],
    ["IRC", "International Rescue Committee", "ONG Int", "ML05", BANKASS, BAYE, "EHA", None, None, None],
    ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", BANKASS, BAYE, "VBG",
     "En cours", 30, 30],  # a sensitive sector: the public reads it at cercle level only
]


@pytest.fixture
def data(prepared_engine, tmp_path):
    result = import_3w(prepared_engine, write_workbook(tmp_path / "3w_2024-03.xlsx", {"3W": [HEADERS, *ROWS]}))
    assert (result.rows_read, result.rows_accepted) == (7, 7)
    return DashboardData(prepared_engine, policy=Policy())


def by_unit(frame):
    return {row["pcode"]: row for row in frame.to_dict("records")}


def test_people_and_status_by_commune(data):
    communes = by_unit(run_report("people", data.snapshot(SYSTEM), ReportParams(level=3, area=BANKASS)))
    assert len(communes) == 12  # every commune of Bankass, those without numbers included
    baye = communes[BAYE]
    # Baye: AMSS 100 + NRC 50 + AMSS (GBV) 30 targeted; reached AMSS 60 + 30 (NRC gives none)
    assert (baye["targeted"], baye["reached"]) == (180, 90)
    assert baye["reached_share"] == pytest.approx(90 / 180)
    # statuses: AMSS health and GBV ongoing, NRC planned, MSF suspended (other); IRC's row states none
    assert (baye["rows_ongoing"], baye["rows_planned"], baye["rows_completed"], baye["rows_other_status"]) == \
        (2, 1, 0, 1)
    town = communes[BANKASS_COMMUNE]
    assert (town["targeted"], town["reached"], town["reached_share"], town["rows_completed"]) == (200, 200, 1.0, 1)
    others = [row for code, row in communes.items() if code not in (BAYE, BANKASS_COMMUNE)]
    assert all(math.isnan(row["targeted"]) and row["rows_ongoing"] == 0 for row in others)


def test_people_by_cercle_count_the_cercle_level_rows_too(data):
    cercle = by_unit(run_report("people", data.snapshot(SYSTEM), ReportParams(level=2, area="ML05")))[BANKASS]
    # 100 + 50 + 200 + 1000 + 30 targeted; 60 + 200 + 500 + 30 reached
    assert (cercle["targeted"], cercle["reached"]) == (1380, 790)
    assert (cercle["rows_ongoing"], cercle["rows_planned"], cercle["rows_completed"], cercle["rows_other_status"]) \
        == (3, 1, 1, 1)


def test_filters_apply_to_people(data):
    health = by_unit(run_report("people", data.snapshot(SYSTEM), ReportParams(level=3, area=BANKASS,
                                                                              sectors=("health",))))
    assert (health[BAYE]["targeted"], health[BAYE]["reached"]) == (150, 60)
    assert math.isnan(health[BANKASS_COMMUNE]["targeted"])


def test_the_public_reads_sensitive_sectors_at_cercle_level_and_published_rounds_only(data, prepared_engine):
    params = ReportParams(level=3, area=BANKASS)
    assert run_report("people", data.snapshot(PUBLIC), params)["targeted"].isna().all()  # a draft round
    publish_round(prepared_engine, "2024-03", SYSTEM)
    public = by_unit(run_report("people", data.snapshot(PUBLIC), params))
    # the GBV row (30, 30) is no longer in Baye for the public; its cercle still counts it
    assert (public[BAYE]["targeted"], public[BAYE]["reached"]) == (150, 60)
    cercle = by_unit(run_report("people", data.snapshot(PUBLIC), ReportParams(level=2, area="ML05")))[BANKASS]
    assert (cercle["targeted"], cercle["reached"]) == (1380, 790)
