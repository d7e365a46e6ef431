"""The soak test: a meeting on two app servers while an IMO imports a file.

``python -m dashboard soak --database-url postgresql://postgres@127.0.0.1:5432/test`` builds a new database
on that server with the December 2023 sample, starts two app servers as ``make production`` does
(``scripts/serve-production.sh``: gunicorn and an import worker each, their own cache folders, one
database, one secret key), and for ``--seconds`` (120) lets ``--users`` (20) public users change filters,
each request going to either server in turn as behind one address. Meanwhile an IMO uploads the sample
again, as a CSV of another period, checks it on one server and confirms it on the other. Then it compares:

- every user request was answered, none with a 5xx (and prints the p95 and median times);
- the import holds every row of the file (counted with pandas from the file itself);
- both servers give the same presence table for the imported period, and it counts what the database holds.

It prints one line per figure and returns 1 when any comparison fails.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.bench.run import (DEFAULT_FILTERS, FILTER_CHANGES, build_store, callback_body, free_port,
                                 fresh_database, percentile, wait_until_serving)
from dashboard.config import PROJECT_ROOT, Settings, get_settings
from dashboard.manifest import dataset_by_role
from dashboard.security.web import CSRF_COOKIE
from dashboard.store.database import make_engine
from dashboard.store.models import Activity, ImportBatch

IMO = ("soak.imo", "a soak test password")
PERIOD = "2024-01"
#: how the presence table names the imported round (a draft until an IMO publishes it)
PERIOD_WORDS = "janvier 2024"


@contextlib.contextmanager
def app_server(settings: Settings, folder: Path, secret: str) -> Iterator[str]:
    """One app server as ``make production`` starts it (gunicorn and its import worker), its own folders."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": settings.database_url, "MALI3W_GEO_DIR": str(settings.geo_dir),
                   "MALI3W_DATA_MIRROR": str(settings.data_mirror), "MALI3W_CACHE_DIR": str(folder / "cache"),
                   "MALI3W_SECRET_KEY": secret, "BIN": str(Path(sys.executable).parent), "WORKERS": "2",
                   "BIND": f"127.0.0.1:{port}"}
    folder.mkdir(parents=True, exist_ok=True)
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(["bash", str(PROJECT_ROOT / "scripts" / "serve-production.sh")], cwd=PROJECT_ROOT,
                              env=environment, stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server, folder / "server.log", "the app server")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


class Browser:
    """One person's browser: cookies kept for the one address (both servers are on 127.0.0.1)."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> str:
        return self.opener.open(url, timeout=120).read().decode("utf-8-sig")

    def token(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == CSRF_COOKIE)

    def callback(self, url: str, body: dict) -> tuple[int, dict | None]:
        request = urllib.request.Request(url + "/_dash-update-component", data=json.dumps(body).encode(),
                                         method="POST", headers={"Content-Type": "application/json",
                                                                 "X-CSRFToken": self.token()})
        try:
            with self.opener.open(request, timeout=120) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, None

    def log_in(self, url: str, username: str, password: str) -> None:
        form = self.get(url + "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
        self.opener.open(urllib.request.Request(url + "/login", data=data, method="POST"), timeout=60).read()
        self.get(url + "/")  # the callbacks' token of the new session


def upload_bodies(app, content: bytes, file_name: str, job_id: int | None = None) -> dict[str, dict]:
    """The Imports page's three requests: the upload, its poll, and the confirmation."""
    def key(first_input: str) -> str:
        return next(k for k, spec in app.callback_map.items() if spec["inputs"]
                    and f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}" == first_input)

    def outputs(output_key: str) -> list[dict]:
        return [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
                for part in output_key.strip(".").split("...")]

    lang = {"id": "lang", "property": "data", "value": "fr"}
    job = {"id": "upload-job", "property": "data", "value": job_id}
    upload = key("upload-file.contents")
    follow, confirm = key("upload-poll.n_intervals"), key("upload-confirm.n_clicks")
    return {
        "upload": {"output": upload, "outputs": outputs(upload), "changedPropIds": ["upload-file.contents"],
                   "inputs": [{"id": "upload-file", "property": "contents",
                               "value": "data:text/csv;base64," + base64.b64encode(content).decode()}],
                   "state": [{"id": "upload-file", "property": "filename", "value": file_name},
                             {"id": "upload-kind", "property": "value", "value": "3w"},
                             {"id": "upload-period", "property": "value", "value": PERIOD},
                             {"id": "upload-source", "property": "value", "value": "soak"},
                             {"id": "upload-code-set", "property": "value", "value": "auto"},
                             {"id": "upload-country", "property": "value", "value": ""}, lang]},
        "follow": {"output": follow, "outputs": outputs(follow), "changedPropIds": ["upload-poll.n_intervals"],
                   "inputs": [{"id": "upload-poll", "property": "n_intervals", "value": 1}], "state": [job, lang]},
        "confirm": {"output": confirm, "outputs": outputs(confirm), "changedPropIds": ["upload-confirm.n_clicks"],
                    "inputs": [{"id": "upload-confirm", "property": "n_clicks", "value": 1},
                               {"id": "upload-cancel", "property": "n_clicks", "value": None}],
                    "state": [job, lang]},
    }


def soak(database_url: str | None, users: int, seconds: float) -> int:
    from dashboard.app_factory import create_app
    from dashboard.security.accounts import create_account
    settings = get_settings()
    sample = dataset_by_role("sample-3w").path(settings.data_mirror)
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mali3w-soak-") as folder:
        folder = Path(folder)
        with fresh_database(database_url, "mali3w_soak", folder) as url:
            store = build_store(url, 1, settings.data_mirror, folder / "geo")
            engine = make_engine(url)
            create_account(engine, *IMO, "imo")
            app = create_app(store)
            map_key = next(k for k in app.callback_map if "presence-map.figure" in k)
            # the sample again, as a CSV of another period: other bytes, so a new import of every row
            frame = pd.read_excel(sample, sheet_name="ML_5W", engine="calamine", dtype=str)
            content = frame.to_csv(index=False).encode("utf-8")
            expected_rows = len(frame) - 1  # its second row holds the HXL tags
            secret = secrets.token_hex(32)
            with app_server(store, folder / "a", secret) as first, app_server(store, folder / "b", secret) as second:
                servers = [first, second]
                latencies, statuses, lock, stop = [], [], threading.Lock(), threading.Event()

                def user(number: int) -> None:
                    browser = Browser()
                    browser.get(servers[number % 2] + "/")
                    filters, step = dict(DEFAULT_FILTERS), 0
                    while not stop.is_set():
                        changed, value = FILTER_CHANGES[(number + step) % len(FILTER_CHANGES)]
                        filters[changed] = value
                        started = time.perf_counter()
                        status, _ = browser.callback(servers[(number + step) % 2],
                                                     callback_body(app, map_key, dict(filters), changed))
                        with lock:
                            statuses.append(status)
                            latencies.append((time.perf_counter() - started) * 1000)
                        step += 1

                threads = [threading.Thread(target=user, args=(number,)) for number in range(users)]
                started = time.monotonic()
                for thread in threads:
                    thread.start()
                # the IMO: upload on the first server, confirm on the second, follow on either
                imo = Browser()
                imo.log_in(first, *IMO)
                bodies = upload_bodies(app, content, f"3W_soak_{PERIOD}.csv")
                status, answer = imo.callback(first, bodies["upload"])
                job_id = answer["response"]["upload-job"]["data"] if status == 200 else None
                state, said = "failed", f"the upload answered {status}"
                for step in range(2):
                    while job_id is not None and time.monotonic() - started < seconds + 600:
                        status, answer = imo.callback(servers[step], upload_bodies(app, b"", "", job_id)["follow"])
                        if status == 200 and answer["response"]["upload-poll"]["disabled"]:
                            shown = answer["response"]["upload-status"]["children"]
                            said = str(shown[0] if isinstance(shown, list) else shown)
                            break
                        time.sleep(1)
                    if step == 0 and job_id is not None:
                        imo.callback(second, upload_bodies(app, b"", "", job_id)["confirm"])
                import_seconds = time.monotonic() - started
                stop.wait(max(0.0, seconds - (time.monotonic() - started)))
                stop.set()
                for thread in threads:
                    thread.join(timeout=300)
                # the imported round is a draft: the IMO sees it, on either server
                tables = [imo.get(server + f"/export/presence.csv?period={PERIOD}&level=2") for server in servers]
            with Session(engine) as session:
                batch = session.scalar(select(ImportBatch).where(ImportBatch.period == PERIOD))
                stored = session.scalar(select(func.count()).select_from(Activity)
                                        .where(Activity.batch_id == batch.id)) if batch else 0
            engine.dispose()
    errors = sum(1 for status in statuses if status >= 500)
    refused = sum(1 for status in statuses if status != 200)
    print(f"{users} users for {seconds:.0f} s on two app servers: {len(statuses):,} filter changes, "
          f"p95 {percentile(latencies, 0.95):,.0f} ms, median {statistics.median(latencies):,.0f} ms, "
          f"{errors} answered 5xx, {refused} not 200", flush=True)
    print(f"import during the load ({import_seconds:.0f} s, checked on one server, confirmed on the other): "
          f"{said}", flush=True)
    print(f"rows of the file (pandas) {expected_rows:,}; read by the import {batch.rows_read if batch else 0:,}; "
          f"stored {stored:,}", flush=True)
    if errors or refused:
        failures.append("some user requests were not answered 200")
    if batch is None or batch.rows_read != expected_rows or stored != batch.rows_accepted:
        failures.append("the import does not hold every row of the file")
    if tables[0] != tables[1] or PERIOD_WORDS not in tables[0]:
        failures.append("the two servers do not both give the presence table of the imported period")
    for failure in failures:
        print(f"SOAK FAILED: {failure}", flush=True)
    if not failures:
        print("soak: nothing lost, no 5xx, both servers agree", flush=True)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m dashboard soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: an SQLite file, one machine)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args(argv)
    return soak(args.database_url, args.users, args.seconds)
