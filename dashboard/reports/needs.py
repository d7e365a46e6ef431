"""People in need (HNO) as the reports read them: what gaps are ranked by, the figures at a level, and where
they come from. The need-coverage report itself is in :mod:`dashboard.reports.coverage` with the gaps."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.needs import FOOD_COLUMNS, food_insecurity_table, need_denominator, needs_at_level
from dashboard.reports.country_words import country_text
from dashboard.reports.describe import with_unit_names
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
    notes = [country_text(snapshot.profile, "needs.source", lang, year=int(snapshot.needs["year"].iloc[0]),
                       file=source.get("file_name", ""), source=source.get("source") or "-",
                       date=format_date(source.get("imported_at"), lang))]
    if params.level == 3:
        notes.append(country_text(snapshot.profile, "needs.not_communes", lang))
    return notes


def gap_notes(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """What a reader of the gaps must know about their ranking."""
    if gap_rank(snapshot, params) == "population":
        if params.option("rank") == "need":
            return [translate("needs.none", params.lang)]
        return []
    return [translate("gaps.ranked_by_need", params.lang), *needs_notes(snapshot, params)]


def food_insecurity_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per region or cercle: the Cadre Harmonisé's population in phase 3+ (current and projected, latest cycle)
    beside the food-security organisations present (the other filters apply; the sector filter does not), the
    most people projected in phase 3+ first. Empty at the commune level (no figures by commune)."""
    food = snapshot.food_insecurity
    if food is None or params.level not in (1, 2):
        return pd.DataFrame(columns=FOOD_COLUMNS)
    selection = snapshot.rows(params.selection(snapshot), sectors=("food_security",))
    lineage = snapshot.lineage
    table = food_insecurity_table(selection, params.level, food.table, snapshot.units_in(params.level, params.area),
                                  lineage.loc[lineage["level"] == 2, "adm1_pcode"])
    return with_unit_names(table, snapshot)


def food_insecurity_notes(snapshot: Snapshot, params: ReportParams) -> list[str]:
    """The cycle and source, the codes translated to the 2021 units, and what a level cannot show."""
    lang, food = params.lang, snapshot.food_insecurity
    if food is None:
        return [translate("food.none", lang)]
    notes = [translate("food.source", lang, year=food.cycle["year"], label=food.cycle["label"],
                       current=food.cycle.get("current", "-"), projected=food.cycle.get("projected", "-"))]
    names = snapshot.unit_names()
    translations = food.translations
    communes = translations[translations["how"] == "commune"]
    moved = [translate("food.how.communes", lang, codes=", ".join(group["code"]), count=len(group),
                       to=f"{names.get(to_pcode, '')} ({to_pcode})")
             for to_pcode, group in communes.groupby("to_pcode", sort=False)]
    moved += [translate(f"food.how.{row.how}", lang, code=row.code, name=row.name,
                        to=f"{names.get(row.to_pcode, '')} ({row.to_pcode})" if row.to_pcode else "")
              for row in translations[translations["how"] != "commune"].itertuples()]
    if moved:
        notes.append(translate("food.translated", lang, codes="; ".join(moved)))
    if params.level == 3:
        notes.append(country_text(snapshot.profile, "food.not_communes", lang))
    elif params.level == 2 and (food.table["level"] == 1).any():
        regions = ", ".join(f"{names.get(code, code)} ({code})" for code in food.table.loc[food.table["level"] == 1, "pcode"])
        notes.append(country_text(snapshot.profile, "food.region_only", lang, regions=regions))
    return notes
