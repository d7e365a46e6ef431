"""The benchmark: figures a coordination meeting depends on, each printed beside its budget.

Run with ``python -m dashboard bench`` (``--sizes 1,10,100``, ``--database-url`` for PostgreSQL). For each
size it builds a store (the real December 2023 sample, plus synthetic rows for 10x and 100x), then measures
filter changes as the server answers them over HTTP, 20 concurrent users against gunicorn, and the
server's memory; the import and the first view are measured once, on the real sample.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard.bench.synthetic import load_synthetic
from dashboard.config import PROJECT_ROOT, Settings, get_settings
from dashboard.domain.filters import FILTERS
from dashboard.ingest.importer import import_3w
from dashboard.manifest import dataset_by_role
from dashboard.result_cache import ResultCache
from dashboard.setup import prepare_database, setup
from dashboard.security.web import CSRF_COOKIE
from dashboard.store.database import make_engine

FILTER_IDS = [declared.control for declared in FILTERS]
DEFAULT_FILTERS = {declared.control: list(declared.default) if isinstance(declared.default, tuple) else declared.default
                   for declared in FILTERS}
#: the filter changes a user makes, in turn (the value given to one filter, the others as they were)
FILTER_CHANGES = [("sector", ["protection"]), ("sector", ["health", "wash"]), ("org-type", ["ngo_national"]),
                  ("sector", []), ("org-type", []), ("organisation", [1])]
ANALYSIS_PAGES = {"gaps": {"without": "ngo_national"}, "overlaps": {"k": "3"}, "localisation": {}, "change": {},
                  "membership": {}, "duplicates": {"status": "pending"}, "brief": {}, "reporting": {}}
GUNICORN_WORKERS = 3


@dataclass(frozen=True)
class Budget:
    limit: float
    unit: str

    def verdict(self, value: float) -> str:
        return "ok" if value <= self.limit else "OVER"


BUDGETS = {
    "import_ratio": Budget(2.5, "x"),
    "callback_cold_p95_ms": Budget(50, "ms"),
    "callback_warm_p95_ms": Budget(10, "ms"),
    "pandas_ratio": Budget(2.0, "x"),
    "callback_bytes": Budget(10_000, "B"),
    "first_view_gzip": Budget(650_000, "B"),
    "geometry_bytes": Budget(300_000, "B"),
    "load_p95_ms": Budget(250, "ms"),
    "rss_mb": Budget(1_000, "MB"),
}
#: the sizes the budgets are set at (figures at other sizes are printed without a verdict)
BUDGET_SIZE = {"callback_cold_p95_ms": "x100", "callback_warm_p95_ms": "x100", "pandas_ratio": "x100",
               "load_p95_ms": "x100", "rss_mb": "x100"}


def report(name: str, value: float, unit: str, size: str, budget: str | None = None, note: str = "") -> None:
    """One line per figure: what, how much, at which size, and against which budget."""
    verdict = ""
    if budget and BUDGET_SIZE.get(budget, size) != size:
        rule = BUDGETS[budget]
        verdict = f"  (budget <= {rule.limit:,g} {rule.unit} is set at {BUDGET_SIZE[budget]})"
    elif budget:
        rule = BUDGETS[budget]
        verdict = f"  budget <= {rule.limit:,g} {rule.unit}: {rule.verdict(value)}"
    shown = f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"
    print(f"{name:<48} {shown:>12} {unit:<3} at {size:<8}{verdict}{('  ' + note) if note else ''}", flush=True)


# --- stores ---------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_database(base_url: str | None, name: str, folder: Path) -> Iterator[str]:
    """A new empty database: an SQLite file in ``folder``, or a new database on the PostgreSQL server."""
    if base_url is None:
        yield f"sqlite:///{folder / (name + '.sqlite')}"
        return
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_store(url: str, scale: int, mirror: Path, geo_dir: Path) -> Settings:
    settings = Settings(data_mirror=mirror, geo_dir=geo_dir, database_url=url)
    engine = make_engine(url)
    setup(engine, settings)
    if scale > 1:
        started = time.perf_counter()
        chosen = load_synthetic(engine, scale)
        report("synthetic rows loaded", chosen.rows, "", f"x{scale}",
               note=f"{len(chosen.periods)} periods, {time.perf_counter() - started:.0f} s")
    engine.dispose()
    return settings


# --- import ---------------------------------------------------------------------------------------------------

#: times the import and the plain read are measured; the best of them is reported (a shared machine's load
#: only ever slows a run down)
IMPORT_RUNS = 3


def bench_import(mirror: Path, base_url: str | None, folder: Path) -> None:
    sample = dataset_by_role("sample-3w").path(mirror)
    plain, elapsed = [], []
    for run_number in range(IMPORT_RUNS):
        started = time.perf_counter()
        pd.read_excel(sample, sheet_name="ML_5W", engine="calamine")
        plain.append(time.perf_counter() - started)
        with fresh_database(base_url, f"mali3w_bench_import_{run_number}", folder) as url:
            engine = make_engine(url)
            prepare_database(engine, Settings(mirror, folder / "geo", url))
            started = time.perf_counter()
            result = import_3w(engine, sample, period="2023-12")
            elapsed.append(time.perf_counter() - started)
            engine.dispose()
    plain, elapsed = min(plain), min(elapsed)
    report("import of the real sample (end to end)", elapsed, "s", "x1",
           note=f"{result.rows_accepted:,} rows, best of {IMPORT_RUNS}")
    report("plain pd.read_excel(engine='calamine')", plain, "s", "x1", note=f"best of {IMPORT_RUNS}")
    report("import / plain read", elapsed / plain, "x", "x1", "import_ratio")


# --- callbacks --------------------------------------------------------------------------------------------------

def callback_body(app, key: str, filters: dict, changed: str, page: str | None = None,
                  options: dict | None = None) -> dict:
    """The JSON a browser posts to ``/_dash-update-component`` for the callback ``key``."""
    spec = app.callback_map[key]
    page_params = [{"id": {"name": name, "type": "page-param"}, "property": "value", "value": value}
                   for name, value in (options or {}).items()]

    def value_of(item: dict) -> dict | list:
        if item["id"].startswith("{"):
            if "page-param" in item["id"]:
                return page_params if item["property"] == "value" else [
                    {**entry, "property": "id", "value": entry["id"]} for entry in page_params]
            return []
        known = {"lang": "fr", "analysis-page": page}
        value = filters[item["id"]] if item["id"] in filters else known.get(item["id"])
        return {"id": item["id"], "property": item["property"], "value": value}

    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in key.strip(".").split("...")]
    return {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [value_of(item) for item in spec["inputs"]],
            "state": [value_of(item) for item in spec.get("state", [])],
            "changedPropIds": [f"{changed}.value"]}


@dataclass
class Timings:
    """Server times of callback answers: ``cold`` when the view is computed for the first time on this data
    (the first person to ask), ``warm`` when it is asked again (read from the shared cache)."""

    cold: list[float]
    warm: list[float]
    largest: int
    largest_gzip: int


def csrf_header(client) -> dict[str, str]:
    """What Dash's renderer sends with each callback: the token the page's cookie holds (every POST needs it)."""
    client.get("/")
    return {"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value}


def timed_posts(client, cache: ResultCache, bodies: list[dict], repeats: int) -> Timings:
    """Each body once on an empty cache (cold), then ``repeats`` more times (warm); the largest answer."""
    cache.backend.clear()
    timings = Timings([], [], 0, 0)
    headers = {"Accept-Encoding": "identity", **csrf_header(client)}
    for round_number in range(repeats + 1):
        for body in bodies:
            started = time.perf_counter()
            response = client.post("/_dash-update-component", json=body, headers=headers)
            (timings.warm if round_number else timings.cold).append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"callback answered {response.status_code}: {response.data[:300]!r}")
            timings.largest = max(timings.largest, len(response.data))
            timings.largest_gzip = max(timings.largest_gzip, len(gzip.compress(response.data)))
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def wire_bytes(timings: Timings) -> int:
    """What crosses the network: the server compresses its answers (gzip) for browsers that accept it."""
    return timings.largest_gzip


#: the account the benchmark reads the pages that need one with (the duplicates review)
BENCH_ACCOUNT = ("bench.imo", "a benchmark password")


def imo_client(app, settings: Settings):
    """A test client logged in as an IMO (the account is created in the benchmark's own store)."""
    import re

    from dashboard.security.accounts import create_account
    engine = make_engine(settings.database_url)
    create_account(engine, *BENCH_ACCOUNT, "imo")
    engine.dispose()
    client = app.server.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"username": BENCH_ACCOUNT[0], "password": BENCH_ACCOUNT[1], "csrf_token": token})
    if answer.status_code != 302:
        raise RuntimeError(f"the benchmark's IMO could not log in ({answer.status_code})")
    return client


def bench_callbacks(settings: Settings, size: str, repeats: int) -> None:
    """Server time of each filter change, cold and warm, on the in-process server (no network): public pages
    as the public sees them, the duplicates review as an IMO."""
    from dashboard.app_factory import ANALYSIS_PAGES as PAGES
    from dashboard.app_factory import create_app
    pages = {page.name: page for page in PAGES}
    app = create_app(settings)
    cache = app.server.extensions["mali3w_data"].cache
    public, imo = app.server.test_client(), imo_client(app, settings)
    keys = {"presence": next(k for k in app.callback_map if "presence-map.figure" in k),
            "analysis": next(k for k in app.callback_map if "analysis-summary" in k)}
    views = [("map recolour", keys["presence"], None, None, FILTER_CHANGES)]
    views += [(page, keys["analysis"], page, options, FILTER_CHANGES[:3]) for page, options in ANALYSIS_PAGES.items()]
    for name, key, page, options, changes in views:
        filters = {**DEFAULT_FILTERS, "level": 2 if page not in (None, "brief") else 3,
                   "area": "ML0502" if page == "brief" else None}
        bodies = []
        for changed, value in changes:
            filters[changed] = value
            bodies.append(callback_body(app, key, dict(filters), changed, page, options))
        needs_account = page is not None and pages[page].permission is not None
        client = imo if needs_account else public
        client.post("/_dash-update-component", json=bodies[0], headers=csrf_header(client))  # code paths loaded once
        timings = timed_posts(client, cache, bodies, repeats)
        report(f"{name}: p95 server time, first ask (cold)", percentile(timings.cold, 0.95), "ms", size,
               "callback_cold_p95_ms", f"median {statistics.median(timings.cold):,.0f} ms")
        report(f"{name}: p95 server time, asked again (warm)", percentile(timings.warm, 0.95), "ms", size,
               "callback_warm_p95_ms", f"median {statistics.median(timings.warm):,.1f} ms")
        report(f"{name}: largest answer on the wire (gzip)", wire_bytes(timings), "B", size, "callback_bytes",
               f"{timings.largest:,} B uncompressed")


def bench_against_pandas(settings: Settings, size: str) -> None:
    """The dashboard's first ask of a count against a plain pandas count of the same thing over the same rows:
    distinct organisations per cercle x sector in the latest period (best of 5 each), and what is built once
    per dataset version (the presence cube, the duplicate groups)."""
    from dashboard.domain.roles import SYSTEM
    from dashboard.reports import ReportParams, run_report
    from dashboard.reports.snapshot import DashboardData
    data = DashboardData(make_engine(settings.database_url))
    started = time.perf_counter()
    snapshot = data.snapshot(SYSTEM)
    report("snapshot and presence cube, once per dataset version", time.perf_counter() - started, "s", size,
           note=f"{len(snapshot.activities):,} presence keys, {len(snapshot.periods)} periods")
    started = time.perf_counter()
    data.store.duplicate_groups(snapshot.version)
    report("duplicate groups, once per dataset version", time.perf_counter() - started, "s", size)
    frame, latest = snapshot.activities, snapshot.periods[-1]
    plain, ours = [], []
    for _ in range(5):
        began = time.perf_counter()
        rows = frame[frame["period"] == latest]
        rows[rows["location_level"] >= 2].groupby(["adm2_pcode", "sector_code"], observed=True)[
            "organisation_id"].nunique()
        plain.append(time.perf_counter() - began)
        snapshot.cache.backend.clear()
        began = time.perf_counter()
        run_report("presence_by_sector", snapshot, ReportParams(level=2))
        ours.append(time.perf_counter() - began)
    report("plain pandas: organisations per cercle x sector", min(plain) * 1000, "ms", size,
           note="groupby nunique over the latest period's rows")
    report("dashboard first ask, the same (presence by sector)", min(ours) * 1000, "ms", size,
           note="with every type column, coarser-only counts and unit names")
    report("first ask / plain pandas", min(ours) / min(plain), "x", size, "pandas_ratio")
    data.engine.dispose()


# --- first view -------------------------------------------------------------------------------------------------

def bench_first_view(base_url: str, settings: Settings) -> None:
    from playwright.sync_api import sync_playwright
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        page = browser.new_page()
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        page.goto(base_url + "/", timeout=120_000)
        page.wait_for_selector("#presence-map .choroplethlocation", state="attached", timeout=120_000)
        page.wait_for_load_state("networkidle")
        # what the browser downloads: each answer as it came (brotli, zstd or gzip, as the server chose) with
        # its headers; and, to compare with a server that only gzips, the same bodies gzipped at level 6
        transferred = sum(request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
                          for request in responses)
        decoded = gzipped = 0
        for request in responses:
            response = request.response()
            with contextlib.suppress(Exception):
                body = response.body() if response else b""
                decoded += len(body)
                gzipped += len(gzip.compress(body, 6)) + request.sizes()["responseHeadersSize"]
        outside = [request.url for request in responses if not request.url.startswith(base_url)
                   and not request.url.startswith(("data:", "blob:"))]
        browser.close()
    report("first view: requests", len(responses), "", "x1", note=f"outside the server: {len(outside)}")
    report("first view: bytes over the wire (as served)", transferred, "B", "x1", "first_view_gzip")
    report("first view: the same, every body gzip -6", gzipped, "B", "x1",
           note="as a server or proxy that only gzips would send it (the budget is on what is downloaded)")
    report("first view: bytes uncompressed", decoded, "B", "x1")
    geometry = (settings.geo_dir / "mli_adm3_2021.geojson").stat().st_size
    report("map geometry (communes), uncompressed", geometry, "B", "x1", "geometry_bytes")
    rows = pd.read_excel(dataset_by_role("sample-3w").path(settings.data_mirror), sheet_name="ML_5W",
                         engine="calamine", header=0, skiprows=[1])
    every_row = rows.to_json(orient="records", force_ascii=False).encode()
    report("a page shipping every row would send", len(every_row), "B", "x1",
           note=f"the Dec 2023 sheet as JSON records; gzip {len(gzip.compress(every_row)):,} B")


# --- load with gunicorn -----------------------------------------------------------------------------------------

def wait_until_serving(url: str, server: subprocess.Popen, log: Path, what: str, timeout: float = 300) -> None:
    """Wait until ``url`` answers (a server started as ``server``); raise with the end of its ``log`` if the
    process stops first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url + "/", timeout=5).read()
            return
        if server.poll() is not None:
            raise RuntimeError(f"{what} stopped: {log.read_text()[-2000:]}")
        time.sleep(0.5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def production_server(settings: Settings) -> Iterator[tuple[str, subprocess.Popen]]:
    """The documented production command, gunicorn with several workers, on a free local port."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": settings.database_url, "MALI3W_GEO_DIR": str(settings.geo_dir),
                   "MALI3W_DATA_MIRROR": str(settings.data_mirror)}
    command = [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(GUNICORN_WORKERS), "--threads",
               "4", "--bind", f"127.0.0.1:{port}", "--preload", "--timeout", "120", "app:server"]
    log = tempfile.NamedTemporaryFile(prefix="mali3w-gunicorn-", suffix=".log", delete=False)
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=log,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server, Path(log.name), "gunicorn")
        yield url, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        Path(log.name).unlink(missing_ok=True)


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_load(settings: Settings, size: str, users: int, requests_per_user: int, budget: bool = True) -> None:
    from dashboard.app_factory import create_app
    app = create_app(settings)
    key = next(k for k in app.callback_map if "presence-map.figure" in k)
    with production_server(settings) as (url, server):
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def user(number: int) -> None:
            # each user opens the page first, as a browser does: its session and CSRF cookies come with it
            cookies = CookieJar()
            browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
            browser.open(url + "/", timeout=60).read()
            token = next(cookie.value for cookie in cookies if cookie.name == CSRF_COOKIE)
            filters = dict(DEFAULT_FILTERS)
            for step in range(requests_per_user):
                changed, value = FILTER_CHANGES[(number + step) % len(FILTER_CHANGES)]
                filters[changed] = value
                body = json.dumps(callback_body(app, key, dict(filters), changed)).encode()
                request = urllib.request.Request(url + "/_dash-update-component", data=body, method="POST",
                                                 headers={"Content-Type": "application/json",
                                                          "Accept-Encoding": "gzip", "X-CSRFToken": token})
                started = time.perf_counter()
                try:
                    browser.open(request, timeout=60).read()
                except OSError as error:
                    with lock:
                        errors.append(str(error))
                    continue
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)

        threads = [threading.Thread(target=user, args=(number,)) for number in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        pages_answer = all(urllib.request.urlopen(url + path, timeout=60).status == 200
                           for path in ("/", "/export/presence.csv?level=1", "/export/gaps.csv?level=2"))
        rss = max([peak_rss_mb(pid) for pid in worker_pids(server)] + [peak_rss_mb(server.pid)])
    report(f"{users} users: p95 filter change", percentile(latencies, 0.95), "ms", size,
           "load_p95_ms" if budget else None,
           f"median {statistics.median(latencies):,.0f} ms, {len(latencies)} requests, {len(errors)} errors")
    report("server peak RSS (largest gunicorn process)", rss, "MB", size, "rss_mb",
           "pages answer" if pages_answer else "A PAGE DID NOT ANSWER")


# --- all --------------------------------------------------------------------------------------------------------

def run(sizes: list[int], database_url: str | None, users: int, repeats: int) -> None:
    settings = get_settings()
    started = time.perf_counter()
    backend = make_url(database_url).get_backend_name() if database_url else "sqlite"
    print(f"Mali 3W dashboard benchmark, {backend}, sizes {', '.join(f'x{s}' for s in sizes)}", flush=True)
    print("load average at the start (1, 5, 15 min): " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
          + f" on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="mali3w-bench-") as folder:
        folder = Path(folder)
        bench_import(settings.data_mirror, database_url, folder)
        for scale in sizes:
            size = f"x{scale}"
            with fresh_database(database_url, f"mali3w_bench_x{scale}", folder) as url:
                store = build_store(url, scale, settings.data_mirror, folder / "geo")
                bench_against_pandas(store, size)
                bench_callbacks(store, size, repeats)
                if scale == sizes[0]:
                    with production_server(store) as (base_url, _server):
                        bench_first_view(base_url, store)
                bench_load(store, size, users, requests_per_user=15)
                if scale == sizes[-1]:
                    bench_load(store, size, 50, requests_per_user=10, budget=False)
    print("load average at the end (1, 5, 15 min): " + ", ".join(f"{value:.2f}" for value in os.getloadavg()),
          flush=True)
    print(f"benchmark finished in {time.perf_counter() - started:,.0f} s (budget: 12 minutes)", flush=True)


def main(argv: list[str] | None = None, runner: Callable = run) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m dashboard bench", description=__doc__)
    parser.add_argument("--sizes", default="1,10,100", help="multiples of the real volume (default 1,10,100)")
    parser.add_argument("--database-url", help="a PostgreSQL server URL to run against (default: SQLite files)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=10, help="rounds of filter changes per callback")
    args = parser.parse_args(argv)
    runner([int(size) for size in args.sizes.split(",")], args.database_url, args.users, args.repeats)
    return 0
