"""Localisation on hand-made fixtures, and the funding share on the real APO partnership table."""

import math

import pandas as pd
import pytest

from dashboard.analysis.localisation import (
    GRAND_BARGAIN_TARGET,
    funding_to_local_partners,
    is_local_partner,
    member_national_share,
    national_ngo_share,
    partner_network,
)
from dashboard.config import get_settings

ORGANISATIONS = pd.DataFrame([
    (1, "NRC", "Norwegian Refugee Council", "ngo_international", "international"),
    (2, "AMSS", "Association Malienne pour la Survie au Sahel", "ngo_national", "national"),
    (3, "PAM", "Programme Alimentaire Mondial", "un_agency", "international"),
    (4, "CRM", "Croix-Rouge malienne", "red_cross", "national"),          # a national society
    (5, "TASSAGHT", "Tassaght", "ngo_national", None),
    (6, "CICR", "Comité international de la Croix-Rouge", "red_cross", "international"),
    (7, "DRS", "Direction Régionale de la Santé", "government", None),     # type alone makes it local
    (8, "Mairie", "Mairie de Gao", "local_authority", "national"),
    (9, "OM", "Orange Mali", "private_sector", "national"),                # local by its scope
    (10, "ECHO", "Commission européenne (ECHO)", "donor", "international"),
    (11, "PROMAN", "PROMAN", "private_sector", "international"),
    (12, "BHA", "USAID BHA", "donor", None),
], columns=["organisation_id", "acronym", "name", "org_type", "scope"])
TYPES = dict(zip(ORGANISATIONS["organisation_id"], ORGANISATIONS["org_type"]))


def activity(org, sector, region, period="2023-12"):
    return {"batch_id": 1, "period": period, "organisation_id": org, "org_type": TYPES[org], "sector_code": sector,
            "location_level": 1, "adm1_pcode": region, "adm2_pcode": None, "adm3_pcode": None}


ACTIVITIES = pd.DataFrame([
    activity(1, "health", "ML05"), activity(1, "protection", "ML05"), activity(2, "health", "ML05"),
    activity(2, "health", "ML06"), activity(3, "food_security", "ML06"), activity(5, "protection", "ML06"),
    activity(4, "health", "ML06"), activity(4, "health", "ML06"),
])


def table(frame, keys):
    return {tuple(row[k] for k in keys): (row[frame.columns[len(keys)]], row["national_ngos"], round(row["share"], 4))
            for row in frame.to_dict("records")}


def test_national_ngo_share_by_sector():
    # food_security {PAM}: 1, 0 | health {NRC, AMSS, CRM}: 3, 1 | protection {NRC, TASSAGHT}: 2, 1
    # total {NRC, AMSS, PAM, CRM, TASSAGHT}: 5 organisations, 2 national NGOs (not 1+3+2 = 6: NRC counts once)
    result = national_ngo_share(ACTIVITIES)
    assert list(result.columns) == ["sector_code", "organisations", "national_ngos", "share"]
    assert table(result, ["sector_code"]) == {("food_security",): (1, 0, 0.0), ("health",): (3, 1, 0.3333),
                                              ("protection",): (2, 1, 0.5), (None,): (5, 2, 0.4)}
    assert result["sector_code"].iloc[-1] is None  # the total comes last


def test_national_ngo_share_by_region_and_by_both():
    # ML05 {NRC, AMSS}: 2, 1 | ML06 {AMSS, PAM, TASSAGHT, CRM}: 4, 2
    assert table(national_ngo_share(ACTIVITIES, by=("adm1_pcode",)), ["adm1_pcode"]) == {
        ("ML05",): (2, 1, 0.5), ("ML06",): (4, 2, 0.5), (None,): (5, 2, 0.4)}
    both = national_ngo_share(ACTIVITIES, by=("sector_code", "adm1_pcode"))
    assert table(both, ["sector_code", "adm1_pcode"]) == {
        ("food_security", "ML06"): (1, 0, 0.0), ("health", "ML05"): (2, 1, 0.5), ("health", "ML06"): (2, 1, 0.5),
        ("protection", "ML05"): (1, 0, 0.0), ("protection", "ML06"): (1, 1, 1.0), (None, None): (5, 2, 0.4)}
    assert table(national_ngo_share(ACTIVITIES, by=()), []) == {(): (5, 2, 0.4)}


def test_national_ngo_share_takes_types_from_organisations_and_categoricals():
    # The organisation table is the canonical type: here the frame's org_type is useless ("other").
    frame = ACTIVITIES.assign(org_type="other").astype({"sector_code": "category", "adm1_pcode": "category"})
    result = national_ngo_share(frame, ORGANISATIONS, by=("sector_code",))
    assert table(result, ["sector_code"]) == table(national_ngo_share(ACTIVITIES), ["sector_code"])
    with pytest.raises(ValueError):
        national_ngo_share(ACTIVITIES, by=("pcode",))


MEMBERSHIPS = pd.DataFrame([
    (1, "health", "member", None), (2, "health", "Co-Lead", None), (3, "health", "lead", None),
    (5, "health", "observer", None),                       # observers are not members
    (2, "protection", "member", None), (5, "protection", "member", None), (1, "protection", "lead", None),
    (2, "protection", "member", "ML05"),                   # AMSS also in the Mopti sub-national cluster: once
], columns=["organisation_id", "sector_code", "role", "admin_pcode"])


def test_member_national_share():
    # health {NRC, AMSS, PAM}: 3, 1 | protection {AMSS, TASSAGHT, NRC}: 3, 2
    # total {NRC, AMSS, PAM, TASSAGHT}: 4, 2 (TASSAGHT, an observer in health, is a member of protection)
    result = member_national_share(MEMBERSHIPS, ORGANISATIONS)
    assert list(result.columns) == ["sector_code", "members", "national_ngos", "share"]
    assert table(result, ["sector_code"]) == {("health",): (3, 1, 0.3333), ("protection",): (3, 2, 0.6667),
                                              (None,): (4, 2, 0.5)}
    assert table(member_national_share(MEMBERSHIPS, ORGANISATIONS, by_sector=False), ["sector_code"]) == {
        (None,): (4, 2, 0.5)}


def partnership(funder, partner, amount, pcode, intermediary=None):
    return {"funder_id": funder, "intermediary_id": intermediary, "partner_id": partner, "amount_eur": amount,
            "pcode": pcode, "sector_code": None, "start_date": None, "end_date": None}


PARTNERSHIPS = pd.DataFrame([
    partnership(10, 1, 400.0, "ML05"),              # ECHO -> NRC (international)
    partnership(10, 2, 100.0, "ML0501"),            # ECHO -> AMSS (national NGO), a cercle of Mopti
    partnership(10, 4, 50.0, "ML06"),               # ECHO -> CRM (national Red Cross society)
    partnership(12, 6, 200.0, "ML06"),              # BHA -> CICR (international Red Cross)
    partnership(10, 7, 150.0, "ML07", intermediary=11),  # ECHO via PROMAN -> DRS (government)
    partnership(10, 8, None, "ML07"),               # ECHO -> Mairie, amount unknown
    partnership(10, 1, None, None),                 # ECHO -> NRC, amount and place unknown
])


def test_local_partner_rule():
    local = is_local_partner(ORGANISATIONS)
    assert sorted(local[local].index) == [2, 4, 5, 7, 8, 9]


def test_funding_share_overall():
    # total known 400+100+50+200+150 = 900; local AMSS 100 + CRM 50 + DRS 150 = 300 -> 1/3 >= 25%
    # 7 agreements, 4 to local partners (AMSS, CRM, DRS, Mairie); 2 without amount, 1 of them local (Mairie)
    row = funding_to_local_partners(PARTNERSHIPS, ORGANISATIONS).to_dict("records")
    assert len(row) == 1
    row = row[0]
    counts = (row["agreements"], row["local_agreements"], row["amount_missing"], row["local_amount_missing"])
    assert counts == (7, 4, 2, 1)
    assert (row["total_eur"], row["local_eur"]) == (900.0, 300.0)
    assert row["local_share"] == pytest.approx(1 / 3)
    assert row["target"] == GRAND_BARGAIN_TARGET == 0.25
    assert bool(row["meets_target"])


def test_funding_share_by_region_and_by_funder():
    # ML05: 400 + 100 (ML0501 is in ML05) -> 100/500 = 0.2, below target; ML06: 50/(50+200) = 0.2;
    # ML07: 150/150 = 1.0 and the Mairie agreement without amount; no place: 1 agreement, amount unknown.
    by_region = funding_to_local_partners(PARTNERSHIPS, ORGANISATIONS, by="adm1_pcode")
    rows = {row["adm1_pcode"]: row for row in by_region.to_dict("records")}
    assert set(rows) == {"ML05", "ML06", "ML07", None}
    assert [(rows[k]["total_eur"], rows[k]["local_eur"], rows[k]["amount_missing"], bool(rows[k]["meets_target"]))
            for k in ("ML05", "ML06", "ML07")] == [(500.0, 100.0, 0, False), (250.0, 50.0, 0, False),
                                                  (150.0, 150.0, 1, True)]
    assert rows["ML05"]["local_share"] == pytest.approx(0.2)
    assert (rows[None]["agreements"], rows[None]["amount_missing"], rows[None]["total_eur"]) == (1, 1, 0.0)
    assert math.isnan(rows[None]["local_share"]) and not rows[None]["meets_target"]
    assert by_region["agreements"].sum() == len(PARTNERSHIPS)   # nothing dropped
    # ECHO (10): 700 known, 300 local -> 3/7; BHA (12): 200, none local -> 0
    by_funder = {row["funder_id"]: row for row in funding_to_local_partners(PARTNERSHIPS, ORGANISATIONS,
                                                                            by="funder_id").to_dict("records")}
    assert by_funder[10]["local_share"] == pytest.approx(3 / 7) and by_funder[10]["meets_target"]
    assert by_funder[12]["local_share"] == 0.0 and not by_funder[12]["meets_target"]
    with pytest.raises(ValueError):
        funding_to_local_partners(PARTNERSHIPS, ORGANISATIONS, by="sector_code")


def test_partner_network_edges():
    edges = partner_network(PARTNERSHIPS, ORGANISATIONS)
    found = {(row["source_label"], row["target_label"], row["kind"]): (row["agreements"], row["amount_eur"],
                                                                      row["amount_missing"], row["target_local"])
             for row in edges.to_dict("records")}
    assert found.keys() == {("ECHO", "NRC", "direct"), ("ECHO", "AMSS", "direct"), ("ECHO", "CRM", "direct"),
                            ("BHA", "CICR", "direct"), ("ECHO", "PROMAN", "funder_to_intermediary"),
                            ("PROMAN", "DRS", "intermediary_to_partner"), ("ECHO", "Mairie", "direct")}
    assert found[("ECHO", "NRC", "direct")] == (2, 400.0, 1, False)
    assert found[("PROMAN", "DRS", "intermediary_to_partner")] == (1, 150.0, 0, True)
    assert found[("ECHO", "PROMAN", "funder_to_intermediary")][:2] == (1, 150.0)
    assert math.isnan(found[("ECHO", "Mairie", "direct")][1])
    # the edges into partners carry all the money once
    into_partners = edges[edges["kind"] != "funder_to_intermediary"]
    assert into_partners["amount_eur"].sum() == 900.0 and into_partners["agreements"].sum() == 7


APO_CSV = get_settings().data_mirror / "partnerships_apo_ddrk_ddrg_2023" / "partnerships_apo_2023.csv"
#: partner types from SOURCE.md's list of acronyms: technical services and public agency = government,
#: interim authorities = local authority, the consular chamber = other but national, the ASACO (not listed
#: here) and the other associations = national NGOs
APO_PARTNER_TYPES = {"DREFP_FAT": "government", "DRS-KIDAL": "government", "DRSV": "government", "DRPIA": "government",
                     "DRA": "government", "DREFP-GAO": "government", "APEJ": "government",
                     "AI-KIDAL": "local_authority", "AI-Gao": "local_authority", "CRA-GAO": "other",
                     "CRK-Kidal": "ngo_national", "FERASCOM": "ngo_national"}


@pytest.fixture(scope="module")
def apo():
    if not APO_CSV.is_file():
        pytest.skip(f"partnership table not found at {APO_CSV}")
    csv = pd.read_csv(APO_CSV)
    partners = sorted(csv["partner"].unique())
    organisations = pd.DataFrame(
        [(1, "Luxembourg", "Luxembourg (coopération bilatérale)", "donor", "international"),
         (2, "PROMAN", "PROMAN", "private_sector", "international")]
        # scope left unknown except for the chamber, whose type alone would not make it local
        + [(100 + n, name, name, APO_PARTNER_TYPES.get(name, "ngo_national"),
            "national" if APO_PARTNER_TYPES.get(name) == "other" else None) for n, name in enumerate(partners)],
        columns=["organisation_id", "acronym", "name", "org_type", "scope"])
    ids = dict(zip(organisations["acronym"], organisations["organisation_id"]))
    partnerships = pd.DataFrame({"funder_id": 1, "intermediary_id": 2, "partner_id": csv["partner"].map(ids),
                                 "amount_eur": csv["amount_eur"].astype(float), "pcode": csv["region_pcode"],
                                 "sector_code": None, "start_date": csv["signature_date"], "end_date": csv["end_date"]})
    return csv, partnerships, organisations


def test_apo_agreements_all_go_to_local_partners(apo):
    csv, partnerships, organisations = apo
    assert len(csv) == len(partnerships) == 18 and csv["partner"].nunique() == 18
    row = funding_to_local_partners(partnerships, organisations).iloc[0]
    # every partner is national/local, so the share is 100% of the euro total, the sum of amount_eur
    assert row["total_eur"] == row["local_eur"] == csv["amount_eur"].sum() == 1_568_740 + 532_657
    assert row["local_share"] == 1.0 and row["meets_target"] and row["amount_missing"] == 0
    # SOURCE.md: the 11 Kidal (ML08) rows add up to 1,568,740 EUR; the 7 Gao (ML07) rows to 532,657
    by_region = funding_to_local_partners(partnerships, organisations, by="adm1_pcode").set_index("adm1_pcode")
    assert by_region["total_eur"].to_dict() == {"ML07": 532_657.0, "ML08": 1_568_740.0}
    assert by_region["agreements"].to_dict() == {"ML07": 7, "ML08": 11}
    # through the executing agency: Luxembourg -> PROMAN, then PROMAN -> each of the 18 partners
    edges = partner_network(partnerships, organisations)
    assert edges["kind"].value_counts().to_dict() == {"intermediary_to_partner": 18, "funder_to_intermediary": 1}


def test_apo_share_if_one_partner_were_international(apo):
    csv, partnerships, organisations = apo
    # counterfactual: AI-KIDAL (472,638 EUR) typed as an international NGO -> share = 1 - 472638/2101397
    changed = organisations.copy()
    changed.loc[changed["acronym"] == "AI-KIDAL", ["org_type", "scope"]] = ["ngo_international", "international"]
    row = funding_to_local_partners(partnerships, changed).iloc[0]
    amount = csv.loc[csv["partner"] == "AI-KIDAL", "amount_eur"].item()
    assert amount == 472_638
    assert row["local_share"] == pytest.approx(1 - amount / csv["amount_eur"].sum())
    assert row["local_agreements"] == 17
