"""The read API (/api/v1) on the real December 2023 sample: the same rows as the page's download for the same
address, pages that add up, as-of facts, a 400 and a sentence for what it cannot use, tokens scoped like roles
(created and revoked on the command line, in the audit trail), request limits, an OpenAPI description."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from dashboard import cli
from dashboard.app_factory import create_app
from dashboard.domain.filters import FILTERS
from dashboard.store.audit import audit_frame
from tests.conftest import sample_copy
from tests.independent import organisation_labels, read_sample

PAGE_QUERY = "level=2&sector=health&type=ngo_national&area=ML05"


@pytest.fixture(scope="module")
def client(sample_settings):
    return create_app(sample_settings).server.test_client()


def download(client, report: str, query: str) -> pd.DataFrame:
    """The page's CSV download of a report (machine names aside: its headers are translated)."""
    response = client.get(f"/export/{report}.csv?{query}")
    assert response.status_code == 200
    return pd.read_csv(io.BytesIO(response.data), comment="#", encoding="utf-8-sig")


@pytest.mark.parametrize("path, report, query", [
    ("presence", "presence", PAGE_QUERY),
    ("gaps", "gaps", "level=2&sector=protection&without=ngo_national"),
    ("overlaps", "overlaps", "level=3&area=ML05&k=5"),
    ("localisation", "national_share_by_sector", "area=ML05"),
])
def test_same_rows_as_the_page_download_for_the_same_address(client, path, report, query):
    answer = client.get(f"/api/v1/{path}?{query}&per_page=1000")
    assert answer.status_code == 200, answer.data
    document = answer.get_json()
    rows = pd.DataFrame(document["rows"])
    downloaded = download(client, report, query)
    assert len(rows) == len(downloaded) == document["page"]["total_rows"]
    # the same values in the same order, column by column (the download's headers are translated, same order)
    assert len(rows.columns) == len(downloaded.columns)
    for column, label in zip(rows.columns, downloaded.columns):
        ours = rows[column].map(lambda value: ", ".join(map(str, value)) if isinstance(value, list) else value)
        theirs = downloaded[label]
        if pd.api.types.is_numeric_dtype(theirs) and not pd.api.types.is_bool_dtype(theirs):
            assert np.allclose(pd.to_numeric(ours).astype(float), theirs.astype(float), equal_nan=True), column
        else:
            assert ours.fillna("").astype(str).tolist() == theirs.fillna("").astype(str).tolist(), column


def test_presence_figures_match_the_workbook(client, sample_path):
    """Bamako (ML09): no row of the workbook has contradictory codes there, so a plain count holds."""
    raw = read_sample(sample_path)
    labels = organisation_labels(raw)
    expected = labels[raw["admin1Pcod"] == "ML09"].nunique()
    rows = client.get("/api/v1/presence?level=1&area=ML09").get_json()["rows"]
    assert [row["organisations"] for row in rows] == [expected]


def test_pages_add_up_and_carry_as_of(client, sample_path):
    whole = client.get("/api/v1/presence?level=3&per_page=1000").get_json()
    assert whole["page"]["total_rows"] == 701  # communes of the 2021 COD-AB
    seen, url = [], "/api/v1/presence?level=3&per_page=250"
    while url:
        document = client.get(url).get_json()
        seen += document["rows"]
        url = document["page"]["next"]
    assert seen == whole["rows"] and document["page"]["total_pages"] == 3
    (round_,) = whole["as_of"]["rounds"]
    assert round_["period"] == "2023-12" and round_["draft"] is False and round_["published_at"]
    assert round_["files"][0]["file"] == sample_path.name
    assert round_["files"][0]["rows_accepted"] == len(read_sample(sample_path))
    assert whole["as_of"]["public_view"] is True
    csv = client.get("/api/v1/presence?level=3&per_page=100&page=8&format=csv")
    assert csv.status_code == 200 and csv.headers["X-Total-Count"] == "701" and csv.headers["X-As-Of"] == "2023-12"
    assert len(pd.read_csv(io.BytesIO(csv.data))) == 1  # 701 = 7 x 100 + 1
    assert 'rel="prev"' in csv.headers["Link"] and 'rel="next"' not in csv.headers["Link"]


def test_hapi_export_through_the_api(client, mirror):
    reference = (mirror / "hdx_hapi_reference" / "hapi_operational_presence_tcd_sample_with_hxl.csv").read_text(
        encoding="utf-8").splitlines()[:2]
    answer = client.get("/api/v1/hapi/operational-presence?format=csv&per_page=5&sector=health")
    assert answer.data.decode("utf-8").splitlines()[:2] == reference
    document = client.get("/api/v1/hapi/operational-presence?sector=health").get_json()
    assert [column["hxl"] for column in document["columns"]] == reference[1].split(",")
    # HAPI's levels whatever the page's: the filters said are those the export depends on
    assert document["about"][0] == "Filtres : Période : décembre 2023 · Secteur (cluster) : Santé"


@pytest.mark.parametrize("query, words", [
    ("presence?sector=xyz", "sector"),
    ("presence?level=7", "level"),
    ("presence?area=ML99", "ML99"),
    ("presence?period=2023-13", "2023-13"),
    ("overlaps?k=abc", "« k »"),
    ("gaps?without=nobody", "without"),
    ("presence?format=xml", "format"),
    ("presence?per_page=0", "per_page"),
    ("presence?page=999", "999"),
    ("presence?colour=red", "colour"),
    ("presence?org=1", "org"),
    ("presence?lang=de", "lang"),
])
def test_what_cannot_be_used_gets_400_and_a_sentence(client, query, words):
    answer = client.get(f"/api/v1/{query}")
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert words in error and error.endswith(".")


def test_sentences_in_the_asked_language_and_other_refusals(client):
    assert "takes a period YYYY-MM" in client.get("/api/v1/presence?period=12-2023&lang=en").get_json()["error"]
    assert client.get("/api/v1/no-such-report").status_code == 404
    absent = client.get("/api/v1/presence?period=2019-01&lang=en")
    assert absent.status_code == 404 and "January 2019" in absent.get_json()["error"]
    assert client.get("/api/v1/3w").status_code == 401
    assert client.get("/api/v1/presence", headers={"Authorization": "Bearer m3w_made_up"}).status_code == 401


def test_openapi_describes_every_endpoint_and_filter(client):
    from openapi_spec_validator import validate
    document = client.get("/api/v1/openapi.json?lang=en").get_json()
    validate(document)
    from dashboard.api import ENDPOINTS
    assert sorted(document["paths"]) == sorted(f"/api/v1/{path}" for path in ENDPOINTS)
    for path in document["paths"].values():
        names = {parameter["name"] for parameter in path["get"]["parameters"]}
        assert {declared.url for declared in FILTERS} | {"format", "page", "per_page", "lang"} <= names
    assert "k" in {p["name"] for p in document["paths"]["/api/v1/overlaps"]["get"]["parameters"]}


def _token(monkeypatch, capsys, settings, *arguments) -> str:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert cli.main(["create-api-token", *arguments]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_tokens_scoped_like_roles_revoked_and_audited(sample_settings, tmp_path, monkeypatch, capsys):
    settings, engine = sample_copy(sample_settings, tmp_path)
    imo = _token(monkeypatch, capsys, settings, "imo-scripts", "--role", "imo")
    partner = _token(monkeypatch, capsys, settings, "sif-reports", "--role", "partner", "--organisation", "SIF")
    coordinator = _token(monkeypatch, capsys, settings, "wash", "--role", "coordinator", "--sectors", "wash")
    assert imo.startswith("m3w_") and len({imo, partner, coordinator}) == 3
    client = create_app(settings).server.test_client()

    def get(url, token=None):
        return client.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})

    # who reported: coordinators and IMOs only (a partner's role has no such permission)
    assert get("/api/v1/reporting-status").status_code == 401
    assert get("/api/v1/reporting-status", partner).status_code == 403
    assert "ne permet pas" in get("/api/v1/reporting-status", partner).get_json()["error"]
    assert get("/api/v1/reporting-status", coordinator).status_code in (200, 404)  # one round: nothing to compare
    # the whole 3W to any token, never to the public; names unmasked with a token
    assert get("/api/v1/3w?area=ML0502&per_page=5", partner).get_json()["page"]["total_rows"] > 0
    public = get("/api/v1/hapi/operational-presence?per_page=1000&sector=health").get_json()
    full = get("/api/v1/hapi/operational-presence?per_page=1000&sector=health", imo).get_json()
    assert any(row["org_acronym"].startswith("(masqué") for row in public["rows"])
    assert not any(row["org_acronym"].startswith("(masqué") for row in full["rows"])
    assert len(public["rows"]) == len(full["rows"])
    assert full["as_of"]["public_view"] is False
    # organisation filter: with a token only
    assert get("/api/v1/presence?org=1", imo).status_code == 200
    # revoked: refused at once
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert cli.main(["revoke-api-token", "sif-reports"]) == 0
    assert get("/api/v1/3w", partner).status_code == 401
    assert cli.main(["revoke-api-token", "sif-reports"]) == 2  # already revoked: said, nothing changes
    capsys.readouterr()
    assert cli.main(["api-tokens"]) == 0
    listing = capsys.readouterr().out
    assert "sif-reports" in listing and imo not in listing  # the secret is never listed
    from dashboard.security.tokens import token_frame
    tokens = token_frame(engine).set_index("name")
    assert pd.notna(tokens.loc["imo-scripts", "last_used_at"]) and pd.notna(tokens.loc["sif-reports", "revoked_at"])
    assert pd.isna(tokens.loc["imo-scripts", "revoked_at"])
    trail = audit_frame(engine, limit=None)
    events = trail[trail["action"].str.startswith("api_token.")]
    assert sorted(events["action"]) == ["api_token.create"] * 3 + ["api_token.revoke"]
    assert set(events.loc[events["action"] == "api_token.revoke", "target"]) == {"sif-reports"}
    engine.dispose()


def test_request_limits_per_address_and_per_token(sample_settings, tmp_path, monkeypatch, capsys):
    settings, engine = sample_copy(sample_settings, tmp_path)
    token = _token(monkeypatch, capsys, settings, "limited", "--role", "imo")
    monkeypatch.setenv("MALI3W_API_RATE_ADDRESS", "3 per minute")
    monkeypatch.setenv("MALI3W_API_RATE_TOKEN", "5 per minute")
    client = create_app(settings).server.test_client()
    here, there = {"REMOTE_ADDR": "10.0.0.1"}, {"REMOTE_ADDR": "10.0.0.2"}
    answers = [client.get("/api/v1/presence?level=1", environ_base=here).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/presence?level=1&lang=en", environ_base=here)
    assert "Too many requests" in refused.get_json()["error"]
    assert client.get("/api/v1/presence?level=1", environ_base=there).status_code == 200  # another address
    # a token counts apart from its address, against its own limit
    bearer = {"Authorization": f"Bearer {token}"}
    answers = [client.get("/api/v1/presence?level=1", headers=bearer, environ_base=here).status_code
               for _ in range(6)]
    assert answers == [200] * 5 + [429]
    # the dashboard's own pages are not limited
    assert all(client.get("/export/presence.csv?level=1", environ_base=here).status_code == 200 for _ in range(5))
    engine.dispose()


def test_workers_share_the_counts_through_redis(sample_settings, monkeypatch):
    """Two server processes (two apps here) counting in the same Redis refuse together: with gunicorn's workers,
    a limit is the installation's, not each worker's."""
    pytest.importorskip("redis")
    import uuid
    monkeypatch.setenv("MALI3W_API_RATE_STORAGE", "redis://127.0.0.1:6379")
    monkeypatch.setenv("MALI3W_API_RATE_ADDRESS", "3 per minute")
    first, second = (create_app(sample_settings).server.test_client() for _ in range(2))
    address = {"REMOTE_ADDR": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}
    answers = [client.get("/api/v1/presence?level=1", environ_base=address).status_code
               for client in (first, second, first, second)]
    assert answers == [200, 200, 200, 429]
