"""Duplicate records on hand-made fixtures: what is the same work, and when it comes back for review."""

import hashlib
import json

import pandas as pd
import pytest

from dashboard.analysis.duplicates import duplicate_groups, pending_groups
from dashboard.domain.frames import RECORD_COLUMNS

PERIOD_OF_BATCH = {1: "2023-09", 2: "2023-12"}
# organisations: 1 NRC, 2 AMSS, 3 PAM, 4 UNICEF


def record(activity_id, batch, org, sector, activity, pcode, start=None, end=None, partner=None, funder=None):
    return {"activity_id": activity_id, "batch_id": batch, "period": PERIOD_OF_BATCH[batch],
            "source_row": activity_id + 2, "organisation_id": org, "implementing_partner_id": partner,
            "funder": funder, "sector_code": sector, "activity": activity, "pcode": pcode,
            "start_date": pd.Timestamp(start) if start else None, "end_date": pd.Timestamp(end) if end else None}


RECORDS = pd.DataFrame([
    # A: NRC, wash, same text up to case/spacing, same commune, September file, no dates -> within_file
    record(1, 1, 1, "wash", "Forage de puits", "ML050101"),
    record(2, 1, 1, "wash", "  forage  de PUITS ", "ML050101"),
    record(3, 2, 1, "wash", "Forage de puits", "ML050101"),      # December, undated: not September's period
    record(4, 2, 1, "wash", "Forage de puits", "ML0501"),        # the cercle is another place than its commune
    # B: AMSS, health, missing activity (None and blank), no dates -> cannot_tell (a period is no evidence);
    #    a named activity is not missing
    record(5, 2, 2, "health", None, "ML050101"),
    record(6, 2, 2, "health", "   ", "ML050101"),
    record(7, 2, 2, "health", "Consultations", "ML050101"),
    # C: PAM, dated: Jul-Sep (Sept file) overlaps Sep 15-Dec 31 (Dec file), which touches Dec 31-Mar 31 on
    #    Dec 31 (ends included): one group by chain even though 8 and 10 do not overlap -> across_files
    record(8, 1, 3, "food_security", "Distribution", "ML050102", "2023-07-01", "2023-09-30"),
    record(9, 2, 3, "food_security", "Distribution", "ML050102", "2023-09-15", "2023-12-31"),
    record(10, 2, 3, "food_security", "Distribution", "ML050102", "2023-12-31", "2024-03-31"),
    record(11, 2, 3, "food_security", "Distribution", "ML050102", "2024-06-01", "2024-06-30"),  # after: alone
    # D: UNICEF reports AMSS as implementing partner, AMSS reports the same work -> funder_and_implementer
    record(12, 2, 4, "education", "Kits scolaires", "ML050201", partner=2, funder="ECHO"),
    record(13, 2, 2, "education", "Kits scolaires", "ML050201"),
    record(14, 2, 4, "education", "Kits scolaires", "ML050201", partner=1),  # NRC's work, not AMSS's
    record(15, 2, 4, "education", "Kits scolaires", "ML050201"),             # UNICEF's own work
])


def by_ids(groups):
    return {tuple(ids): row for ids, row in zip(groups["activity_ids"], groups.to_dict("records"))}


def test_groups_found_by_hand():
    groups = duplicate_groups(RECORDS)
    assert list(groups.columns[:5]) == ["group_key", "activity_ids", "count", "batches", "kind"]
    found = by_ids(groups)
    # Worked out in the comments of RECORDS: A {1,2}, B {5,6}, C {8,9,10}, D {12,13}; 3, 4, 7, 11, 14, 15 alone.
    assert set(found) == {(1, 2), (5, 6), (8, 9, 10), (12, 13)}
    assert {ids: (row["count"], row["batches"], row["kind"]) for ids, row in found.items()} == {
        (1, 2): (2, [1], "within_file"),
        (5, 6): (2, [2], "cannot_tell"),
        (8, 9, 10): (3, [1, 2], "across_files"),
        (12, 13): (2, [2], "funder_and_implementer"),
    }
    # largest first
    assert groups["count"].tolist() == [3, 2, 2, 2]
    assert found[(12, 13)]["organisation_id"] == 2          # the implementer, AMSS
    assert found[(12, 13)]["reported_by"] == [2, 4]
    assert found[(5, 6)]["activity"] is None
    assert found[(1, 2)]["activity"] == "Forage de puits"
    assert found[(8, 9, 10)]["periods"] == ["2023-09", "2023-12"]


def test_group_key_is_sha256_of_what_the_group_was_found_for():
    groups = by_ids(duplicate_groups(RECORDS))
    for row in groups.values():
        assert len(row["group_key"]) == 64 and int(row["group_key"], 16) >= 0
    # [organisation doing the work, sector, folded activity, place, earliest undated period, earliest start]
    expected = {(1, 2): [1, "wash", "forage de puits", "ML050101", "2023-09", None],
                (5, 6): [2, "health", None, "ML050101", "2023-12", None],
                (8, 9, 10): [3, "food_security", "distribution", "ML050102", None, "2023-07-01"]}
    for ids, payload in expected.items():
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        assert groups[ids]["group_key"] == hashlib.sha256(text.encode()).hexdigest()
    assert len({row["group_key"] for row in groups.values()}) == 4


def test_group_key_survives_new_ids_order_and_spelling():
    # The same records imported again get new ids, may come in another order and another spelling.
    again = RECORDS.assign(activity_id=RECORDS["activity_id"] + 1000).iloc[::-1]
    again.loc[again["activity"] == "Forage de puits", "activity"] = "FORAGE DE PUITS"
    keys = set(duplicate_groups(RECORDS)["group_key"])
    assert set(duplicate_groups(again)["group_key"]) == keys


def test_accents_are_folded_in_activity_text():
    rows = pd.DataFrame([record(1, 2, 1, "health", "Référencement", "ML0501"),
                         record(2, 2, 1, "health", "referencement", "ML0501")])
    assert duplicate_groups(rows)["activity_ids"].tolist() == [[1, 2]]


def test_same_work_at_two_times_forms_two_groups_with_two_keys():
    # Reported twice in September and twice in December, without dates: two groups (periods differ).
    rows = pd.DataFrame([record(1, 1, 1, "wash", "Forage", "ML0501"), record(2, 1, 1, "wash", "Forage", "ML0501"),
                         record(3, 2, 1, "wash", "Forage", "ML0501"), record(4, 2, 1, "wash", "Forage", "ML0501")])
    groups = duplicate_groups(rows)
    assert sorted(groups["activity_ids"].tolist()) == [[1, 2], [3, 4]]
    assert groups["group_key"].nunique() == 2
    assert set(groups["kind"]) == {"within_file"}


def test_undated_rows_overlap_dated_rows_of_their_own_period_only():
    rows = pd.DataFrame([
        record(1, 2, 1, "wash", "Forage", "ML0501"),                              # December, undated
        record(2, 2, 1, "wash", "Forage", "ML0501", "2022-01-01", "2022-02-01"),  # December file, dated
        record(3, 1, 1, "wash", "Forage", "ML0501", "2022-01-15", "2022-03-01"),  # September file, dated
        record(4, 1, 1, "wash", "Forage", "ML0501", "2023-05-01", None),          # partial dates: undated, Sept.
    ])
    # 1-2: same period, one undated -> overlap. 2-3: both dated, ranges overlap -> overlap (chain).
    # 4 is undated in September: it overlaps only rows of September... 3 (dated, September) -> joins.
    groups = duplicate_groups(rows)
    assert groups["activity_ids"].tolist() == [[1, 2, 3, 4]]
    assert groups["kind"].tolist() == ["across_files"]
    # Without 2 and 3, the December and September undated rows do not overlap.
    assert duplicate_groups(rows[rows["activity_id"].isin([1, 4])]).empty


def test_reversed_dates_count_as_undated():
    rows = pd.DataFrame([record(1, 2, 1, "wash", "Forage", "ML0501", "2023-12-31", "2023-01-01"),
                         record(2, 2, 1, "wash", "Forage", "ML0501", "2020-01-01", "2020-01-31")])
    # 1 is undated (end before start) and overlaps 2, dated, of the same reporting period.
    assert duplicate_groups(rows)["activity_ids"].tolist() == [[1, 2]]


def test_partner_equal_to_the_reporting_organisation_is_no_partner():
    rows = pd.DataFrame([record(1, 2, 2, "health", None, "ML0501", partner=2),
                         record(2, 2, 2, "health", None, "ML0501")])
    groups = duplicate_groups(rows)
    assert groups[["activity_ids", "kind"]].values.tolist() == [[[1, 2], "cannot_tell"]]


def test_rows_without_activity_are_grouped_by_overlapping_dates_only():
    rows = pd.DataFrame([
        record(1, 2, 1, "wash", None, "ML0501"),                                # undated, no activity
        record(2, 2, 1, "wash", None, "ML0501"),                                # undated, no activity
        record(3, 2, 1, "wash", None, "ML0501", "2023-10-01", "2023-12-31"),    # dated
        record(4, 2, 1, "wash", None, "ML0501", "2023-12-01", "2024-01-31"),    # dated, overlaps 3
        record(5, 2, 1, "wash", None, "ML0501", "2024-06-01", "2024-06-30"),    # dated, overlaps nothing
    ])
    groups = by_ids(duplicate_groups(rows))
    # 3-4: overlapping dates, a finding; 1-2: nothing but the period, counted apart; 3 does not link 1 or 2
    assert {ids: row["kind"] for ids, row in groups.items()} == {(3, 4): "within_file", (1, 2): "cannot_tell"}


def test_no_records_and_no_duplicates():
    empty = duplicate_groups(pd.DataFrame(columns=RECORD_COLUMNS))
    assert empty.empty and list(empty.columns[:5]) == ["group_key", "activity_ids", "count", "batches", "kind"]
    assert duplicate_groups(RECORDS[RECORDS["activity_id"].isin([3, 4, 7])]).empty


def decisions(*rows):
    return pd.DataFrame([{"group_key": key, "activity_ids": ids, "decision": "keep_both"} for key, ids in rows])


def test_pending_groups_hide_decided_groups_until_a_record_joins():
    groups = duplicate_groups(RECORDS)
    keys = {tuple(ids): key for ids, key in zip(groups["activity_ids"], groups["group_key"])}
    assert len(pending_groups(groups, decisions())) == 4
    # A decided on {1,2}, C decided on {8,9} only (10 joined after), D decided on a superset (13 left since)
    pending = pending_groups(groups, decisions((keys[(1, 2)], [2, 1]), (keys[(8, 9, 10)], [8, 9]),
                                               (keys[(12, 13)], [12, 13, 99])))
    assert sorted(pending["activity_ids"].tolist()) == [[5, 6], [8, 9, 10]]
    # A new December record joins A? No: A is September's. A new September record does: A comes back.
    more = pd.concat([RECORDS, pd.DataFrame([record(16, 1, 1, "wash", "forage de puits", "ML050101")])])
    regrouped = duplicate_groups(more)
    assert keys[(1, 2)] in set(regrouped["group_key"])            # same key, one record more
    pending = pending_groups(regrouped, decisions((keys[(1, 2)], [1, 2])))
    assert [1, 2, 16] in pending["activity_ids"].tolist()
    # A decision on an unknown key changes nothing
    assert len(pending_groups(groups, decisions(("0" * 64, [1, 2])))) == 4


@pytest.mark.parametrize("copies", [20])
def test_many_rows_group_by_key(copies):
    # Every record repeated in `copies` batches of the same period: each distinct (organisation, sector,
    # activity, place) is one across-file group, whatever the dates (all the copies of a row overlap).
    rows = pd.concat([RECORDS.assign(activity_id=RECORDS["activity_id"] + 100 * n, batch_id=10 + n, period="2023-12")
                      for n in range(copies)])
    groups = duplicate_groups(rows)
    assert groups["count"].sum() == len(rows)
    assert set(groups["kind"]) <= {"across_files", "funder_and_implementer", "cannot_tell"}
    assert groups.loc[groups["kind"] == "cannot_tell", "count"].tolist() == [2 * copies]  # B's rows, 5 and 6
