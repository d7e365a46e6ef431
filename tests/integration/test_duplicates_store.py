"""The duplicate review queue in the store (SQLite and PostgreSQL): decisions, and the real sample.

On the real December 2023 Mali 3W the expected duplicate groups are computed again with pandas from the
raw workbook, independently of the importer and of :mod:`dashboard.analysis.duplicates`.
"""

from datetime import date, datetime, timezone

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.analysis.duplicates import duplicate_groups, pending_groups
from dashboard.config import BOUNDARY_VERSION
from dashboard.ingest.importer import import_3w
from dashboard.store.duplicate_decisions import decision_frame, duplicate_records_frame, record_decision
from dashboard.store.models import Activity, DuplicateDecision, ImportBatch, Organisation
from dashboard.store.queries import admin_unit_frame
from tests.independent import folded, organisation_labels


def add_batch(session, period, file_name):
    batch = ImportBatch(kind="3w", file_name=file_name, sha256=file_name.ljust(64, "0")[:64], period=period,
                        boundary_version=BOUNDARY_VERSION, imported_at=datetime.now(timezone.utc), rows_read=0,
                        rows_accepted=0, rows_rejected=0, column_mapping={})
    session.add(batch)
    session.flush()
    return batch.id


def add_activity(session, batch_id, source_row, org, sector, text, pcode, partner=None, start=None, end=None):
    row = Activity(batch_id=batch_id, source_row=source_row, organisation_id=org, implementing_partner_id=partner,
                   sector_code=sector, activity=text, location_level=3, pcode=pcode, adm1_pcode=pcode[:4],
                   adm2_pcode=pcode[:6], adm3_pcode=pcode, start_date=start, end_date=end)
    session.add(row)
    session.flush()
    return row.id


def test_decisions_hide_a_group_until_a_new_record_joins(prepared_engine):
    with Session(prepared_engine) as session, session.begin():
        unicef = Organisation(acronym="UNICEF", name="UNICEF", org_type="un_agency", scope="international")
        amss = Organisation(acronym="AMSS", name="AMSS", org_type="ngo_national", scope="national")
        session.add_all([unicef, amss])
        session.flush()
        first = add_batch(session, "2023-12", "unicef_3w_2023_12.xlsx")
        # UNICEF reports AMSS's distribution; AMSS reports it too (no dates: same reporting period overlaps)
        a1 = add_activity(session, first, 3, unicef.id, "education", "Kits scolaires", "ML050201", partner=amss.id,
                          start=date(2023, 10, 1), end=date(2023, 12, 31))
        a2 = add_activity(session, first, 4, amss.id, "education", "kits  SCOLAIRES", "ML050201")
        add_activity(session, first, 5, amss.id, "health", None, "ML050201")
        amss_id = amss.id

    records = duplicate_records_frame(prepared_engine)
    assert len(records) == 3
    first_row = records.set_index("activity_id").loc[a1]
    assert (first_row["implementing_partner_id"], first_row["period"]) == (amss_id, "2023-12")
    assert first_row["start_date"] == pd.Timestamp("2023-10-01") and first_row["end_date"] == pd.Timestamp("2023-12-31")
    assert pd.isna(records.set_index("activity_id").loc[a2, "start_date"])

    groups = duplicate_groups(records)
    assert groups[["activity_ids", "kind", "organisation_id"]].values.tolist() == [
        [[a1, a2], "funder_and_implementer", amss_id]]
    key = groups["group_key"].item()
    assert pending_groups(groups, decision_frame(prepared_engine)).equals(groups)

    decision_id = record_decision(prepared_engine, key, [a2, a1], "keep_both", "imo@ocha",
                                  note="two reports of one distribution")
    stored = decision_frame(prepared_engine)
    assert stored[["group_key", "decision", "activity_ids", "decided_by", "note"]].values.tolist() == [
        [key, "keep_both", [a1, a2], "imo@ocha", "two reports of one distribution"]]
    assert stored["decided_at"].notna().all()
    assert pending_groups(groups, stored).empty

    # deciding again replaces the decision (one row per group key)
    assert record_decision(prepared_engine, key, [a1, a2], "merge", "imo2") == decision_id
    with Session(prepared_engine) as session:
        assert session.scalar(select(func.count()).select_from(DuplicateDecision)) == 1
    replaced = decision_frame(prepared_engine)
    assert replaced[["decision", "decided_by", "note"]].values.tolist() == [["merge", "imo2", None]]
    with pytest.raises(ValueError):
        record_decision(prepared_engine, key, [a1, a2], "delete", "imo")
    with pytest.raises(ValueError):
        record_decision(prepared_engine, "not-a-key", [a1, a2], "merge", "imo")

    # a second file of the same period reports the same work again: same group key, one record more
    with Session(prepared_engine) as session, session.begin():
        second = add_batch(session, "2023-12", "amss_3w_2023_12.xlsx")
        a4 = add_activity(session, second, 3, amss_id, "education", "Kits scolaires", "ML050201")
    groups = duplicate_groups(duplicate_records_frame(prepared_engine))
    assert groups[["group_key", "activity_ids", "batches"]].values.tolist() == [[key, [a1, a2, a4], [first, second]]]
    pending = pending_groups(groups, decision_frame(prepared_engine))
    assert pending["activity_ids"].tolist() == [[a1, a2, a4]]
    record_decision(prepared_engine, key, [a1, a2, a4], "keep_both", "imo")
    assert pending_groups(groups, decision_frame(prepared_engine)).empty


# ---------------------------------------------------------------------------------------------------------
# The real sample: 24,088 rows without activity text, dates or partners, so a group there is two rows or more
# of the same canonical organisation, sector and place in the one reporting period: "cannot tell" groups.
# ---------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def raw_sample(sample_path):
    """The ML_5W sheet with, per row, its Excel row number and its canonical organisation label."""
    frame = pd.read_excel(sample_path, sheet_name="ML_5W", engine="calamine", header=0, skiprows=[1], dtype=str)
    # Excel row 1 holds the headers, row 2 the HXL tags: data row i (0-based) is Excel row i + 3, which is what
    # the importer stores as source_row (test_import_sample checks row 96 against frame.iloc[93]).
    frame["source_row"] = frame.index + 3
    # Canonical organisations: acronyms equal once folded, or names equal once folded, are one organisation.
    frame["org"] = organisation_labels(frame)
    assert frame["org"].nunique() == 154
    # The file's 8 cluster spellings name 8 different sectors, so the raw text is a sector key as good as a code.
    frame["sector"] = folded(frame["Cluster"])
    assert frame["sector"].nunique() == 8
    # A commune code that does not lie in the row's cercle (P-codes nest by prefix: ML050201 is in ML0502):
    # the importer may replace it (namesake repair), so these rows are the ones its corrections can affect.
    frame["affected"] = frame["admin3Pcod"].notna() & (frame["admin3Pcod"].str[:6] != frame["admin2Pcod"])
    assert frame["affected"].sum() == 707
    frame["raw_place"] = frame["admin3Pcod"].fillna(frame["admin2Pcod"])   # the finest code given
    return frame


def _groups_as_source_rows(frame: pd.DataFrame, place: str) -> set[frozenset[int]]:
    rows = frame.groupby(["org", "sector", place])["source_row"].agg(frozenset)
    return {group for group in rows if len(group) >= 2}


@pytest.fixture
def sample_groups(prepared_engine, sample_path):
    """The sample imported (the importer canonicalises organisations and repairs places), and its groups."""
    import_3w(prepared_engine, sample_path, period="2023-12")
    records = duplicate_records_frame(prepared_engine)
    assert len(records) == 24088
    return duplicate_groups(records), dict(zip(records["activity_id"], records["source_row"]))


def test_real_sample_duplicates(prepared_engine, sample_groups, raw_sample):
    """Both checks on one import per back end (the import takes most of the time)."""
    groups, source_row = sample_groups
    _check_keys_the_corrections_cannot_touch(groups, source_row, raw_sample)
    _check_all_groups_with_the_repair_written_again(prepared_engine, groups, source_row, raw_sample)


def _check_keys_the_corrections_cannot_touch(groups, source_row, frame):
    # Keys (organisation, sector, place) an affected row may land on: its own commune code (kept), or any
    # commune of its stated cercle (repaired). Groups on these keys are left out on both sides; on every
    # other key the stored place is the raw finest code, untouched by any correction.
    affected = frame[frame["affected"]]
    touched_codes = affected[["org", "sector", "admin3Pcod"]].rename(columns={"admin3Pcod": "code"})
    touched_cercles = affected[["org", "sector", "admin2Pcod"]].drop_duplicates()

    def untouched(rows: pd.DataFrame, place: str) -> pd.Series:
        keys = rows[["org", "sector", place]].rename(columns={place: "code"})
        by_code = keys.merge(touched_codes.drop_duplicates().assign(hit=True), how="left",
                             on=["org", "sector", "code"])["hit"].notna().to_numpy()
        in_cercle = keys.assign(admin2Pcod=keys["code"].str[:6].where(keys["code"].str.len() == 8)).merge(
            touched_cercles.assign(hit=True), how="left", on=["org", "sector", "admin2Pcod"])["hit"].notna().to_numpy()
        return pd.Series(~(by_code | in_cercle), index=rows.index)

    clean = frame[~frame["affected"]]
    expected = _groups_as_source_rows(clean[untouched(clean, "raw_place")], "raw_place")

    by_row = frame.set_index("source_row")
    found = set()
    for ids in groups["activity_ids"]:
        rows = by_row.loc[[source_row[i] for i in ids]]
        if not rows["affected"].any() and untouched(rows, "raw_place").all():
            found.add(frozenset(rows.index))
    assert found == expected
    # of the 1,884 groups, 234 hold an affected row or lie on a key an affected row could land on
    assert len(expected) == 1650


def compact(series: pd.Series) -> pd.Series:
    return folded(series).str.replace(r"[^0-9a-z]", "", regex=True)


def _check_all_groups_with_the_repair_written_again(engine, groups, source_row, raw_sample):
    frame = raw_sample.copy()
    # The namesake repair, written again from its rule: a commune code outside the stated cercle is replaced
    # by the commune of the row's commune name in that cercle when the cercle lies in the stated region, the
    # row names the commune, and the cercle has exactly one commune of that name (spaces and accents aside).
    units = admin_unit_frame(engine, BOUNDARY_VERSION)
    communes = units[units["level"] == 3].assign(name=lambda u: compact(u["name_fr"]))
    region_of = dict(zip(units["pcode"], units["parent_pcode"]))
    candidates = (communes.groupby(["parent_pcode", "name"])["pcode"].agg(["size", "first"]).reset_index()
                  .rename(columns={"parent_pcode": "admin2Pcod", "name": "commune_name"}))
    rows = frame[frame["affected"]].assign(commune_name=lambda f: compact(f["Commune"]))
    rows = rows.reset_index().merge(candidates, on=["admin2Pcod", "commune_name"], how="left").set_index("index")
    repaired = (rows["Commune"].notna() & (rows["size"] == 1)
                & (rows["admin2Pcod"].map(region_of) == rows["admin1Pcod"]))
    assert repaired.sum() == 214   # 214 rows repaired; the other 493 affected rows keep their commune code
    frame["place"] = frame["raw_place"]
    frame.loc[repaired[repaired].index, "place"] = rows.loc[repaired, "first"]
    expected = _groups_as_source_rows(frame, "place")

    found = {frozenset(source_row[i] for i in ids) for ids in groups["activity_ids"]}
    assert found == expected
    assert len(groups) == 1884 and groups["count"].sum() == sum(map(len, expected))
    # no row of the sample has an activity or dates: every group is "cannot tell", none is proposed
    assert set(groups["kind"]) == {"cannot_tell"} and groups["group_key"].is_unique
