"""The needs and access tables uploaded on the Imports page: checked, then imported on confirmation (both back
ends); a partner may not upload them."""

from __future__ import annotations

import pytest

from dashboard.domain.roles import Role, Viewer
from dashboard.ingest.access import access_frame
from dashboard.ingest.jobs import UploadRefused, confirm, job_state, run_job, submit
from dashboard.ingest.needs import need_frame

IMO = Viewer(Role.IMO, "imo")
NEEDS = "P-code cercle,Secteur,Personnes dans le besoin,Ciblés\nML0502,Santé,1 200,800\nML0502,ALL,3000,1000\n"
ACCESS = "P-code;Accès;Date\nML0504;Inaccessible;15/03/2024\n"


def check_then_import(engine, tmp_path, name, content, kind, period=None):
    job = submit(engine, name, content.encode(), IMO, kind=kind, period=period, run=False)
    run_job(engine, job)
    checked = job_state(engine, job, IMO)
    assert checked["state"] == "checked", checked
    confirm(engine, job, IMO, run=False)
    run_job(engine, job)
    return job_state(engine, job, IMO)


def test_needs_upload_takes_its_year_from_the_period_box(prepared_engine, tmp_path):
    done = check_then_import(prepared_engine, tmp_path, "besoins.csv", NEEDS, "needs", period="2024")
    assert done["state"] == "done"
    needs = need_frame(prepared_engine)
    assert needs["year"].tolist() == [2024, 2024]
    assert sorted(needs["people_in_need"].tolist()) == [1200, 3000]


def test_access_upload(prepared_engine, tmp_path):
    assert check_then_import(prepared_engine, tmp_path, "acces.csv", ACCESS, "access")["state"] == "done"
    assert access_frame(prepared_engine)[["pcode", "access"]].values.tolist() == [["ML0504", "no_go"]]


@pytest.mark.parametrize("kind", ["needs", "access"])
def test_a_partner_may_not_upload_them(prepared_engine, tmp_path, kind):
    with pytest.raises(UploadRefused, match="may not import"):
        submit(prepared_engine, "x.csv", b"data", Viewer(Role.PARTNER, "p", 4, 1), kind=kind, run=False)
