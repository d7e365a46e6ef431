"""Two users importing at the same moment (SQLite and PostgreSQL): nothing lost, mixed or stored twice.

Each test starts two threads on a :class:`threading.Barrier` so that both call ``import_3w`` together. The
expected rows of each small workbook are worked out by hand from the rows written below.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.ingest import importer
from dashboard.ingest.importer import ImportResult, import_3w
from dashboard.store.models import Activity, ImportBatch, OrgAlias, Organisation, RejectedRow
from tests.workbooks import write_workbook

HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod",
           "admin3Pcod", "Commune", "Cluster"]
HXL = ["#org+acronym", "#org+name", "#org+type", "#adm1+code", "#adm2+code", "#adm3+code", None, "#sector"]
NRC = ["NRC", "Norwegian Refugee Council", "ONG Int"]
AMSS = ["AMSS", "Association Malienne pour la Survie au Sahel", "ONG Nat"]
IRC = ["IRC", "International Rescue Committee", "ONG Int"]
DRC = ["DRC", "Danish Refugee Council", "ONG Int"]
SOURCE = "OCHA Mali"

# March: rows 3-6 of the sheet (header row 1, HXL row 2); row 5 names a cercle that does not exist.
MARCH = [
    [*NRC, "ML05", "ML0502", "ML050202", "Baye", "Protection"],  # row 3: accepted, commune of Bankass
    [*AMSS, "ML06", "ML0601", None, None, "EHA"],  # row 4: accepted, cercle level
    ["CRS", "Catholic Relief Services", "ONG Int", "ML05", "ML0599", None, None, "Santé"],  # row 5: rejected
    [*NRC, "ML05", "ML0502", None, None, "Santé"],  # row 6: accepted, cercle level
]
#: (source row, acronym, sector, place) of the rows March must hold, and how many it rejects
MARCH_ACCEPTED = {(3, "NRC", "protection", "ML050202"), (4, "AMSS", "wash", "ML0601"), (6, "NRC", "health", "ML0502")}
MARCH_REJECTED = 1

# June: shares NRC with March (one organisation must be created once), adds IRC and DRC.
JUNE = [
    [*NRC, "ML05", "ML0502", "ML050202", "Baye", "Santé"],  # row 3: accepted
    [*IRC, "ML07", "ML0702", "ML070201", "Bamba", "Santé"],  # row 4: accepted, Bamba of Bourem (Gao)
    [None, None, "ONG Int", "ML05", "ML0502", None, None, "Santé"],  # row 5: rejected, no organisation
    [*AMSS, "ML06", "ML0601", None, None, "Astronomie"],  # row 6: rejected, unknown sector
    [*DRC, "ML05", "ML0502", None, None, "Protection"],  # row 7: accepted
    [*IRC, "ML07", "ML0702", None, None, "EHA"],  # row 8: accepted
]
JUNE_ACCEPTED = {(3, "NRC", "health", "ML050202"), (4, "IRC", "health", "ML070201"), (7, "DRC", "protection", "ML0502"),
                 (8, "IRC", "wash", "ML0702")}
JUNE_REJECTED = 2

# A corrected March file of the same source: one row, DRC instead of the earlier rows.
MARCH_CORRECTED = [[*DRC, "ML05", "ML0502", None, None, "Protection"]]
MARCH_CORRECTED_ACCEPTED = {(3, "DRC", "protection", "ML0502")}


def workbook(folder: Path, name: str, rows: list[list]) -> Path:
    return write_workbook(folder / name, {"ML_5W": [HEADERS, HXL, *rows]})


def at_the_same_moment(*calls: Callable[[], ImportResult]) -> list[ImportResult]:
    """Run each call in its own thread, released together by a barrier; re-raise the first failure."""
    barrier = threading.Barrier(len(calls))
    results: list[ImportResult | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], ImportResult]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - handed to the test thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an import did not finish"
    if errors:
        raise errors[0]
    return results  # type: ignore[return-value]


@pytest.fixture
def slow_commit(monkeypatch):
    """Hold each import open a moment after its checks (as a large file does), so that without
    serialisation the second import would decide on what it read before the first committed."""
    remove_earlier = importer._remove_earlier_import

    def remove_then_wait(*args, **kwargs):
        removed = remove_earlier(*args, **kwargs)
        time.sleep(0.3)
        return removed

    monkeypatch.setattr(importer, "_remove_earlier_import", remove_then_wait)


def stored_rows(engine: Engine, batch_id: int) -> set[tuple[int, str, str, str]]:
    with Session(engine) as session:
        return set(session.execute(
            select(Activity.source_row, Organisation.acronym, Activity.sector_code, Activity.pcode)
            .join(Organisation, Organisation.id == Activity.organisation_id)
            .where(Activity.batch_id == batch_id)).all())


def rejected_count(engine: Engine, batch_id: int) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(RejectedRow).where(RejectedRow.batch_id == batch_id))


def batches(engine: Engine) -> list[tuple[int, str, str | None, int]]:
    with Session(engine) as session:
        return session.execute(select(ImportBatch.id, ImportBatch.period, ImportBatch.source,
                                      ImportBatch.rows_accepted).order_by(ImportBatch.id)).all()


def count(engine: Engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_two_imports_at_once_keep_each_its_own_rows(prepared_engine, tmp_path, slow_commit):
    march, june = workbook(tmp_path, "march.xlsx", MARCH), workbook(tmp_path, "june.xlsx", JUNE)
    first, second = at_the_same_moment(
        lambda: import_3w(prepared_engine, march, period="2024-03", source=SOURCE, imported_by="user one"),
        lambda: import_3w(prepared_engine, june, period="2024-06", source=SOURCE, imported_by="user two"))

    assert (first.rows_accepted, first.rows_rejected) == (len(MARCH_ACCEPTED), MARCH_REJECTED)
    assert (second.rows_accepted, second.rows_rejected) == (len(JUNE_ACCEPTED), JUNE_REJECTED)
    assert first.replaced_batch_id is None and second.replaced_batch_id is None  # different periods
    assert batches(prepared_engine) == sorted([(first.batch_id, "2024-03", SOURCE, 3), (second.batch_id, "2024-06", SOURCE, 4)])
    assert stored_rows(prepared_engine, first.batch_id) == MARCH_ACCEPTED
    assert stored_rows(prepared_engine, second.batch_id) == JUNE_ACCEPTED
    assert rejected_count(prepared_engine, first.batch_id) == MARCH_REJECTED
    assert rejected_count(prepared_engine, second.batch_id) == JUNE_REJECTED
    assert count(prepared_engine, Activity) == 3 + 4
    # NRC is in both files and AMSS is accepted only in March: NRC, AMSS, IRC, DRC, each created once
    with Session(prepared_engine) as session:
        acronyms = sorted(session.scalars(select(Organisation.acronym)))
        assert acronyms == ["AMSS", "DRC", "IRC", "NRC"]
        aliases = session.scalars(select(OrgAlias.alias)).all()
        assert len(aliases) == len(set(aliases))


def test_reimporting_while_another_user_imports_changes_nothing(prepared_engine, tmp_path, slow_commit):
    march, june = workbook(tmp_path, "march.xlsx", MARCH), workbook(tmp_path, "june.xlsx", JUNE)
    march_first = import_3w(prepared_engine, march, period="2024-03", source=SOURCE)

    again, june_first = at_the_same_moment(
        lambda: import_3w(prepared_engine, march, period="2024-03", source=SOURCE),
        lambda: import_3w(prepared_engine, june, period="2024-06", source=SOURCE))
    assert again.already_imported and again.batch_id == march_first.batch_id
    assert not june_first.already_imported

    both_again = at_the_same_moment(
        lambda: import_3w(prepared_engine, march, period="2024-03", source=SOURCE),
        lambda: import_3w(prepared_engine, june, period="2024-06", source=SOURCE))
    assert [(r.already_imported, r.batch_id) for r in both_again] == [(True, march_first.batch_id),
                                                                       (True, june_first.batch_id)]
    assert batches(prepared_engine) == [(march_first.batch_id, "2024-03", SOURCE, 3),
                                        (june_first.batch_id, "2024-06", SOURCE, 4)]
    assert stored_rows(prepared_engine, march_first.batch_id) == MARCH_ACCEPTED
    assert stored_rows(prepared_engine, june_first.batch_id) == JUNE_ACCEPTED
    assert count(prepared_engine, Activity) == 3 + 4


def test_two_files_for_one_period_and_source_leave_exactly_one_import(prepared_engine, tmp_path, slow_commit):
    march = workbook(tmp_path, "march.xlsx", MARCH)
    corrected = workbook(tmp_path, "march_corrected.xlsx", MARCH_CORRECTED)
    one, other = at_the_same_moment(
        lambda: import_3w(prepared_engine, march, period="2024-03", source=SOURCE),
        lambda: import_3w(prepared_engine, corrected, period="2024-03", source=SOURCE))

    # whichever committed second replaced the first: one result names the other's batch as replaced
    later, earlier = (one, other) if one.replaced_batch_id is not None else (other, one)
    assert earlier.replaced_batch_id is None
    assert later.replaced_batch_id == earlier.batch_id
    kept = [(later.batch_id, "2024-03", SOURCE, later.rows_accepted)]
    assert batches(prepared_engine) == kept
    expected = MARCH_ACCEPTED if later is one else MARCH_CORRECTED_ACCEPTED
    assert stored_rows(prepared_engine, later.batch_id) == expected
    assert count(prepared_engine, Activity) == len(expected)
    assert later.changes["rows_before"] == len(MARCH_CORRECTED_ACCEPTED if later is one else MARCH_ACCEPTED)
    assert later.changes["rows_after"] == len(expected)


def test_the_same_new_file_sent_twice_at_once_is_stored_once(prepared_engine, tmp_path, slow_commit):
    june = workbook(tmp_path, "june.xlsx", JUNE)
    results = at_the_same_moment(lambda: import_3w(prepared_engine, june, period="2024-06"),
                                 lambda: import_3w(prepared_engine, june, period="2024-06"))
    assert sorted(result.already_imported for result in results) == [False, True]
    assert results[0].batch_id == results[1].batch_id
    assert batches(prepared_engine) == [(results[0].batch_id, "2024-06", None, 4)]
    assert stored_rows(prepared_engine, results[0].batch_id) == JUNE_ACCEPTED
