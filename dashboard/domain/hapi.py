"""HDX HAPI's operational-presence format and the product's vocabulary in it (facts, no logic).

The columns and their HXL row are those of HAPI's configuration (``operational_presence.hxltags`` of
OCHA-DAP/hdx-hapi-datasets), as in ``hapi_operational_presence_tcd_sample_with_hxl.csv`` of the data mirror
(``hdx_hapi_reference``); the sector codes and names are HDX's global coordination groups
(``global_coordination_groups.csv`` there), the organisation type descriptions HAPI's. A test holds each of
these to the reference files.
"""

from __future__ import annotations

#: HAPI's operational-presence columns, in its order, with the HXL tag of each
COLUMNS: tuple[tuple[str, str], ...] = (
    ("location_code", "#country+code"),
    ("has_hrp", "#meta+has_hrp"),
    ("in_gho", "#meta+in_gho"),
    ("provider_admin1_name", "#adm1+name+provider"),
    ("provider_admin2_name", "#adm2+name+provider"),
    ("admin1_code", "#adm1+code"),
    ("admin1_name", "#adm1+name"),
    ("admin2_code", "#adm2+code"),
    ("admin2_name", "#adm2+name"),
    ("admin_level", "#adm+level"),
    ("org_acronym", "#org+acronym"),
    ("org_name", "#org+name"),
    ("org_type_description", "#org+type"),
    ("sector_code", "#sector+cluster+code"),
    ("sector_name", "#sector+cluster+name"),
    ("reference_period_start", "#date+start"),
    ("reference_period_end", "#date+end"),
)
COLUMN_NAMES = tuple(name for name, _tag in COLUMNS)
HXL_TAGS = dict(COLUMNS)

#: the countries with a profile, as HAPI's locations describe them: whether each has a humanitarian response plan
#: and whether it is in the Global Humanitarian Overview (Mali, Niger and Burkina Faso: both, in the GHO of
#: 2020 to 2025)
COUNTRIES: dict[str, dict[str, str]] = {iso3: {"has_hrp": "Y", "in_gho": "Y"} for iso3 in ("MLI", "NER", "BFA")}


def country_columns(iso3: str) -> dict[str, str]:
    """HAPI's three country columns for the rows of ``iso3``'s 3W (``has_hrp`` and ``in_gho`` left empty for a
    country not described above, rather than guessed)."""
    return {"location_code": iso3, **COUNTRIES.get(iso3, {"has_hrp": "", "in_gho": ""})}

#: the product's sectors as HDX's global coordination groups (code, English name as HAPI writes it); the
#: sectors without a global group (multi-sector, coordination, rows that state no sector) have no HAPI sector
#: and are left out of the export, which says how many rows that leaves out
SECTORS: dict[str, tuple[str, str]] = {
    "protection": ("PRO", "Protection"),
    "child_protection": ("PRO-CPN", "Child Protection"),
    "gbv": ("PRO-GBV", "Gender Based Violence"),
    "mine_action": ("PRO-MIN", "Mine Action"),
    "hlp": ("PRO-HLP", "Housing, Land and Property"),
    "health": ("HEA", "Health"),
    "education": ("EDU", "Education"),
    "food_security": ("FSC", "Food Security"),
    "nutrition": ("NUT", "Nutrition"),
    "wash": ("WSH", "Water Sanitation Hygiene"),
    "shelter_nfi": ("SHL", "Emergency Shelter and NFI"),
    "cccm": ("CCM", "Camp Coordination / Management"),
    "logistics": ("LOG", "Logistics"),
    "emergency_telecom": ("TEL", "Emergency Telecommunications"),
    "early_recovery": ("ERY", "Early Recovery"),
}

#: the product's organisation types as HAPI's ``org_type_description`` (OCHA's organisation types)
ORG_TYPES: dict[str, str] = {
    "ngo_national": "National NGO",
    "ngo_international": "International NGO",
    "un_agency": "United Nations",
    "red_cross": "Red Cross / Red Crescent",
    "government": "Government",
    "local_authority": "Government",
    "donor": "Donor",
    "private_sector": "Private sector",
    "other": "Other",
}
