"""Two app servers with their own local folders against one database (SQLite and PostgreSQL), as behind one
address in a meeting: a session opened on one is good on the other, an upload checked on one is confirmed on
the other (the file waits in the database, not on a server's disk), both show the import at once; and the
page that follows an upload whose runner died stops waiting and says why."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dashboard.app_factory import create_app
from dashboard.config import Settings
from dashboard.ingest import job_queue
from dashboard.security.accounts import create_account
from dashboard.store.models import ImportJob, ImportUpload
from tests.conftest import TEST_PASSWORD
from tests.integration.test_upload_and_review import HEADERS, ROWS
from tests.integration.test_web_access import DASH_UPDATE, logged_in
from tests.workbooks import write_workbook

LANG = {"id": "lang", "property": "data", "value": "fr"}


@pytest.fixture
def two_servers(prepared_engine, sample_settings, tmp_path, monkeypatch):
    """Servers A and B: one database, each its own cache folder (both sign cookies with the one key)."""
    monkeypatch.setenv("MALI3W_SECRET_KEY", "the key both servers are given")
    monkeypatch.delenv("MALI3W_JOB_RUNNER", raising=False)
    create_account(prepared_engine, "imo.test", TEST_PASSWORD, "imo")
    url = prepared_engine.url.render_as_string(hide_password=False)
    apps = [create_app(Settings(data_mirror=sample_settings.data_mirror, geo_dir=sample_settings.geo_dir,
                                database_url=url, cache_dir=tmp_path / name / "cache",
                                policy_file=sample_settings.policy_file,
                                secret_key_file=tmp_path / name / "secret_key")) for name in ("a", "b")]
    yield apps
    for app in apps:
        app.server.extensions["mali3w_data"].engine.dispose()


def output_key(client, first_input: str) -> str:
    """The registered output of the callback that the input ``first_input`` starts (allow_duplicate outputs
    carry a hash of their callback)."""
    callbacks = client.dash.callback_map
    return next(key for key, registered in callbacks.items()
                if registered["inputs"] and registered["inputs"][0]["id"] + "." + registered["inputs"][0]["property"]
                == first_input)


def post(client, body):
    if "@" in body["output"]:
        body = {**body, "output": output_key(client, body["changedPropIds"][0])}
    answer = client.post(DASH_UPDATE, json=body, headers={"X-CSRFToken": client.token})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]


def start_check(client, content: bytes, file_name: str):
    outputs = [("upload-status", "children"), ("upload-job", "data"), ("upload-poll", "disabled"),
               ("upload-decision", "hidden")]
    state = [("upload-file", "filename", file_name), ("upload-kind", "value", "3w"), ("upload-period", "value", None),
             ("upload-source", "value", None), ("upload-code-set", "value", "auto"), ("upload-country", "value", "")]
    return post(client, {
        "output": "..{}..".format("...".join(f"{i}.{p}" for i, p in outputs)),
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": "upload-file", "property": "contents",
                    "value": "data:application/octet-stream;base64," + base64.b64encode(content).decode()}],
        "state": [*({"id": i, "property": p, "value": v} for i, p, v in state), LANG],
        "changedPropIds": ["upload-file.contents"]})["upload-job"]["data"]


def follow(client, job_id):
    """The page's poll: what it says, and whether it stops polling."""
    outputs = [("upload-status", "children"), ("upload-poll", "disabled"), ("upload-decision", "hidden")]
    answer = post(client, {
        "output": "..{}..".format("...".join(f"{i}.{p}@{'0' * 32}" for i, p in outputs)),
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": "upload-poll", "property": "n_intervals", "value": 1}],
        "state": [{"id": "upload-job", "property": "data", "value": job_id}, LANG],
        "changedPropIds": ["upload-poll.n_intervals"]})
    return str(answer["upload-status"]["children"]), answer["upload-poll"]["disabled"]


def confirm_upload(client, job_id):
    outputs = [("upload-status", "children"), ("upload-poll", "disabled"), ("upload-decision", "hidden")]
    return post(client, {
        "output": "..{}..".format("...".join(f"{i}.{p}@{'1' * 32}" for i, p in outputs)),
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": "upload-confirm", "property": "n_clicks", "value": 1},
                   {"id": "upload-cancel", "property": "n_clicks", "value": None}],
        "state": [{"id": "upload-job", "property": "data", "value": job_id}, LANG],
        "changedPropIds": ["upload-confirm.n_clicks"]})


def on_other_server(client, app):
    """The same browser (its cookies) sending its next request to the other server."""
    other = app.server.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    other.token, other.dash = client.token, app
    return other


def wait_for_state(client, job_id, seconds=120):
    """What the page says once it stops polling."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        said, stopped = follow(client, job_id)
        if stopped:
            return said
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still going after {seconds} s")


def test_checked_on_one_server_confirmed_on_the_other(two_servers, prepared_engine):
    a, b = two_servers
    on_a = logged_in(a, "imo.test")
    on_a.dash = a
    on_b = on_other_server(on_a, b)
    # both have shown April 2024 before the import (each has it in its own cache, empty)
    for client in (on_a, on_b):
        assert organisations_in_bankass(client) == 0

    content = write_workbook_bytes()
    job_id = start_check(on_a, content, "3W Bankass 2024-04.xlsx")
    said = wait_for_state(on_a, job_id)
    assert "vérifié" in said and "3 lignes lues · 3 seraient acceptées" in said
    with Session(prepared_engine) as session:  # the file waits in the database, for any server
        assert session.get(ImportUpload, job_id) is not None

    confirm_upload(on_b, job_id)  # the next request reaches B
    said = wait_for_state(on_b, job_id)
    assert "3W Bankass 2024-04.xlsx : importé — 3 lignes lues, 3 acceptées, 0 rejetées." in said
    with Session(prepared_engine) as session:
        assert session.get(ImportJob, job_id).state == "done"
        assert session.get(ImportUpload, job_id) is None  # imported: the file is not kept
    # neither server shows what it had before: by hand, the file puts AMSS and NRC in Bankass (ML0502)
    for client in (on_a, on_b):
        assert organisations_in_bankass(client) == 2


def organisations_in_bankass(client) -> int:
    """The number of organisations present in the cercle of Bankass in April 2024, as the download says."""
    table = client.get("/export/presence.csv?period=2024-04&level=2").get_data(as_text=True)
    rows = [line.split(",") for line in table.splitlines() if line and not line.startswith(("#", "\ufeff#"))]
    header, bankass = rows[0], next(row for row in rows if row[0] == "ML0502")
    return int(bankass[header.index("Organisations présentes")])


def write_workbook_bytes() -> bytes:
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as folder:
        return write_workbook(Path(folder) / "made.xlsx", {"3W": [HEADERS, *ROWS]}).read_bytes()


def test_the_page_stops_polling_when_the_runner_died(two_servers, prepared_engine):
    a, b = two_servers
    on_a = logged_in(a, "imo.test")
    on_a.dash = a
    from dashboard.ingest.jobs import submit
    from dashboard.domain.roles import Role, Viewer
    job_id = submit(prepared_engine, "3W Bankass 2024-04.xlsx", write_workbook_bytes(),
                    Viewer(Role.IMO, "imo.test"), run=False)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    assert job_queue.claim(prepared_engine, job_id, f"{socket.gethostname()}:{ended.pid}:gone")
    said, stopped = follow(on_other_server(on_a, b), job_id)
    assert stopped
    assert "rien n'a été importé. Déposez le fichier à nouveau." in said


def test_a_restarted_server_takes_up_the_uploads_left_in_the_queue(prepared_engine, sample_settings, tmp_path,
                                                                   monkeypatch):
    from dashboard.ingest.jobs import job_state, submit
    from dashboard.domain.roles import Role, Viewer
    monkeypatch.delenv("MALI3W_JOB_RUNNER", raising=False)
    imo = Viewer(Role.IMO, "imo.test")
    # queued by a process that stopped before its runner took the job
    job_id = submit(prepared_engine, "3W Bankass 2024-04.xlsx", write_workbook_bytes(), imo, run=False)
    app = create_app(Settings(data_mirror=sample_settings.data_mirror, geo_dir=sample_settings.geo_dir,
                              database_url=prepared_engine.url.render_as_string(hide_password=False),
                              cache_dir=tmp_path / "cache", secret_key_file=tmp_path / "secret_key"))
    deadline = time.monotonic() + 60
    while job_state(prepared_engine, job_id, imo)["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert job_state(prepared_engine, job_id, imo)["state"] == "checked"
    app.server.extensions["mali3w_data"].engine.dispose()
