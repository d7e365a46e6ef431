"""Shared fixtures: the data mirror, and databases on SQLite and on PostgreSQL.

PostgreSQL is required, not optional: the store is tested on both back ends. The server is named by
``TEST_POSTGRES_URL`` (default: the local server, database ``test``); each test run creates its own
database there and drops it at the end.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from dashboard.config import Settings, get_settings
from dashboard.domain.roles import SYSTEM
from dashboard.setup import prepare_database
from dashboard.store.database import make_engine

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SAMPLE_RELATIVE = Path("ocha_mli_3w_2023_12") / "operational_presence_mli_mali_3w_december_2023.xlsx"


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = get_settings().data_mirror
    if not (path / "ocha_cod_ab_mli_2021").is_dir():
        pytest.skip(f"data mirror not found at {path} (set MALI3W_DATA_MIRROR)")
    return path


@pytest.fixture(scope="session")
def sample_path(mirror: Path) -> Path:
    return mirror / SAMPLE_RELATIVE


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    engine = create_engine(url)
    try:
        with engine.connect():
            pass
    except Exception as error:  # a missing server is a failure, never a skip
        pytest.fail(f"PostgreSQL is required for the store tests and is not reachable at {url}: {error}")
    finally:
        engine.dispose()
    return url


def _fresh_postgres_database(server_url: str) -> tuple[str, callable]:
    name = f"mali3w_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path):
    """An engine on an empty database, once per back end."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
        yield engine
        engine.dispose()
        return
    url, drop = _fresh_postgres_database(request.getfixturevalue("postgres_server_url"))
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop()


@pytest.fixture
def prepared_engine(empty_engine, mirror, tmp_path):
    """A migrated database with sectors and the 2021 boundary hierarchy, once per back end."""
    settings = Settings(data_mirror=mirror, geo_dir=tmp_path / "geo", database_url=str(empty_engine.url))
    prepare_database(empty_engine, settings)
    return empty_engine


@pytest.fixture(scope="session")
def sample_settings(mirror, tmp_path_factory) -> Settings:
    """Settings of an installation set up as `make run` does: SQLite, geometry built, the real sample imported."""
    from dashboard.setup import setup
    folder = tmp_path_factory.mktemp("installation")
    settings = Settings(data_mirror=mirror, geo_dir=folder / "geo", database_url=f"sqlite:///{folder / 'db.sqlite'}",
                        secret_key_file=folder / "secret_key")
    engine = make_engine(settings.database_url)
    setup(engine, settings)
    engine.dispose()
    return settings


#: the password of every test account
TEST_PASSWORD = "a long test password"


@pytest.fixture(scope="session")
def sample_accounts(sample_settings) -> dict[str, str]:
    """One account per role in the sample installation: role -> user name. The partner focal point is bound
    to SIF (Secours Islamique France), the coordinator to the WASH cluster."""
    from dashboard.security.accounts import create_account
    engine = make_engine(sample_settings.database_url)
    accounts = {"imo": "imo.test", "coordinator": "coord.wash", "partner": "focal.sif"}
    create_account(engine, accounts["imo"], TEST_PASSWORD, "imo")
    create_account(engine, accounts["coordinator"], TEST_PASSWORD, "coordinator", sectors=("wash",))
    create_account(engine, accounts["partner"], TEST_PASSWORD, "partner", organisation="SIF")
    engine.dispose()
    return accounts


def sample_copy(sample_settings: Settings, folder: Path) -> tuple[Settings, Engine]:
    """A copy of the sample installation's database in ``folder`` (for tests that change what it holds, so
    the others keep the sample as it is): the settings that serve it and an engine on it (dispose it)."""
    import dataclasses
    import sqlite3
    copy = folder / "db.sqlite"
    with sqlite3.connect(make_url(sample_settings.database_url).database) as original, sqlite3.connect(copy) as target:
        original.backup(target)
    settings = dataclasses.replace(sample_settings, database_url=f"sqlite:///{copy}")
    return settings, make_engine(settings.database_url)


@pytest.fixture(scope="session")
def sample_data(sample_settings):
    """The sample installation's data as the dashboard reads it (with the store, for what reads it on demand)."""
    from dashboard.reports.snapshot import DashboardData, food_insecurity_of, incidents_of
    engine = make_engine(sample_settings.database_url)
    return DashboardData(engine, food_insecurity=food_insecurity_of(sample_settings, engine),
                         incidents=incidents_of(sample_settings))


@pytest.fixture(scope="session")
def sample_snapshot(sample_data):
    return sample_data.snapshot(SYSTEM)
