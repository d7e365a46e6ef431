"""Roles enforced by the server: pages, downloads, import reports and Dash callbacks, including callback
requests forged by hand (the browser is not needed to send them), with CSRF checked on every POST."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text

from dashboard.app_factory import create_app
from dashboard.store.database import make_engine
from tests.conftest import TEST_PASSWORD

DASH_UPDATE = "/_dash-update-component"


@pytest.fixture(scope="module")
def app(sample_settings, sample_accounts):
    return create_app(sample_settings)


def csrf_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def logged_in(app, username: str | None):
    """A test client with a session: the public (None) or the account's."""
    client = app.server.test_client()
    token = csrf_token(client)
    if username is not None:
        answer = client.post("/login", data={"username": username, "password": TEST_PASSWORD, "csrf_token": token})
        assert answer.status_code == 302, answer.get_data(as_text=True)
        token = csrf_token(client)
    client.token = token
    return client


def dash_id(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":")) if isinstance(value, dict) else value


def callback(client, outputs, inputs, state=(), changed=None):
    """POST a Dash callback request as the renderer would, with the session's CSRF token."""
    body = {"output": "..{}..".format("...".join(f"{dash_id(i)}.{p}" for i, p in outputs)) if len(outputs) > 1
            else f"{dash_id(outputs[0][0])}.{outputs[0][1]}",
            "outputs": [{"id": i, "property": p} for i, p in outputs] if len(outputs) > 1
            else {"id": outputs[0][0], "property": outputs[0][1]},
            "inputs": list(inputs), "state": list(state),
            "changedPropIds": changed or []}
    return client.post(DASH_UPDATE, json=body, headers={"X-CSRFToken": client.token})


@pytest.fixture(scope="module")
def accounts(sample_accounts):
    return sample_accounts


# ---------------------------------------------------------------- login, CSRF

def test_login_needs_the_csrf_token(app, accounts):
    client = app.server.test_client()
    client.get("/login")
    answer = client.post("/login", data={"username": accounts["imo"], "password": TEST_PASSWORD})
    assert answer.status_code == 400  # no token: refused before the password is even looked at


def test_dash_callbacks_need_the_csrf_token(app):
    client = logged_in(app, None)
    answer = client.post(DASH_UPDATE, json={"output": "page-content.children"})
    assert answer.status_code == 400


def test_wrong_password_is_refused_in_the_users_language(app, accounts):
    client = app.server.test_client()
    answer = client.post("/login?lang=en", data={"username": accounts["imo"], "password": "not it",
                                                 "csrf_token": csrf_token(client)})
    assert answer.status_code == 401
    assert "wrong user name or password" in answer.get_data(as_text=True)


def test_login_redirects_only_within_the_site(app, accounts):
    client = app.server.test_client()
    answer = client.post("/login", data={"username": accounts["imo"], "password": TEST_PASSWORD,
                                         "csrf_token": csrf_token(client), "next": "https://evil.example/x"})
    assert answer.headers["Location"] == "/"


def test_session_cookie_and_headers(app, accounts):
    client = app.server.test_client()
    answer = client.post("/login", data={"username": accounts["imo"], "password": TEST_PASSWORD,
                                         "csrf_token": csrf_token(client)})
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_logout_ends_the_session_a_saved_cookie_stood_for(app, accounts):
    # the probe: keep the session cookie, log out, send the kept cookie again
    client = logged_in(app, accounts["imo"])
    saved, token = client.get_cookie("session").value, client.token
    assert "access-refused" not in route(client, "/imports")
    assert client.get("/imports/1/report.xlsx").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.server.test_client()
    replay.set_cookie("session", saved)
    replay.token = token
    assert "access-refused" in route(replay, "/imports")
    assert replay.get("/imports/1/report.xlsx").status_code == 403
    # another session of the same account is not ended by this logout
    other = logged_in(app, accounts["imo"])
    assert "access-refused" not in route(other, "/imports")


# ---------------------------------------------------------------- downloads and import reports

@pytest.mark.parametrize("role, status", [(None, 403), ("partner", 200), ("coordinator", 200), ("imo", 200)])
def test_duplicate_download_needs_a_reviewer(app, accounts, role, status):
    client = logged_in(app, accounts.get(role))
    assert client.get("/export/duplicates.csv").status_code == status
    assert client.get("/export/gaps.csv").status_code == 200  # public reports stay public


@pytest.mark.parametrize("role, status", [(None, 403), ("partner", 404), ("coordinator", 200), ("imo", 200)])
def test_import_reports(app, accounts, role, status):
    # The sample was imported by the set-up, not by the partner: the partner may not read its rejected rows.
    client = logged_in(app, accounts.get(role))
    assert client.get("/imports/1/report.xlsx").status_code == status
    assert client.get("/imports/1/rejected.csv").status_code == status


def test_a_partner_cannot_tell_anothers_import_from_none(app, accounts):
    # the probe counted imports: 403 for one that exists, 404 for one that does not
    client = logged_in(app, accounts["partner"])
    for suffix in ("report.xlsx", "rejected.csv"):
        exists, missing = client.get(f"/imports/1/{suffix}"), client.get(f"/imports/999999/{suffix}")
        assert (exists.status_code, exists.get_data()) == (missing.status_code, missing.get_data())
        assert exists.status_code == 404


# ---------------------------------------------------------------- pages and forged callbacks

def route(client, path):
    answer = callback(client, [("page-content", "children")],
                      [{"id": "url", "property": "pathname", "value": path},
                       {"id": "url", "property": "search", "value": ""}], changed=["url.pathname"])
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/doublons", "/imports", "/referentiel", "/journal"])
def test_restricted_pages_ask_the_public_to_log_in(app, path):
    assert "access-refused" in route(logged_in(app, None), path)


def test_pages_by_role(app, accounts):
    partner = logged_in(app, accounts["partner"])
    assert "access-refused" not in route(partner, "/doublons")
    assert "access-refused" in route(partner, "/journal")
    assert "access-refused" not in route(logged_in(app, accounts["imo"]), "/journal")
    assert "access-refused" in route(logged_in(app, accounts["coordinator"]), "/referentiel")
    organisations = route(logged_in(app, accounts["imo"]), "/referentiel")
    assert "access-refused" not in organisations and "S.A.D" in organisations  # SAD / S.A.D is proposed


def analysis_request(client, page_name):
    filters = [{"id": name, "property": "value", "value": value} for name, value in
               (("country", None), ("level", 3), ("period", "2023-12"), ("area", None), ("sector", []), ("org-type", []),
                ("organisation", []))]
    return callback(client, [("analysis-summary", "children"), ("analysis-map", "figure"),
                             ("analysis-extra", "children"), ("analysis-table", "children"),
                             ("data-facts", "children")],
                    [*filters, []], [[], {"id": "lang", "property": "data", "value": "fr"},
                                     {"id": "analysis-page", "property": "data", "value": page_name}],
                    changed=["level.value"])


def test_a_forged_page_name_does_not_open_the_duplicate_review(app, accounts):
    assert analysis_request(logged_in(app, None), "duplicates").status_code == 403
    assert analysis_request(logged_in(app, None), "gaps").status_code == 200
    assert analysis_request(logged_in(app, accounts["coordinator"]), "duplicates").status_code == 200


def decide(client, key, decision="keep_both"):
    button = {"type": "duplicate-decision", "key": key, "decision": decision}
    status = {"type": "page-param", "name": "status"}
    return callback(client, [("decision-feedback", "children"), (status, "value")],
                    [[{"id": button, "property": "n_clicks", "value": 1}]],
                    [{"id": status, "property": "value", "value": "pending"},
                     {"id": "lang", "property": "data", "value": "fr"}],
                    changed=[dash_id(button) + ".n_clicks"])


#: a 3W of January 2024 with an activity column: AMSS's MAM screening and IRC's consultations each reported
#: twice in the same commune (two groups to review: nutrition and health)
REPEATED = [["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "admin3Pcod", "Cluster", "Activités"],
            *[["AMSS", "ML05", "ML0502", "ML050202", "Nutrition", "Dépistage MAM"]] * 2,
            *[["IRC", "ML05", "ML0502", "ML050202", "Santé", "Consultations"]] * 2]


def test_duplicate_decisions_by_role(sample_settings, accounts, tmp_path):
    """On a copy of the sample with two real groups: a coordinator decides in their cluster only, and a group of
    the sample's rows without activity or dates (cannot tell) is refused to a forged request, even an IMO's."""
    from dashboard.ingest.importer import import_3w
    from dashboard.reports.snapshot import DashboardData
    from dashboard.domain.roles import SYSTEM
    from dashboard.security.accounts import create_account
    from tests.conftest import sample_copy
    from tests.workbooks import write_workbook
    settings, engine = sample_copy(sample_settings, tmp_path)
    import_3w(engine, write_workbook(tmp_path / "3W_janvier_2024.xlsx", {"3W": REPEATED}))
    coordinator_name = "coord.nutrition"
    create_account(engine, coordinator_name, TEST_PASSWORD, "coordinator", sectors=("nutrition",))
    app = create_app(settings)
    data = DashboardData(engine)
    groups = data.store.duplicate_groups(data.snapshot(SYSTEM).version)
    nutrition, health = (groups[(groups["sector_code"] == sector) & (groups["kind"] != "cannot_tell")]["group_key"]
                         .item() for sector in ("nutrition", "health"))
    blind = groups[groups["kind"] == "cannot_tell"]["group_key"].iloc[0]

    def stored(key):
        with engine.connect() as connection:
            return connection.execute(text("SELECT decision, decided_by FROM duplicate_decision WHERE group_key = :k"),
                                      {"k": key}).all()

    assert decide(logged_in(app, None), nutrition).status_code == 403
    coordinator = logged_in(app, coordinator_name)
    assert decide(coordinator, health).status_code == 403  # not the coordinator's cluster
    assert stored(health) == []
    assert decide(coordinator, nutrition).status_code == 200
    assert stored(nutrition) == [("keep_both", coordinator_name)]
    with engine.connect() as connection:
        event = connection.execute(text("SELECT actor, role, target FROM audit_event "
                                        "WHERE action = 'duplicates.decide' AND target = :k"), {"k": nutrition}).all()
    assert event == [(coordinator_name, "coordinator", nutrition)]
    # no button offers a decision on a group that cannot be told apart; a forged one is refused with a sentence
    refused = decide(logged_in(app, accounts["imo"]), blind, "merge")
    assert refused.status_code == 409 and "il ne peut pas être fusionné" in refused.get_data(as_text=True)
    assert stored(blind) == []
    engine.dispose()


@pytest.mark.parametrize("role, status", [(None, 403), ("partner", 403), ("coordinator", 403), ("imo", 200)])
def test_only_imos_read_the_audit_trail(app, accounts, role, status):
    client = logged_in(app, accounts.get(role))
    answer = client.get("/audit.csv")
    assert answer.status_code == status
    if status == 200:
        text = answer.get_data(as_text=True)
        # the logins of this very test are on record, with the account's name
        assert f",{accounts['imo']},imo,login," in text


def mark_distinct_request(client, first, second):
    button = {"type": "organisation-decision", "kept": first, "other": second, "decision": "distinct"}
    return callback(client, [("organisation-feedback", "children"), ("organisations-content", "children")],
                    [[], [{"id": button, "property": "n_clicks", "value": 1}]],  # no merge button clicked
                    [{"id": "lang", "property": "data", "value": "en"}], changed=[dash_id(button) + ".n_clicks"])


def test_only_an_imo_decides_on_organisations(app, accounts, sample_settings):
    engine = make_engine(sample_settings.database_url)
    with engine.connect() as connection:
        sad, dotted = (connection.execute(text("SELECT id FROM organisation WHERE acronym = :a"), {"a": acronym})
                       .scalar_one() for acronym in ("SAD", "S.A.D"))

    def decisions():
        with engine.connect() as connection:
            return connection.execute(text("SELECT kept_id, other_id, decision, decided_by "
                                           "FROM organisation_decision")).all()

    try:
        for role in (None, "partner", "coordinator"):
            assert mark_distinct_request(logged_in(app, accounts.get(role)), sad, dotted).status_code == 403
        assert decisions() == []
        answer = mark_distinct_request(logged_in(app, accounts["imo"]), sad, dotted)
        assert answer.status_code == 200
        assert "will not be proposed again" in answer.get_data(as_text=True)
        assert decisions() == [(min(sad, dotted), max(sad, dotted), "distinct", accounts["imo"])]
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM organisation_decision"))
        engine.dispose()


def upload_request(client, kind: str):
    """The Imports page's upload callback, with a tiny CSV (nothing is imported: a check is only queued)."""
    import base64
    content = "data:text/csv;base64," + base64.b64encode(b"Sigle,Cluster,Role\nUNICEF,EHA,Membre\n").decode()
    return callback(client, [("upload-status", "children"), ("upload-job", "data"), ("upload-poll", "disabled"),
                             ("upload-decision", "hidden")],
                    [{"id": "upload-file", "property": "contents", "value": content}],
                    [{"id": "upload-file", "property": "filename", "value": "membres.csv"},
                     {"id": "upload-kind", "property": "value", "value": kind},
                     {"id": "upload-period", "property": "value", "value": None},
                     {"id": "upload-source", "property": "value", "value": None},
                     {"id": "upload-code-set", "property": "value", "value": "auto"},
                     {"id": "upload-country", "property": "value", "value": ""},
                     {"id": "lang", "property": "data", "value": "fr"}], changed=["upload-file.contents"])


def test_a_coordinator_may_upload_a_membership_table_and_nothing_else(app, accounts):
    coordinator = logged_in(app, accounts["coordinator"])
    # the Imports page offers them the membership table only
    page = route(coordinator, "/imports")
    assert "upload-kind" in page and "La liste des membres de vos clusters" in page
    queued = upload_request(coordinator, "memberships")
    assert queued.status_code == 200
    assert json.loads(queued.get_data(as_text=True))["response"]["upload-job"]["data"] is not None
    # a 3W or a partnership table, forged in the request, is refused on the server
    for kind in ("3w", "partnerships"):
        answer = json.loads(upload_request(coordinator, kind).get_data(as_text=True))["response"]
        assert answer["upload-job"]["data"] is None
        assert "may not import" in json.dumps(answer["upload-status"]["children"], ensure_ascii=False)
    # the public may not upload at all
    assert upload_request(logged_in(app, None), "memberships").status_code == 403
