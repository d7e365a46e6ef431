"""Fetching 3W releases from HDX, against a local HTTP server the test starts (no internet) that answers
``package_show`` with the real metadata of ``mali-operational-presence`` (22 resources, November 2016 to Q2 2025)
and serves two of its files; and from a mirror folder."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from dashboard import cli
from dashboard.store.models import Activity, ImportBatch
from tests.workbooks import write_workbook

METADATA = Path("hdx_hapi_reference") / "mali-operational-presence-2016-2025.hdx_metadata.json"
#: a small release in the layout of OCHA Mali's files: 3 rows, 2 organisations, 2 cercles
Q2_2025_ROWS = [["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
                 "Cluster"],
                ["#org+acronym", "#org+name", "#org+type", "#adm1+code", "#adm2+code", "#sector"],
                ["UNICEF", "Fonds des Nations Unies pour l'Enfance", "Agence UN", "ML05", "ML0502", "Santé"],
                ["UNICEF", "Fonds des Nations Unies pour l'Enfance", "Agence UN", "ML05", "ML0503", "EHA"],
                ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat", "ML05", "ML0502", "Protection"]]


@pytest.fixture(scope="module")
def package(mirror) -> dict:
    return json.loads((mirror / METADATA).read_text(encoding="utf-8"))


def _path(package: dict, name: str) -> str:
    return urlsplit(next(r["url"] for r in package["resources"] if r["name"] == name)).path


@pytest.fixture
def hdx(package, sample_path, tmp_path):
    """A local stand-in for HDX: package_show for the dataset, the files of Q2 2025 and December 2023 at their
    HDX paths, 404 for anything else. Yields its base URL and the paths it was asked."""
    q2 = write_workbook(tmp_path / "q2.xlsx", {"3W": Q2_2025_ROWS}).read_bytes()
    files = {_path(package, "mali_3w_q2_2025.xlsx"): q2,
             _path(package, "MALI_3W_December_2023"): sample_path.read_bytes()}
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            parts = urlsplit(self.path)
            asked.append(self.path)
            if parts.path == "/api/3/action/package_show" and parse_qs(parts.query).get("id") == [package["name"]]:
                body, kind = json.dumps({"success": True, "result": package}).encode(), "application/json"
            elif parts.path in files:
                body, kind = files[parts.path], "application/octet-stream"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def _counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(ImportBatch.period, func.count(Activity.id))
                                  .join(Activity, Activity.batch_id == ImportBatch.id).group_by(ImportBatch.period))
        return dict(rows.all())


def test_list_fetch_newest_then_check_a_chosen_one(hdx, package, prepared_engine, tmp_path, monkeypatch, capsys):
    base_url, asked = hdx
    monkeypatch.setenv("DATABASE_URL", prepared_engine.url.render_as_string(hide_password=False))
    assert cli.main(["fetch-hdx", "--base-url", base_url, "--list"]) == 0
    listing = capsys.readouterr().out
    assert f"{len(package['resources'])} resources, 22 not imported" in listing
    assert "2025-06  not imported" in listing and "2016-11  not imported" in listing
    # the newest not imported: Q2 2025 (the quarter's last month), checked then imported, as a draft
    assert cli.main(["fetch-hdx", "--base-url", base_url, "--folder", str(tmp_path / "in")]) == 0
    printed = capsys.readouterr().out
    assert "checked, nothing written" in printed and "read 3, would accept 3" in printed
    assert _counts(prepared_engine) == {"2025-06": 3}
    with prepared_engine.connect() as connection:
        assert connection.scalar(select(ImportBatch.source)) == "HDX mali-operational-presence"
    assert _path(package, "mali_3w_q2_2025.xlsx") in asked  # fetched from the configured base URL
    assert cli.main(["fetch-hdx", "--base-url", base_url, "--list"]) == 0
    assert "21 not imported" in capsys.readouterr().out
    # a chosen release, checked only: December 2023's 24,088 rows, nothing written
    assert cli.main(["fetch-hdx", "--base-url", base_url, "--resource", "MALI_3W_December_2023", "--check",
                     "--folder", str(tmp_path / "in")]) == 0
    assert "read 24088, would accept 24088" in capsys.readouterr().out
    assert _counts(prepared_engine) == {"2025-06": 3}
    # the next newest (March 2025) is not on the server: said in a sentence, nothing written
    assert cli.main(["fetch-hdx", "--base-url", base_url, "--folder", str(tmp_path / "in")]) == 2
    assert "answered 404" in capsys.readouterr().err
    assert _counts(prepared_engine) == {"2025-06": 3}


def test_mirror_folder_and_unreachable_hdx(package, mirror, prepared_engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", prepared_engine.url.render_as_string(hide_password=False))
    folder = tmp_path / "hdx-mirror"
    folder.mkdir()
    (folder / "mali-operational-presence.json").write_text(json.dumps(package), encoding="utf-8")
    write_workbook(folder / "mali_3w_q2_2025.xlsx", {"3W": Q2_2025_ROWS})
    assert cli.main(["fetch-hdx", "--mirror", str(folder), "--folder", str(tmp_path / "in")]) == 0
    assert _counts(prepared_engine) == {"2025-06": 3}
    capsys.readouterr()
    # the metadata as HDX's tools save it (the data mirror's copy): listed, its files absent, said so
    reference = mirror / METADATA.parent
    assert cli.main(["fetch-hdx", "--mirror", str(reference), "--list"]) == 0
    assert "22 resources, 21 not imported" in capsys.readouterr().out
    assert cli.main(["fetch-hdx", "--mirror", str(reference), "--resource", "MALI_3W_June_2024"]) == 2
    assert "has no mali-5w_po-juin-2024-1.xlsx" in capsys.readouterr().err
    # nothing listens there: the sentence says to use a mirror folder
    assert cli.main(["fetch-hdx", "--base-url", "http://127.0.0.1:9", "--list"]) == 2
    assert "mirror folder" in capsys.readouterr().err
    shutil.rmtree(folder)


def _texts(component) -> str:
    if isinstance(component, (list, tuple)):
        return " ".join(_texts(part) for part in component)
    if hasattr(component, "children"):
        return _texts(component.children)
    return "" if component is None else str(component)


def test_the_imo_page_lists_what_is_not_imported(hdx, sample_data, monkeypatch):
    from dashboard.domain.roles import SYSTEM
    from dashboard.layouts.hdx_page import releases
    base_url, _asked = hdx
    monkeypatch.setenv("MALI3W_HDX_URL", base_url)
    # the sample holds December 2023: 21 of the 22 releases are not imported
    text = _texts(releases(sample_data.snapshot(SYSTEM), "en"))
    assert "22 releases, 21 of them not imported" in text
    assert "fetch-hdx --resource 'mali_3w_q2_2025.xlsx'" in text
    assert "fetch-hdx --resource 'MALI_3W_December_2023'" not in text  # imported: no command
    monkeypatch.setenv("MALI3W_HDX_URL", "http://127.0.0.1:9")
    assert "could not be read from http://127.0.0.1:9" in _texts(releases(sample_data.snapshot(SYSTEM), "en"))



def test_the_hdx_page_is_the_imo_s(sample_settings, sample_accounts, monkeypatch):
    from dashboard.app_factory import create_app
    from tests.integration.test_web_access import callback, logged_in, route
    monkeypatch.setenv("MALI3W_HDX_URL", "http://127.0.0.1:9")  # opening the page reads nothing from HDX
    app = create_app(sample_settings)
    assert "access-refused" in route(logged_in(app, None), "/hdx")
    assert "access-refused" in route(logged_in(app, sample_accounts["coordinator"]), "/hdx")
    imo = logged_in(app, sample_accounts["imo"])
    page = route(imo, "/hdx")
    assert "access-refused" not in page and "hdx-list" in page
    # the list, asked for: HDX unreachable here, said in a sentence; a forged ask of a coordinator refused
    listing = callback(imo, [("hdx-releases", "children")], [{"id": "hdx-list", "property": "n_clicks", "value": 1}],
                       state=[{"id": "lang", "property": "data", "value": "en"}], changed=["hdx-list.n_clicks"])
    assert listing.status_code == 200
    assert "could not be read from http://127.0.0.1:9" in json.dumps(listing.get_json(), ensure_ascii=False)
    forged = callback(logged_in(app, sample_accounts["coordinator"]), [("hdx-releases", "children")],
                      [{"id": "hdx-list", "property": "n_clicks", "value": 1}],
                      state=[{"id": "lang", "property": "data", "value": "en"}], changed=["hdx-list.n_clicks"])
    assert forged.status_code == 403
