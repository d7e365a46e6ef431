"""Localisation reports: national NGOs among operational organisations and cluster members, funding passed
to national and local partners against the Grand Bargain's 25%, and the funder-to-partner network."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.localisation import (
    funding_to_local_partners,
    member_national_share,
    national_share,
    partner_network,
)
from dashboard.reports.params import ReportParams
from dashboard.domain.vocabulary import NO_SECTOR
from dashboard.reports.snapshot import Snapshot


def _named_regions(table: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    """Region names beside ``adm1_pcode`` (the total row, with no region, keeps an empty name)."""
    names = snapshot.unit_names()
    table = table.copy()
    table.insert(table.columns.get_loc("adm1_pcode") + 1, "region", table["adm1_pcode"].map(names))
    return table


def national_share_by_sector_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per sector (and all sectors, last row): operational organisations and the national NGOs among them. Rows
    that state no sector count in the last row only."""
    table = national_share(snapshot.rows(params.selection(snapshot)), "sector_code")
    return table[table["sector_code"] != NO_SECTOR].reset_index(drop=True)


def national_share_by_region_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per region (and the whole country, last row): operational organisations and national NGOs."""
    return _named_regions(national_share(snapshot.rows(params.selection(snapshot)), "adm1_pcode"), snapshot)


def member_share_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per cluster: members (lead, co-lead, member) and the national NGOs among them."""
    memberships = snapshot.memberships
    if params.sectors:
        memberships = memberships[memberships["sector_code"].isin(params.sectors)]
    return member_national_share(memberships, snapshot.organisations)


def _partnerships(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Agreements in the selected area and sectors (agreements are dated by themselves, not by 3W period)."""
    agreements = snapshot.partnerships
    if params.area:
        agreements = agreements[snapshot.inside(agreements["pcode"].fillna(""), params.area).to_numpy()]
    if params.sectors:
        agreements = agreements[agreements["sector_code"].isin(params.sectors)]
    return agreements


def local_funding_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per region (and in all, last row): euros to national and local partners against the 25% target."""
    agreements = _partnerships(snapshot, params)
    by_region = funding_to_local_partners(agreements, snapshot.organisations, by="adm1_pcode")
    overall = funding_to_local_partners(agreements, snapshot.organisations).assign(adm1_pcode=None)
    return _named_regions(pd.concat([by_region, overall[by_region.columns]], ignore_index=True), snapshot)


def partner_network_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Funder → intermediary → partner links with their amounts, for the network view."""
    return partner_network(_partnerships(snapshot, params), snapshot.organisations)
