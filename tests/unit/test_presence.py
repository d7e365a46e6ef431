"""Presence on a hand-made fixture: two cercles, three communes, four organisations."""

import pandas as pd

from dashboard.analysis.filters import ActivityFilter, filter_activities
from dashboard.analysis.presence import organisations_in_unit, presence_by_unit

UNITS = pd.DataFrame([
    ("ML", 0, "Mali", None),
    ("ML05", 1, "Mopti", "ML"),
    ("ML0501", 2, "Bandiagara", "ML05"), ("ML0502", 2, "Bankass", "ML05"),
    ("ML050101", 3, "Bandiagara", "ML0501"), ("ML050102", 3, "Dandoli", "ML0501"),
    ("ML050201", 3, "Bankass", "ML0502"),
], columns=["pcode", "level", "name_fr", "parent_pcode"])

ORGANISATIONS = pd.DataFrame([(1, "NRC", "Norwegian Refugee Council", "ngo_international"),
                              (2, "AMSS", "Association Malienne pour la Survie au Sahel", "ngo_national"),
                              (3, "PAM", "Programme Alimentaire Mondial", "un_agency"),
                              (4, "CRM", "Croix-Rouge malienne", "red_cross")],
                             columns=["organisation_id", "acronym", "name", "org_type"])


def activity(org, sector, level, adm2=None, adm3=None, period="2023-12", org_type=None):
    types = dict(zip(ORGANISATIONS["organisation_id"], ORGANISATIONS["org_type"]))
    return {"batch_id": 1, "period": period, "organisation_id": org, "org_type": org_type or types[org],
            "sector_code": sector, "location_level": level, "adm1_pcode": "ML05", "adm2_pcode": adm2,
            "adm3_pcode": adm3}


ACTIVITIES = pd.DataFrame([
    activity(1, "protection", 3, "ML0501", "ML050101"),
    activity(1, "health", 3, "ML0501", "ML050101"),      # same organisation, other sector: still one
    activity(2, "health", 3, "ML0501", "ML050101"),
    activity(2, "health", 2, "ML0501"),                  # AMSS also at cercle level: present in 050101 already
    activity(3, "food_security", 2, "ML0501"),           # PAM known only at cercle level in Bandiagara
    activity(4, "health", 3, "ML0502", "ML050201"),
    activity(4, "health", 3, "ML0502", "ML050201", period="2023-09"),
    activity(3, "food_security", 1),                      # PAM also reported for the whole region
])


def presence(level, **filters):
    rows = filter_activities(ACTIVITIES, ActivityFilter(**filters))
    return presence_by_unit(rows, UNITS, level).set_index("pcode").to_dict("index")


def test_commune_presence_and_coarser_only_counts():
    # By hand, period 2023-12 (the latest):
    #   ML050101: NRC, AMSS present; PAM reported at cercle and region level only -> 2 / 1
    #   ML050102: nobody; AMSS and PAM at cercle level, PAM at region level -> 0 / 2
    #   ML050201: CRM present; PAM at region level -> 1 / 1
    assert presence(3) == {"ML050101": {"organisations": 2, "coarser_only": 1},
                           "ML050102": {"organisations": 0, "coarser_only": 2},
                           "ML050201": {"organisations": 1, "coarser_only": 1}}


def test_cercle_presence_counts_rows_inside_and_at_the_cercle():
    # Bandiagara: NRC, AMSS, PAM (cercle row) = 3; region-level PAM adds nobody new.
    # Bankass: CRM; PAM only at region level.
    assert presence(2) == {"ML0501": {"organisations": 3, "coarser_only": 0},
                           "ML0502": {"organisations": 1, "coarser_only": 1}}


def test_region_presence_counts_everything_inside():
    assert presence(1) == {"ML05": {"organisations": 4, "coarser_only": 0}}


def test_filters_by_sector_type_organisation_and_period():
    assert presence(2, sectors=("health",))["ML0501"]["organisations"] == 2  # NRC, AMSS
    assert presence(2, org_types=("ngo_national",))["ML0501"]["organisations"] == 1
    assert presence(3, organisations=(3,))["ML050102"] == {"organisations": 0, "coarser_only": 1}
    assert presence(2, period="2023-09") == {"ML0501": {"organisations": 0, "coarser_only": 0},
                                             "ML0502": {"organisations": 1, "coarser_only": 0}}


def test_who_is_in_a_commune_lists_present_then_coarser_only():
    rows = filter_activities(ACTIVITIES, ActivityFilter())
    table = organisations_in_unit(rows, ORGANISATIONS, UNITS, "ML050101")
    assert table[["acronym", "reported_at"]].values.tolist() == [["AMSS", 3], ["NRC", 3], ["PAM", 2]]
    assert table.loc[table["acronym"] == "NRC", "sectors"].item() == ["health", "protection"]


def test_who_is_in_an_empty_commune():
    rows = filter_activities(ACTIVITIES, ActivityFilter(sectors=("protection",)))
    assert organisations_in_unit(rows, ORGANISATIONS, UNITS, "ML050201").empty
