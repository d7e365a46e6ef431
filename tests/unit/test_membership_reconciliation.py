"""Membership reconciliation on a hand-made fixture: silent members and reporters who are not members."""

import pandas as pd

from dashboard.analysis.membership import member_rows, membership_reconciliation, normalise_role

ORGANISATIONS = pd.DataFrame([(1, "NRC", "Norwegian Refugee Council", "ngo_international", "international"),
                              (2, "AMSS", "Association Malienne pour la Survie au Sahel", "ngo_national", "national"),
                              (3, "PAM", "Programme Alimentaire Mondial", "un_agency", "international"),
                              (4, "CRM", "Croix-Rouge malienne", "red_cross", "national"),
                              (5, "tassaght", "Tassaght", "ngo_national", "national"),
                              (6, "IRC", "International Rescue Committee", "ngo_international", "international"),
                              (7, None, "Sans Acronyme", "ngo_national", "national")],
                             columns=["organisation_id", "acronym", "name", "org_type", "scope"])
TYPES = dict(zip(ORGANISATIONS["organisation_id"], ORGANISATIONS["org_type"]))

MEMBERSHIPS = pd.DataFrame([
    (1, "protection", "lead", None), (2, "protection", "Membre", None), (5, "protection", "member", "ML06"),
    (6, "protection", "Observateur", None),                 # observer: not a member
    (4, "gbv", "member", None),                              # the GBV area of responsibility
    (3, "health", "member", None), (2, "health", "Co-Lead", None),
], columns=["organisation_id", "sector_code", "role", "admin_pcode"])


def activity(org, sector, period="2023-12"):
    return {"batch_id": 1 if period == "2023-09" else 2, "period": period, "organisation_id": org,
            "org_type": TYPES[org], "sector_code": sector, "location_level": 1, "adm1_pcode": "ML05",
            "adm2_pcode": None, "adm3_pcode": None}


ACTIVITIES = pd.DataFrame([
    activity(1, "protection"),
    activity(2, "gbv"),            # AMSS, a protection member, reports GBV work only: reports for protection
    activity(6, "protection"),     # IRC, observer only
    activity(3, "health"), activity(4, "health"),
    activity(1, "education"), activity(7, "education"),   # education has no membership list: not reconciled
    activity(5, "protection", period="2023-09"),          # TASSAGHT reported in September only
])


def rows(result):
    return {row["sector_code"]: row for row in result.to_dict("records")}


def test_latest_period_by_hand():
    # 2023-12 (latest). Clusters with a list: gbv, health, protection.
    #   gbv:        members {CRM}; reporters {AMSS} -> silent [CRM], not members [AMSS]
    #   health:     members {PAM, AMSS}; reporters {PAM, CRM} -> silent [AMSS], not members [CRM]
    #   protection: members {NRC, AMSS, TASSAGHT} + GBV member CRM = 4; reporters NRC, IRC + GBV reporter AMSS = 3
    #               -> silent [CRM, tassaght] (sorted ignoring case), not members [IRC] (observer)
    result = membership_reconciliation(ACTIVITIES, MEMBERSHIPS, ORGANISATIONS)
    found = rows(result)
    assert list(found) == ["gbv", "health", "protection"]
    assert set(result["period"]) == {"2023-12"}
    summary = {code: (row["members"], row["reporters"], row["silent_members"], row["non_member_reporters"])
               for code, row in found.items()}
    assert summary == {"gbv": (1, 1, ["CRM"], ["AMSS"]),
                       "health": (2, 2, ["AMSS"], ["CRM"]),
                       "protection": (4, 3, ["CRM", "tassaght"], ["IRC"])}
    assert found["protection"]["silent_member_ids"] == [4, 5]
    assert found["protection"]["non_member_ids"] == [6]
    assert (found["protection"]["silent_count"], found["protection"]["non_member_count"]) == (2, 1)
    # the activity frame of the store has categorical columns: same answer
    categorical = ACTIVITIES.astype({"period": "category", "sector_code": "category", "org_type": "category"})
    assert membership_reconciliation(categorical, MEMBERSHIPS, ORGANISATIONS).equals(result)


def test_earlier_period_and_empty_lists():
    # 2023-09: only TASSAGHT reported, in protection.
    #   gbv: silent [CRM]; health: silent [AMSS, PAM]; protection: silent [AMSS, CRM, NRC]; no outsiders
    found = rows(membership_reconciliation(ACTIVITIES, MEMBERSHIPS, ORGANISATIONS, period="2023-09"))
    assert {code: (row["silent_members"], row["non_member_reporters"], row["non_member_count"])
            for code, row in found.items()} == {"gbv": (["CRM"], [], 0), "health": (["AMSS", "PAM"], [], 0),
                                                "protection": (["AMSS", "CRM", "NRC"], [], 0)}
    # a period nobody reported in: every member is silent
    found = rows(membership_reconciliation(ACTIVITIES, MEMBERSHIPS, ORGANISATIONS, period="2022-01"))
    assert found["protection"]["silent_count"] == 4 and found["protection"]["reporters"] == 0


def test_label_falls_back_to_the_name():
    memberships = pd.concat([MEMBERSHIPS, pd.DataFrame([(7, "education", "member", None)],
                                                       columns=MEMBERSHIPS.columns)])
    found = rows(membership_reconciliation(ACTIVITIES, memberships, ORGANISATIONS))
    # education now has a list {Sans Acronyme}; reporters NRC and Sans Acronyme -> NRC is not a member
    assert (found["education"]["silent_members"], found["education"]["non_member_reporters"]) == ([], ["NRC"])
    memberships.loc[memberships["sector_code"] == "education", "role"] = "observer"
    found = rows(membership_reconciliation(ACTIVITIES, memberships, ORGANISATIONS))
    assert found["education"]["members"] == 0
    assert found["education"]["non_member_reporters"] == ["NRC", "Sans Acronyme"]


def test_roles():
    assert [normalise_role(role) for role in ("Lead", "co lead", "CO_LEAD", "Co-Lead", "membre", "Observer",
                                              "Chef de file")] == ["lead", "co-lead", "co-lead", "co-lead",
                                                                    "member", "observer", "lead"]
    assert sorted(member_rows(MEMBERSHIPS)["organisation_id"]) == [1, 2, 2, 3, 4, 5]
