"""People in need (HNO) as the reports read them: what gaps are ranked by, the figures at a level, and where
they come from. The need-coverage report itself is in :mod:`dashboard.reports.coverage` with the gaps."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.needs import need_denominator, needs_at_level
from dashboard.i18n import format_date, translate
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot

RANKS = ("need", "population")


def has_needs(snapshot: Snapshot) -> bool:
    return not snapshot.needs.empty


def gap_rank(snapshot: Snapshot, params: ReportParams) -> str:
    """What gaps are ranked by: ``rank=population`` or ``rank=need`` when asked, else people in need when needs
    are imported, else population. Asked for need without needs, it is population (a note says so)."""
    asked = params.option("rank")
    if asked == "population" or not has_needs(snapshot):
        return "population"
    return "need"


def needs_at(snapshot: Snapshot, level: int) -> pd.DataFrame:
    """People in need of each unit of ``level`` and sector (:func:`needs_at_level`), made once per version."""
    def compute() -> pd.DataFrame:
        lineage = snapshot.lineage
        region_of = lineage.loc[lineage["level"] == 2, "adm1_pcode"]
        return needs_at_level(snapshot.needs, level, region_of)
    return snapshot.cached(("needs_at", level), compute)


def need_ranking(snapshot: Snapshot, params: ReportParams) -> pd.Series:
    """People in need by (unit, sector) at the parameters' level: the denominator gaps are ranked by."""
    return need_denominator(needs_at(snapshot, params.level))


def needs_notes(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """Where the people in need come from (plan year, file, source, import date), or why they are not used."""
    lang = params.lang
    if not has_needs(snapshot):
        return [translate("needs.none", lang)]
    source = snapshot.needs_source or {}
    notes = [translate("needs.source", lang, year=int(snapshot.needs["year"].iloc[0]),
                       file=source.get("file_name", ""), source=source.get("source") or "-",
                       date=format_date(source.get("imported_at"), lang))]
    if params.level == 3:
        notes.append(translate("needs.not_communes", lang))
    return notes


def gap_notes(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """What a reader of the gaps must know about their ranking."""
    if gap_rank(snapshot, params) == "population":
        if params.option("rank") == "need":
            return [translate("needs.none", params.lang)]
        return []
    return [translate("gaps.ranked_by_need", params.lang), *needs_notes(snapshot, params)]
