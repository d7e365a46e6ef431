"""The cercle brief: for one cercle, per sector, who is there, how many of its communes are covered, where
nobody works and where many do, and the national-NGO share: a one-page view for a coordination meeting."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.presence import presence_table
from dashboard.domain.vocabulary import NO_SECTOR
from dashboard.reports.coverage import DEFAULT_OVERLAP_K
from dashboard.reports.modality import states_modality, unit_modality
from dashboard.reports.needs import has_needs, needs_at
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot

BRIEF_COLUMNS = ["sector_code", "organisations", "ngo_national", "national_ngo_share", "communes_covered",
                 "communes_without", "communes_coarser_only", "communes_overlap", "communes"]


def brief_cercle(snapshot: Snapshot, params: ReportParams) -> str | None:
    """The cercle the brief is about: the selected area when it is a cercle."""
    area = params.area
    return area if area in snapshot.lineage.index and snapshot.lineage.loc[area, "level"] == 2 else None


def cercle_brief_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per sector in the cercle: organisations present (and national NGOs), and its communes with at least one
    organisation, with none (and, of those, with cercle-level reports only), and with k or more (overlaps).
    Rows that state no sector are left out here (the brief's summary counts every organisation)."""
    cercle = brief_cercle(snapshot, params)
    if cercle is None:
        return pd.DataFrame(columns=BRIEF_COLUMNS)
    rows = snapshot.rows(params.selection(snapshot), area=cercle).stated_sector(NO_SECTOR)
    at_cercle = presence_table(rows, 2, by_sector=True, area=cercle).set_index("sector_code")
    communes = presence_table(rows, 3, by_sector=True, area=cercle)
    total, sector = communes["total"].to_numpy(), communes["sector_code"]
    per_sector = pd.DataFrame({"communes_covered": total > 0, "communes_without": total == 0,
                               "communes_overlap": total >= DEFAULT_OVERLAP_K, "communes": True,
                               "coarser": (total == 0) & (communes["coarser_only"].to_numpy() > 0)}
                              ).groupby(sector.to_numpy(), sort=False).sum()
    coarser = per_sector.pop("coarser")
    table = pd.DataFrame({
        "sector_code": at_cercle.index,
        "organisations": at_cercle["total"].values,
        "ngo_national": at_cercle.get("ngo_national", pd.Series(0, index=at_cercle.index)).values,
        "national_ngo_share": at_cercle["national_ngo_share"].values,
    })
    table = table.join(per_sector, on="sector_code")
    table["communes_coarser_only"] = table["sector_code"].map(coarser).fillna(0).astype(int)
    table = table[table["organisations"] > 0][BRIEF_COLUMNS].reset_index(drop=True)
    return with_need_and_modality(table, snapshot, rows, cercle, params.selection(snapshot).period)


def with_need_and_modality(table: pd.DataFrame, snapshot: Snapshot, rows, cercle: str,
                           period: str | None) -> pd.DataFrame:
    """The brief's table with, when the data has them, the people in need of the cercle by sector (HNO) and
    how many organisations are physically there and how many only remotely or through partners."""
    if has_needs(snapshot):
        at_cercle = needs_at(snapshot, 2)
        at_cercle = at_cercle[(at_cercle["pcode"] == cercle) & ~at_cercle["intersectoral"]]
        table["people_in_need"] = table["sector_code"].map(
            at_cercle.set_index("sector_code")["people_in_need"]).astype("Float64")
    if states_modality(snapshot, period):
        modality = unit_modality(snapshot, rows, cercle, by_sector=True)
        for column in ("physically_present", "remote_or_partners"):
            table[column] = table["sector_code"].map(modality[column]).fillna(0).astype(int)
    return table
