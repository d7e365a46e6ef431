"""Presence by type, gaps, overlaps and change on a hand-made fixture; every expected value worked out by hand.

The place: region Mopti (ML05) with cercles Bandiagara (ML0501: communes ML050101, ML050102) and Bankass
(ML0502: commune ML050201); region Ménaka (ML10) with cercle ML1001 (commune ML100101).
Five organisations: NRC (international NGO), AMSS and aDeS (national NGOs; "aDeS" is mixed case to check the
case-insensitive sort), PAM (UN agency), CRM (Red Cross).
"""

import math

import pandas as pd
import pytest

from dashboard.analysis.change import net_change_by_unit, presence_change
from dashboard.analysis.filters import ActivityFilter, filter_activities
from dashboard.analysis.gaps import gap_summary, sector_gaps
from dashboard.analysis.overlaps import overlaps
from dashboard.analysis.presence import presence_by_type

UNITS = pd.DataFrame([
    ("ML", 0, "Mali", None),
    ("ML05", 1, "Mopti", "ML"), ("ML10", 1, "Ménaka", "ML"),
    ("ML0501", 2, "Bandiagara", "ML05"), ("ML0502", 2, "Bankass", "ML05"), ("ML1001", 2, "Ménaka", "ML10"),
    ("ML050101", 3, "Bandiagara", "ML0501"), ("ML050102", 3, "Dandoli", "ML0501"),
    ("ML050201", 3, "Bankass", "ML0502"), ("ML100101", 3, "Ménaka", "ML1001"),
], columns=["pcode", "level", "name_fr", "parent_pcode"])

ORGANISATIONS = pd.DataFrame([(1, "NRC", "Norwegian Refugee Council", "ngo_international"),
                              (2, "AMSS", "Association Malienne pour la Survie au Sahel", "ngo_national"),
                              (3, "PAM", "Programme Alimentaire Mondial", "un_agency"),
                              (4, "CRM", "Croix-Rouge malienne", "red_cross"),
                              (5, "aDeS", "Association de Développement Solidaire", "ngo_national")],
                             columns=["organisation_id", "acronym", "name", "org_type"])
TYPES = dict(zip(ORGANISATIONS["organisation_id"], ORGANISATIONS["org_type"]))


def activity(org, sector, level, adm2=None, adm3=None, adm1=None, period="2023-12"):
    return {"batch_id": 1 if period == "2023-12" else 2, "period": period, "organisation_id": org,
            "org_type": TYPES[org], "sector_code": sector, "location_level": level,
            "adm1_pcode": adm1 or (adm2 or adm3)[:4], "adm2_pcode": adm2 or (adm3[:6] if adm3 else None),
            "adm3_pcode": adm3}


ROWS = [
    activity(1, "protection", 3, adm3="ML050101"),       # NRC
    activity(1, "health", 3, adm3="ML050101"),           # NRC, other sector
    activity(2, "health", 3, adm3="ML050101"),           # AMSS
    activity(2, "health", 2, adm2="ML0501"),             # AMSS also for the whole cercle Bandiagara
    activity(3, "food_security", 2, adm2="ML0501"),      # PAM known only at cercle level in Bandiagara
    activity(4, "health", 3, adm3="ML050201"),           # CRM in Bankass
    activity(4, "health", 3, adm3="ML050201", period="2023-09"),
    activity(3, "food_security", 1, adm1="ML05"),        # PAM for the whole region Mopti
    activity(5, "protection", 3, adm3="ML050102"),       # aDeS in Dandoli
    activity(1, "health", 3, adm3="ML100101"),           # NRC in Ménaka
    activity(2, "health", 3, adm3="ML050102", period="2023-09"),
    activity(1, "protection", 3, adm3="ML050101", period="2023-09"),
]
ALL_PERIODS = pd.DataFrame(ROWS).astype({column: "category" for column in
                                         ("period", "org_type", "sector_code", "adm1_pcode", "adm2_pcode",
                                          "adm3_pcode")})
DECEMBER = filter_activities(ALL_PERIODS, ActivityFilter())  # the latest period, 2023-12
EMPTY = ALL_PERIODS.iloc[0:0]

# Cercle population (as load_population gives it): Bankass larger than Bandiagara, Ménaka unknown.
POPULATION = pd.DataFrame({"pcode": ["ML05", "ML10", "ML0501", "ML0502", "ML1001"], "level": [1, 1, 2, 2, 2],
                           "population": pd.array([450_000, None, 150_000, 300_000, None], dtype="Int64"),
                           "note": [None, "no data", None, None, "no data"]})


def records(frame, columns=None):
    frame = frame if columns is None else frame[columns]
    return [tuple(None if value is pd.NA else value for value in row) for row in frame.itertuples(index=False)]


# --- presence_by_type ---------------------------------------------------------------------------------------

def test_presence_by_type_cercle_by_sector_grid():
    table = presence_by_type(DECEMBER, UNITS, 2)
    # Type columns: the types occurring, in vocabulary order.
    assert list(table.columns) == ["pcode", "sector_code", "total", "ngo_national", "ngo_international", "un_agency",
                                   "red_cross", "national_ngo_share", "coarser_only"]
    # 3 cercles x 3 sectors present in December (food_security, health, protection), sorted:
    # ML0501 food_security: PAM (cercle row) -> 1, UN 1, share 0/1.  PAM's region row adds nothing.
    # ML0501 health: NRC, AMSS -> 2, share 1/2.       ML0501 protection: NRC, aDeS -> 2, share 1/2.
    # ML0502 food_security: nobody; PAM reported for region Mopti -> coarser_only 1, share NaN.
    # ML0502 health: CRM -> 1.                         ML0502 protection: nobody.
    # ML1001: only health, NRC. PAM's Mopti region row does not reach Ménaka.
    #        pcode     sector           total nat int un rc coarser
    expected = [("ML0501", "food_security", 1, 0, 0, 1, 0, 0),
                ("ML0501", "health", 2, 1, 1, 0, 0, 0),
                ("ML0501", "protection", 2, 1, 1, 0, 0, 0),
                ("ML0502", "food_security", 0, 0, 0, 0, 0, 1),
                ("ML0502", "health", 1, 0, 0, 0, 1, 0),
                ("ML0502", "protection", 0, 0, 0, 0, 0, 0),
                ("ML1001", "food_security", 0, 0, 0, 0, 0, 0),
                ("ML1001", "health", 1, 0, 1, 0, 0, 0),
                ("ML1001", "protection", 0, 0, 0, 0, 0, 0)]
    assert records(table, ["pcode", "sector_code", "total", "ngo_national", "ngo_international", "un_agency",
                           "red_cross", "coarser_only"]) == expected
    shares = table["national_ngo_share"].tolist()
    assert shares[:3] == [0.0, 0.5, 0.5] and shares[4] == 0.0 and shares[7] == 0.0
    assert all(math.isnan(shares[i]) for i in (3, 5, 6, 8))  # total 0: no share


def test_presence_by_type_commune_without_sector_counts_cercle_rows_as_coarser_only():
    table = presence_by_type(DECEMBER, UNITS, 3, by_sector=False).set_index("pcode")
    # ML050101: NRC, AMSS (nat) -> 2, share 1/2; PAM only at cercle/region level -> coarser_only 1.
    # ML050102: aDeS (nat) -> 1, share 1; AMSS (cercle row) and PAM (cercle, region) -> coarser_only 2.
    # ML050201: CRM -> 1, share 0; PAM (region) -> coarser_only 1.   ML100101: NRC -> 1, share 0; nobody around.
    assert table["total"].to_dict() == {"ML050101": 2, "ML050102": 1, "ML050201": 1, "ML100101": 1}
    assert table["ngo_national"].to_dict() == {"ML050101": 1, "ML050102": 1, "ML050201": 0, "ML100101": 0}
    assert table["national_ngo_share"].to_dict() == {"ML050101": 0.5, "ML050102": 1.0, "ML050201": 0.0,
                                                     "ML100101": 0.0}
    assert table["coarser_only"].to_dict() == {"ML050101": 1, "ML050102": 2, "ML050201": 1, "ML100101": 0}


def test_presence_by_type_national_level():
    # Level 0: the whole country. December: NRC, AMSS, PAM, CRM, aDeS = 5; national NGOs AMSS, aDeS = 2/5.
    table = presence_by_type(DECEMBER, UNITS, 0, by_sector=False)
    assert records(table, ["pcode", "total", "ngo_national", "ngo_international", "un_agency", "red_cross",
                           "coarser_only"]) == [("ML", 5, 2, 1, 1, 1, 0)]
    assert table["national_ngo_share"].item() == pytest.approx(0.4)
    # By sector: health = NRC, AMSS, CRM (share 1/3); food_security = PAM; protection = NRC, aDeS.
    by_sector = presence_by_type(DECEMBER, UNITS, 0).set_index("sector_code")
    assert by_sector["total"].to_dict() == {"food_security": 1, "health": 3, "protection": 2}


def test_presence_by_type_only_the_types_that_occur():
    rows = filter_activities(ALL_PERIODS, ActivityFilter(org_types=("red_cross",)))
    table = presence_by_type(rows, UNITS, 1, by_sector=False)
    # Only CRM: present in Mopti; Ménaka zero (kept, with a NaN share). No ngo_national column at all.
    assert list(table.columns) == ["pcode", "total", "red_cross", "national_ngo_share", "coarser_only"]
    assert records(table, ["pcode", "total", "red_cross", "coarser_only"]) == [("ML05", 1, 1, 0), ("ML10", 0, 0, 0)]
    assert table["national_ngo_share"].iloc[0] == 0.0 and math.isnan(table["national_ngo_share"].iloc[1])


def test_presence_by_type_empty_input():
    # No rows: no sector present, so an empty grid by sector, and every unit at zero without sectors.
    assert presence_by_type(EMPTY, UNITS, 2).empty
    table = presence_by_type(EMPTY, UNITS, 2, by_sector=False)
    assert records(table, ["pcode", "total", "coarser_only"]) == [("ML0501", 0, 0), ("ML0502", 0, 0),
                                                                 ("ML1001", 0, 0)]
    assert table["national_ngo_share"].isna().all()


# --- sector_gaps and gap_summary ---------------------------------------------------------------------------------

GAP_COLUMNS = ["pcode", "sector_code", "organisations", "coarser_only", "population", "population_known"]


def test_cercle_gaps_ranked_by_population_unknown_last():
    gaps = sector_gaps(DECEMBER, UNITS, 2, ["protection", "health", "wash"], population=POPULATION)
    assert list(gaps.columns) == GAP_COLUMNS
    # Present: ML0501 protection, health; ML0502 health; ML1001 health. Nobody in wash anywhere (a sector
    # asked for but absent from the data is a gap everywhere). Gaps ranked by population:
    # Bankass ML0502 (300,000): protection, wash (in the order asked); Bandiagara ML0501 (150,000): wash;
    # Ménaka ML1001 (unknown, last): protection, wash.
    assert records(gaps) == [("ML0502", "protection", 0, 0, 300_000, True), ("ML0502", "wash", 0, 0, 300_000, True),
                             ("ML0501", "wash", 0, 0, 150_000, True),
                             ("ML1001", "protection", 0, 0, None, False), ("ML1001", "wash", 0, 0, None, False)]
    assert str(gaps["population"].dtype) == "Int64"


def test_no_national_ngo_gaps_show_who_else_is_there():
    gaps = sector_gaps(DECEMBER, UNITS, 2, ["protection", "health"], population=POPULATION, org_type="ngo_national")
    # ML0501 has aDeS (protection) and AMSS (health): no gap. ML0502: protection has nobody (0), health has
    # CRM only (1 organisation, not a national NGO). ML1001: protection nobody, health NRC only.
    assert records(gaps) == [("ML0502", "protection", 0, 0, 300_000, True), ("ML0502", "health", 1, 0, 300_000, True),
                             ("ML1001", "protection", 0, 0, None, False), ("ML1001", "health", 1, 0, None, False)]


def test_commune_gaps_with_cercle_level_reports_and_a_named_denominator():
    # People in need per commune (a Series, named by the caller); Dandoli and Bandiagara tie at 5,000.
    pin = pd.Series({"ML050101": 5_000, "ML050102": 5_000, "ML050201": 8_000}, name="people_in_need")
    gaps = sector_gaps(DECEMBER, UNITS, 3, ["health", "food_security"], population=pin)
    assert list(gaps.columns) == ["pcode", "sector_code", "organisations", "coarser_only", "people_in_need",
                                  "people_in_need_known"]
    # health: present in ML050101 (NRC, AMSS), ML050201 (CRM), ML100101 (NRC); ML050102 is a gap but AMSS
    # reports the whole cercle Bandiagara -> coarser_only 1.
    # food_security: nobody at commune level anywhere; PAM reports cercle Bandiagara and region Mopti, so
    # coarser_only 1 in the three Mopti communes, 0 in Ménaka.
    # Ranking: ML050201 (8,000); tie at 5,000 broken by P-code: ML050101, then ML050102 (health before
    # food_security, the order asked); ML100101 has no figure: last.
    assert records(gaps) == [("ML050201", "food_security", 0, 1, 8_000, True),
                             ("ML050101", "food_security", 0, 1, 5_000, True),
                             ("ML050102", "health", 0, 1, 5_000, True),
                             ("ML050102", "food_security", 0, 1, 5_000, True),
                             ("ML100101", "food_security", 0, 0, None, False)]


def test_commune_national_ngo_gap_with_a_national_ngo_at_cercle_level():
    gaps = sector_gaps(DECEMBER, UNITS, 3, ["health"], org_type="ngo_national")
    # ML050101 has AMSS: no gap. ML050102: nobody, but AMSS (national) reports cercle Bandiagara -> coarser 1.
    # ML050201: CRM only (1 organisation); ML100101: NRC only. No population given: all unknown, by P-code.
    assert records(gaps) == [("ML050102", "health", 0, 1, None, False), ("ML050201", "health", 1, 0, None, False),
                             ("ML100101", "health", 1, 0, None, False)]


def test_gaps_on_empty_input_are_every_cell():
    gaps = sector_gaps(EMPTY, UNITS, 2, ["health", "protection", "health"], population=POPULATION)
    # 3 cercles x 2 distinct sectors; ML0502 (300,000), ML0501 (150,000), ML1001 (unknown).
    assert records(gaps, ["pcode", "sector_code"]) == [("ML0502", "health"), ("ML0502", "protection"),
                                                       ("ML0501", "health"), ("ML0501", "protection"),
                                                       ("ML1001", "health"), ("ML1001", "protection")]
    assert (gaps["organisations"] == 0).all() and (gaps["coarser_only"] == 0).all()


def test_gap_summary_counts_gap_sectors_per_unit():
    gaps = sector_gaps(DECEMBER, UNITS, 2, ["protection", "health"], org_type="ngo_national")
    summary = gap_summary(gaps, UNITS, 2)
    # From the "no national NGO" gaps above: ML0501 none; ML0502 and ML1001 both sectors (sorted).
    assert records(summary) == [("ML0501", 0, []), ("ML0502", 2, ["health", "protection"]),
                                ("ML1001", 2, ["health", "protection"])]
    assert (summary["gaps"] > 0).sum() == 2


# --- overlaps ---------------------------------------------------------------------------------------------------

OVERLAP_COLUMNS = ["period", "pcode", "sector_code", "organisations", "acronyms", "national_ngos"]


def test_commune_overlaps_ignore_cercle_level_rows():
    table = overlaps(ALL_PERIODS, ORGANISATIONS, 3, 2)
    assert list(table.columns) == OVERLAP_COLUMNS
    # Per period x commune x sector only ML050101 health in December has two organisations (NRC, AMSS).
    # PAM's cercle and region rows do not make it present in any commune.
    assert records(table) == [("2023-12", "ML050101", "health", 2, ["AMSS", "NRC"], 1)]


def test_cercle_overlaps_sorted_case_insensitively():
    table = overlaps(DECEMBER, ORGANISATIONS, 2, 2)
    # ML0501 health: NRC, AMSS. ML0501 protection: NRC, aDeS: "aDeS" sorts before "NRC" ignoring case.
    assert records(table) == [("2023-12", "ML0501", "health", 2, ["AMSS", "NRC"], 1),
                              ("2023-12", "ML0501", "protection", 2, ["aDeS", "NRC"], 1)]
    assert overlaps(DECEMBER, ORGANISATIONS, 2, 3).empty


def test_overlap_threshold_is_inclusive_and_periods_are_not_merged():
    # Region, December: ML05 health = NRC, AMSS, CRM (3); protection = NRC, aDeS (2); food_security = PAM.
    assert records(overlaps(DECEMBER, ORGANISATIONS, 1, 3)) == [("2023-12", "ML05", "health", 3,
                                                                  ["AMSS", "CRM", "NRC"], 1)]
    assert overlaps(DECEMBER, ORGANISATIONS, 1, 4).empty
    # Both periods, k=2: September ML05 health = CRM, AMSS (2), counted apart from December.
    assert records(overlaps(ALL_PERIODS, ORGANISATIONS, 1, 2)) == [
        ("2023-12", "ML05", "health", 3, ["AMSS", "CRM", "NRC"], 1),
        ("2023-09", "ML05", "health", 2, ["AMSS", "CRM"], 1),
        ("2023-12", "ML05", "protection", 2, ["aDeS", "NRC"], 1)]


def test_overlaps_by_activity_when_the_column_exists():
    rows = DECEMBER.assign(activity=["Distribution kits", "Distribution kits", "distribution  KITS", None,
                                     None, "Sensibilisation", None, None, "Distribution kits"])
    # ML050101 health: NRC "Distribution kits" and AMSS "distribution  KITS" are one activity once case and
    # spacing are folded -> 2 organisations. CRM "Sensibilisation" and the rows without activity are alone.
    table = overlaps(rows, ORGANISATIONS, 3, 2, by_activity=True)
    assert records(table) == [("2023-12", "ML050101", "health", "Distribution kits", 2, ["AMSS", "NRC"], 1)]
    # Without an activity column, by_activity is ignored.
    assert records(overlaps(DECEMBER, ORGANISATIONS, 3, 2, by_activity=True)) == [
        ("2023-12", "ML050101", "health", 2, ["AMSS", "NRC"], 1)]


def test_overlaps_empty_and_invalid():
    assert list(overlaps(EMPTY, ORGANISATIONS, 2, 1).columns) == OVERLAP_COLUMNS
    assert overlaps(EMPTY, ORGANISATIONS, 2, 1).empty
    with pytest.raises(ValueError):
        overlaps(DECEMBER, ORGANISATIONS, 2, 0)


# --- presence_change and net_change_by_unit ----------------------------------------------------------------------

def test_change_by_cercle_and_sector():
    table = presence_change(ALL_PERIODS, ORGANISATIONS, 2, "2023-09", "2023-12", by_sector=True)
    # September at cercle level: ML0501 health {AMSS}, protection {NRC}; ML0502 health {CRM}.
    # December: ML0501 food_security {PAM}, health {NRC, AMSS}, protection {NRC, aDeS}; ML0502 health {CRM};
    # ML1001 health {NRC}. PAM's region row does not count at cercle level. Cells empty in both are absent.
    assert records(table) == [
        ("ML0501", "food_security", 0, 1, 1, 0, 0, 1, ["PAM"], [], []),
        ("ML0501", "health", 1, 2, 1, 0, 1, 1, ["NRC"], [], ["AMSS"]),
        ("ML0501", "protection", 1, 2, 1, 0, 1, 1, ["aDeS"], [], ["NRC"]),
        ("ML0502", "health", 1, 1, 0, 0, 1, 0, [], [], ["CRM"]),
        ("ML1001", "health", 0, 1, 1, 0, 0, 1, ["NRC"], [], [])]
    assert list(table.columns) == ["pcode", "sector_code", "organisations_from", "organisations_to", "arrived",
                                   "left", "stayed", "net", "arrived_names", "left_names", "stayed_names"]
    # Backwards, arrivals become departures.
    backwards = presence_change(ALL_PERIODS, ORGANISATIONS, 2, "2023-12", "2023-09", by_sector=True)
    assert backwards["left_names"].tolist() == [["PAM"], ["NRC"], ["aDeS"], [], ["NRC"]]
    assert backwards["net"].tolist() == [-1, -1, -1, 0, -1]


def test_change_across_all_sectors_is_the_default():
    table = presence_change(ALL_PERIODS, ORGANISATIONS, 3, "2023-09", "2023-12")
    # September: ML050101 {NRC}, ML050102 {AMSS}, ML050201 {CRM}. December: ML050101 {NRC, AMSS},
    # ML050102 {aDeS} (AMSS's cercle row does not count in the commune), ML050201 {CRM}, ML100101 {NRC}.
    assert list(table.columns) == ["pcode", "organisations_from", "organisations_to", "arrived", "left", "stayed",
                                   "net", "arrived_names", "left_names", "stayed_names"]
    assert records(table) == [("ML050101", 1, 2, 1, 0, 1, 1, ["AMSS"], [], ["NRC"]),
                              ("ML050102", 1, 1, 1, 1, 0, 0, ["aDeS"], ["AMSS"], []),
                              ("ML050201", 1, 1, 0, 0, 1, 0, [], [], ["CRM"]),
                              ("ML100101", 0, 1, 1, 0, 0, 1, ["NRC"], [], [])]
    # an organisation in two sectors of a unit counts once: NRC (health and protection) in Bandiagara
    cercles = presence_change(ALL_PERIODS, ORGANISATIONS, 2, "2023-09", "2023-12").set_index("pcode")
    assert cercles.loc["ML0501", "stayed_names"] == ["AMSS", "NRC"]
    assert cercles.loc["ML0501", "arrived_names"] == ["aDeS", "PAM"]


def test_rows_without_a_sector_count_across_sectors_only():
    # CRM reported Bankass without a sector in September, for health in December.
    rows = pd.DataFrame([activity(4, "unspecified", 3, adm3="ML050201", period="2023-09"),
                         activity(4, "health", 3, adm3="ML050201")])
    across = presence_change(rows, ORGANISATIONS, 2, "2023-09", "2023-12")
    assert records(across) == [("ML0502", 1, 1, 0, 0, 1, 0, [], [], ["CRM"])]
    by_sector = presence_change(rows, ORGANISATIONS, 2, "2023-09", "2023-12", by_sector=True)
    assert records(by_sector) == [("ML0502", "health", 0, 1, 1, 0, 0, 1, ["CRM"], [], [])]


def test_net_change_by_unit_lists_every_unit():
    table = net_change_by_unit(ALL_PERIODS, UNITS, 2, "2023-09", "2023-12")
    # All sectors together. September: ML0501 {AMSS, NRC}, ML0502 {CRM}. December: ML0501 {NRC, AMSS, PAM,
    # aDeS}, ML0502 {CRM}, ML1001 {NRC}.
    assert records(table) == [("ML0501", 2, 4, 2, 0, 2, 2), ("ML0502", 1, 1, 0, 0, 1, 0),
                              ("ML1001", 0, 1, 1, 0, 0, 1)]
    # A period with no rows: every unit listed with zeros on that side.
    empty_side = net_change_by_unit(ALL_PERIODS, UNITS, 1, "2022-01", "2023-09")
    assert records(empty_side) == [("ML05", 0, 3, 3, 0, 0, 3), ("ML10", 0, 0, 0, 0, 0, 0)]


def test_change_on_empty_input():
    table = presence_change(EMPTY, ORGANISATIONS, 2, "2023-09", "2023-12")
    assert table.empty and "arrived" in table.columns
    assert (net_change_by_unit(EMPTY, UNITS, 3, "2023-09", "2023-12")["net"] == 0).all()
