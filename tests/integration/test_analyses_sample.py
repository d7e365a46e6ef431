"""The analyses on the real December 2023 Mali 3W, stored on SQLite and on PostgreSQL, against an independent
pandas computation on the raw workbook (and the population check against the raw COD-PS CSV).

How the file side is made comparable to the stored side, without calling the importer:
- Organisations: spellings whose acronyms, or whose names, are equal after case, accent and space folding are
  one organisation (label propagation here; union-find in the importer): 154. Its type is the type most of
  its rows give (4 organisations have mixed types, none tied); its acronym is its most frequent spelling
  (ties: the first met), as the importer stores it.
- Places: the importer takes the finest P-code given and derives cercle and region from the 2021 hierarchy
  (so the 17 rows whose region disagrees with their cercle follow the cercle, and a commune code lying in
  another cercle moves the row there), except for the documented namesake repair: when the commune code
  names a commune of another cercle, and the stated cercle agrees with the stated region and has exactly one
  commune of the row's commune name (case, accents, spaces and punctuation aside), that commune is meant. The
  repair is re-derived below with vectorised pandas from the COD-AB shapefiles, counted (214 rows: 196 true
  namesakes such as Bankass / Baye coded as Baye of Kéniéba, 17 rows Dioïla, Ségou or Koutiala / Diedougou
  coded as Diébougou of Kati, one Djenné / Djenné coded as Mopti) and checked against the repairs the importer
  recorded. Every level (region, cercle, commune) can then be compared
  exactly; the national figures by sector do not depend on places at all.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.analysis.change import net_change_by_unit, presence_change
from dashboard.analysis.gaps import gap_summary, sector_gaps
from dashboard.analysis.overlaps import overlaps
from dashboard.analysis.presence import presence_by_type
from dashboard.config import BOUNDARY_VERSION
from dashboard.geo.boundaries import load_admin_units
from dashboard.geo.population import load_population
from dashboard.ingest.importer import import_3w
from dashboard.store.models import ImportIssue
from dashboard.store.queries import activity_frame, admin_unit_frame, organisation_frame
from tests.independent import placed_rows, read_sample

@pytest.fixture(scope="module")
def units(mirror):
    return load_admin_units(mirror)


@pytest.fixture(scope="module")
def file_rows(sample_path, units):
    """The workbook as one row per 3W row: org (label), acronym, org_type, sector_code, adm1/2/3, level."""
    return placed_rows(read_sample(sample_path), units)


@pytest.fixture
def stored(prepared_engine, sample_path):
    """The sample imported (period 2023-12) and read back: activities, organisations, units, engine."""
    import_3w(prepared_engine, sample_path, period="2023-12")
    return (activity_frame(prepared_engine), organisation_frame(prepared_engine),
            admin_unit_frame(prepared_engine, BOUNDARY_VERSION), prepared_engine)


def present(rows: pd.DataFrame, level: int, keys=("sector_code",)) -> pd.DataFrame:
    """File side: distinct (pcode, *keys, org) among rows placed at ``level`` or finer."""
    column = {1: "adm1_pcode", 2: "adm2_pcode", 3: "adm3_pcode"}[level]
    placed = rows[rows["location_level"] >= level]
    return placed.assign(pcode=placed[column])[["pcode", *keys, "org"]].drop_duplicates()


# --- population ---------------------------------------------------------------------------------------------------

def test_population_against_the_cod_ps_table(mirror, units):
    csv = pd.read_csv(mirror / "ocha_cod_ps_mli" / "mli_pop_adm2_v2.csv", encoding="utf-8-sig", dtype=str)
    by_code = csv.set_index("admin2Pcode")["T_TL"].astype(int)
    total = int(by_code.sum())
    assert total == 17_907_114  # the national total of COD-PS v2 (SOURCE.md)
    table = load_population(mirror, units).set_index("pcode")
    assert len(table) == 10 + 53 and set(table["level"]) == {1, 2}  # no commune
    cercles = table[table["level"] == 2]
    known = cercles[cercles["population"].notna()]
    assert len(known) == 49
    assert sorted(cercles.index[cercles["population"].isna()]) == ["ML1001", "ML1002", "ML1003", "ML1004"]
    assert int(known["population"].sum()) == total - by_code["ML0704"]  # 17,907,114 - 67,119
    for code, value in known["population"].items():
        assert value == by_code[code]
    regions = table[table["level"] == 1]
    assert regions.loc["ML07", "population"] == by_code[["ML0701", "ML0702", "ML0703"]].sum()
    assert regions.loc["ML10", "population"] is pd.NA
    assert regions.loc["ML10", "note"] == "COD-PS v2 has no Menaka region (ML10)"  # 2021 name, unaccented
    assert int(regions["population"].sum()) == total - by_code["ML0704"]
    assert regions["population"].notna().sum() == 9


# --- the place corrections the comparison relies on -------------------------------------------------------------

def check_placement_matches_the_importer_repairs(engine, file_rows):
    with Session(engine) as session:
        recorded = set(session.scalars(select(ImportIssue.source_row).where(
            ImportIssue.severity == "repair", ImportIssue.column == "admin3Pcod")))
    assert len(file_rows.attrs["repaired_source_rows"]) == 214
    assert file_rows.attrs["repaired_source_rows"] == recorded


# --- presence by type ---------------------------------------------------------------------------------------------

def check_national_presence_by_sector_and_type(activities, units, file_rows):
    # Places play no part here: distinct organisations per sector (and type) over the whole country.
    table = presence_by_type(activities, units, 0).set_index("sector_code")
    expected = file_rows.groupby("sector_code")["org"].nunique()
    assert table["total"].to_dict() == expected.to_dict()
    by_type = file_rows.groupby(["sector_code", "org_type"])["org"].nunique().unstack(fill_value=0)
    for org_type in by_type.columns:
        assert table[org_type].to_dict() == by_type[org_type].to_dict()
    # Figures of December 2023: 154 organisations, of which 60 national NGOs.
    overall = presence_by_type(activities, units, 0, by_sector=False).iloc[0]
    assert overall["total"] == file_rows["org"].nunique() == 154
    assert overall["ngo_national"] == file_rows.loc[file_rows["org_type"] == "ngo_national", "org"].nunique() == 60
    assert table.loc["protection", "total"] == 48  # 26 of them national NGOs (54%)
    assert table.loc["protection", "ngo_national"] == 26


def check_presence_by_type_at_level(activities, units, file_rows, level):
    table = presence_by_type(activities, units, level).set_index(["pcode", "sector_code"])
    pairs = present(file_rows, level, ("sector_code", "org_type"))
    total = pairs.groupby(["pcode", "sector_code"])["org"].nunique()
    assert table.loc[table["total"] > 0, "total"].sort_index().to_dict() == total.sort_index().to_dict()
    national = pairs[pairs["org_type"] == "ngo_national"].groupby(["pcode", "sector_code"])["org"].nunique()
    assert table.loc[table["ngo_national"] > 0, "ngo_national"].to_dict() == national.to_dict()
    share = (national.reindex(total.index, fill_value=0) / total)
    assert np.allclose(table.loc[total.index, "national_ngo_share"], share)
    # every unit x sector of the grid is there, zeros included
    assert len(table) == (units["level"] == level).sum() * 8
    if level == 3:
        # coarser only: organisations with a cercle-level row (no commune) in the commune's cercle and sector,
        # and no row in the commune itself in that sector.
        cercle_rows = file_rows[file_rows["location_level"] == 2][["adm2_pcode", "sector_code", "org"]]
        communes = units.loc[units["level"] == 3, ["pcode", "parent_pcode"]]
        around = communes.merge(cercle_rows.drop_duplicates(), left_on="parent_pcode", right_on="adm2_pcode")
        around = around[["pcode", "sector_code", "org"]].merge(pairs[["pcode", "sector_code", "org"]],
                                                               how="left", indicator=True)
        coarser = around[around["_merge"] == "left_only"].groupby(["pcode", "sector_code"])["org"].nunique()
        assert table.loc[table["coarser_only"] > 0, "coarser_only"].to_dict() == coarser.to_dict()


def test_presence_against_the_file(stored, file_rows):
    activities, _, units, engine = stored
    check_placement_matches_the_importer_repairs(engine, file_rows)
    check_national_presence_by_sector_and_type(activities, units, file_rows)
    for level in (1, 2, 3):
        check_presence_by_type_at_level(activities, units, file_rows, level)


# --- gaps -----------------------------------------------------------------------------------------------------------

def check_cercles_without_a_national_ngo_in_protection(activities, units, file_rows, mirror):
    population = load_population(mirror, units)
    gaps = sector_gaps(activities, units, 2, ["protection"], population=population, org_type="ngo_national")
    protection = file_rows[file_rows["sector_code"] == "protection"]
    with_national = set(present(protection[protection["org_type"] == "ngo_national"], 2)["pcode"])
    cercles = set(units.loc[units["level"] == 2, "pcode"])
    expected = cercles - with_national
    assert set(gaps["pcode"]) == expected
    assert len(expected) == 19  # of 53 cercles
    # context: all organisations present in Protection in those cercles, any type
    anyone = present(protection, 2).groupby("pcode")["org"].nunique()
    expected_context = anyone.reindex(sorted(expected), fill_value=0)
    assert gaps.set_index("pcode")["organisations"].to_dict() == expected_context.to_dict()
    # ranked by population, unknown (the Ménaka cercles) last
    known = gaps[gaps["population_known"]]
    assert known["population"].is_monotonic_decreasing
    assert not gaps["population_known"].iloc[len(known):].any()
    assert set(gaps.loc[~gaps["population_known"], "pcode"]) <= {"ML1001", "ML1002", "ML1003", "ML1004"}


def check_commune_gaps_tell_cercle_level_reports_apart(activities, units, file_rows):
    sectors = sorted(set(file_rows["sector_code"]))
    gaps = sector_gaps(activities, units, 3, sectors)
    communes = units.loc[units["level"] == 3, "pcode"]
    grid = pd.MultiIndex.from_product([communes, sectors], names=["pcode", "sector_code"])
    filled = pd.MultiIndex.from_frame(present(file_rows, 3)[["pcode", "sector_code"]].drop_duplicates())
    expected = grid.difference(filled)
    assert len(gaps) == len(expected)
    assert set(zip(gaps["pcode"], gaps["sector_code"])) == set(expected)
    # a gap with an organisation reporting the whole cercle in that sector is the other kind of gap
    cercle_level = set(zip(file_rows.loc[file_rows["location_level"] == 2, "adm2_pcode"],
                           file_rows.loc[file_rows["location_level"] == 2, "sector_code"]))
    parent = units.set_index("pcode")["parent_pcode"]
    covered = {(pcode, sector) for pcode, sector in expected if (parent[pcode], sector) in cercle_level}
    with_coarser = gaps[gaps["coarser_only"] > 0]
    assert set(zip(with_coarser["pcode"], with_coarser["sector_code"])) == covered
    assert not gaps["population_known"].any()  # no population given
    summary = gap_summary(gaps, units, 3)
    assert (summary["gaps"] > 0).sum() == len({pcode for pcode, _ in expected})


def test_gaps_against_the_file(stored, file_rows, mirror):
    activities, _, units, _ = stored
    check_cercles_without_a_national_ngo_in_protection(activities, units, file_rows, mirror)
    check_commune_gaps_tell_cercle_level_reports_apart(activities, units, file_rows)


# --- overlaps -------------------------------------------------------------------------------------------------------

def test_overlaps_against_the_file(stored, file_rows):
    activities, organisations, _, _ = stored
    for level, k in ((1, 30), (2, 10), (3, 5)):
        check_overlaps(activities, organisations, file_rows, level, k)
    # the threshold is inclusive: k = the largest cell's count keeps exactly the cells of that count
    largest = present(file_rows, 3).groupby(["pcode", "sector_code"])["org"].nunique()
    top = overlaps(activities, organisations, 3, int(largest.max()))
    assert len(top) == (largest == largest.max()).sum()
    assert overlaps(activities, organisations, 3, int(largest.max()) + 1).empty


def check_overlaps(activities, organisations, file_rows, level, k):
    table = overlaps(activities, organisations, level, k)
    pairs = present(file_rows, level, ("sector_code", "org_type", "acronym"))
    cells = pairs.groupby(["pcode", "sector_code"]).agg(
        organisations=("org", "nunique"), national_ngos=("org_type", lambda t: int((t == "ngo_national").sum())),
        acronyms=("acronym", lambda names: sorted(names, key=str.casefold)))
    cells = cells[cells["organisations"] >= k]
    assert len(table) == len(cells) > 0
    assert (table["period"] == "2023-12").all()
    got = table.set_index(["pcode", "sector_code"]).sort_index()
    assert got["organisations"].to_dict() == cells["organisations"].to_dict()
    assert got["national_ngos"].to_dict() == cells["national_ngos"].to_dict()
    assert got["acronyms"].to_dict() == cells["acronyms"].to_dict()
    assert table["organisations"].is_monotonic_decreasing
    assert (table["organisations"] >= k).all()


# --- change between periods ---------------------------------------------------------------------------------------

def test_change_against_the_file(stored, file_rows):
    # A made-up later period: the same rows without those known only at cercle level (no commune code).
    # At cercle level, nobody arrives, and an organisation "leaves" a cercle x sector exactly when all its
    # rows there were cercle-level rows.
    activities, organisations, units, _ = stored
    later = activities[activities["location_level"] == 3].assign(period="2024-03")
    both = pd.concat([activities.astype({"period": str}), later], ignore_index=True)
    table = presence_change(both, organisations, 2, "2023-12", "2024-03", by_sector=True)
    before = present(file_rows, 2, ("sector_code", "acronym"))
    after = present(file_rows[file_rows["location_level"] == 3], 2, ("sector_code", "acronym"))
    gone = before.merge(after, how="left", indicator=True)
    gone = gone[gone["_merge"] == "left_only"]
    expected = gone.groupby(["pcode", "sector_code"])["acronym"].agg(lambda names: sorted(names, key=str.casefold))
    assert table["arrived"].sum() == 0
    left = table[table["left"] > 0].set_index(["pcode", "sector_code"])["left_names"]
    assert left.to_dict() == expected.to_dict()
    assert len(table) == len(before[["pcode", "sector_code"]].drop_duplicates())
    assert (table["net"] == -table["left"]).all()
    # per cercle, all sectors together
    per_unit = net_change_by_unit(both, units, 2, "2023-12", "2024-03").set_index("pcode")
    assert len(per_unit) == 53
    count_before = before.groupby("pcode")["org"].nunique()
    count_after = after.groupby("pcode")["org"].nunique()
    net = count_after.reindex(per_unit.index, fill_value=0) - count_before.reindex(per_unit.index, fill_value=0)
    assert per_unit["net"].to_dict() == net.to_dict()
    # comparing a period with itself changes nothing
    same = presence_change(activities, organisations, 3, "2023-12", "2023-12", by_sector=True)
    assert (same[["arrived", "left", "net"]] == 0).all().all()
    assert len(same) == len(present(file_rows, 3)[["pcode", "sector_code"]].drop_duplicates())
