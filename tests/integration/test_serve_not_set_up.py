"""`python -m dashboard serve` (and `create_app`, which gunicorn's `app:server` calls) on a database it cannot serve
ends with one sentence saying what to run, never a traceback: an empty SQLite file, a server that does not answer,
a database migrated but holding no boundaries, one set up by an older version (the command then names the
installation's own country)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, text

from dashboard import cli
from dashboard.app_factory import NotSetUp, create_app
from dashboard.config import Settings
from dashboard.store.database import make_engine, migrate
from dashboard.store.models import AdminUnit

SETUP = "`python -m dashboard setup`"


def serve(monkeypatch, tmp_path, capsys, url: str, command: tuple[str, ...] = ("serve", "--port", "0")) -> tuple[int, str]:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MALI3W_GEO_DIR", str(tmp_path / "geo"))
    monkeypatch.setenv("MALI3W_CACHE_DIR", str(tmp_path / "cache"))
    code = cli.main(list(command))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def one_sentence(said: str) -> str:
    lines = said.strip().splitlines()
    assert len(lines) == 1, said
    assert "Traceback" not in said
    return lines[0]


def test_an_empty_sqlite_file_says_to_run_setup(monkeypatch, tmp_path, capsys):
    (tmp_path / "empty.sqlite").touch()
    code, said = serve(monkeypatch, tmp_path, capsys, f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert code == 2
    sentence = one_sentence(said)
    assert "is not set up" in sentence and SETUP in sentence and "--country NER" in sentence


def test_a_server_that_does_not_answer_says_so_without_its_password(monkeypatch, tmp_path, capsys):
    # nothing listens on port 1 of this machine
    code, said = serve(monkeypatch, tmp_path, capsys, "postgresql+psycopg://someone:hunter2@127.0.0.1:1/mali3w")
    assert code == 2
    sentence = one_sentence(said)
    assert "cannot be reached" in sentence and "check DATABASE_URL" in sentence
    assert "hunter2" not in sentence


def test_a_database_without_boundaries_says_to_run_setup(monkeypatch, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    code, said = serve(monkeypatch, tmp_path, capsys, url)
    assert code == 2
    assert "holds no boundaries" in one_sentence(said)


def test_an_older_niger_installation_is_told_its_own_setup_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'older.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(insert(AdminUnit), [{"boundary_version": "cod-ab-ner-2023", "pcode": "NE", "level": 0,
                                                "name_fr": "Niger", "parent_pcode": None}])
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    engine.dispose()
    settings = Settings(data_mirror=tmp_path, database_url=url, geo_dir=tmp_path / "geo", cache_dir=tmp_path / "cache",
                        secret_key_file=tmp_path / "secret_key")
    with pytest.raises(NotSetUp, match=r"older version .* `python -m dashboard setup --country NER`"):
        create_app(settings)


@pytest.mark.parametrize("kind", ["empty", "unreachable"])
def test_the_import_worker_says_the_same_sentence(monkeypatch, tmp_path, capsys, kind):
    if kind == "empty":
        (tmp_path / "empty.sqlite").touch()
        url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    else:
        url = "postgresql+psycopg://someone:secret@127.0.0.1:1/nowhere"
    code, said = serve(monkeypatch, tmp_path, capsys, url, ("worker",))
    sentence = one_sentence(said)
    assert code == 2 and sentence.startswith("worker: The database") and "secret" not in sentence
    assert SETUP in sentence or "cannot be reached" in sentence
