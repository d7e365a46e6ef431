"""Personnes: people targeted and reached per unit, and the activities' status, when the 3W gives them (a map
of the people reached, or targeted, per unit; the table by unit). The December 2023 sample gives neither: the
page then says which columns would."""

from __future__ import annotations

import math

import pandas as pd
from dash import html

from dashboard.analysis.people import coarser_rows
from dashboard.i18n import format_number, translate
from dashboard.layouts.analysis_page import AnalysisPage, MapLayer
from dashboard.layouts.choropleth import Scale
from dashboard.layouts.controls import dropdown
from dashboard.layouts.shell import page_param
from dashboard.reports import ReportParams
from dashboard.reports.country_words import country_text, level_plural
from dashboard.reports.people import selected_people
from dashboard.reports.snapshot import Snapshot

MEASURES = ("reached", "targeted")
#: people per unit: none reported, then bins
PEOPLE_BINS = ((1, 999), (1_000, 4_999), (5_000, 19_999), (20_000, 99_999), (100_000, None))
PEOPLE_COLOURS = ("#f4f4f4", "#fee6ce", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")


def measure(params: ReportParams) -> str:
    value = params.option("measure", "reached")
    return value if value in MEASURES else "reached"


def _category(value: float) -> int:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value <= 0:
        return 0
    for index, (low, high) in enumerate(PEOPLE_BINS):
        if value >= low and (high is None or value <= high):
            return index + 1
    return len(PEOPLE_BINS)


def _bin_label(low: int, high: int | None, lang: str) -> str:
    return f"{format_number(low, lang)}+" if high is None else f"{format_number(low, lang)}–{format_number(high, lang)}"


def people_map(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> MapLayer:
    lang, shown = params.lang, measure(params)
    values = frame[shown]
    scale = Scale(translate(f"people.map.{shown}", lang), PEOPLE_COLOURS,
                  (translate("people.legend.none", lang), *(_bin_label(low, high, lang) for low, high in PEOPLE_BINS)))
    hover = [translate("people.hover.targeted", lang, count="%{customdata[0]}"),
             translate("people.hover.reached", lang, count="%{customdata[1]}"),
             translate("people.hover.status", lang, ongoing="%{customdata[2]}", planned="%{customdata[3]}",
                       completed="%{customdata[4]}")]

    def number(value: float) -> str:
        return "—" if value is None or math.isnan(value) else format_number(int(round(value)), lang)
    return MapLayer(frame["pcode"].tolist(), [_category(value) for value in values],
                    [[number(t), number(r), int(o), int(p), int(c)] for t, r, o, p, c in zip(
                        frame["targeted"], frame["reached"], frame["rows_ongoing"], frame["rows_planned"],
                        frame["rows_completed"])], scale, hover)


def people_summary(snapshot: Snapshot, params: ReportParams, frame: pd.DataFrame) -> object:
    lang = params.lang
    selected = selected_people(snapshot, params)
    if selected.empty:
        return html.Span(translate("people.none", lang), id="people-none")
    targeted, reached = frame["targeted"].sum(min_count=1), frame["reached"].sum(min_count=1)
    statuses = {name: format_number(int(frame[f"rows_{name}"].sum()), lang)
                for name in ("ongoing", "planned", "completed", "other_status")}
    text = translate("people.summary", lang,
                     targeted="—" if pd.isna(targeted) else format_number(int(round(targeted)), lang),
                     reached="—" if pd.isna(reached) else format_number(int(round(reached)), lang),
                     share=f"{reached / targeted:.0%}" if pd.notna(targeted) and targeted > 0 and pd.notna(reached)
                     else "—",
                     units=format_number(int((frame["targeted"].notna() | frame["reached"].notna()).sum()), lang),
                     level=level_plural(snapshot.profile, params.level, lang), **statuses)
    coarser = coarser_rows(selected, params.level)
    notes = [translate("people.caveat", lang)]
    if coarser:
        notes.append(country_text(snapshot.profile, "people.coarser", lang, rows=format_number(coarser, lang),
                               level=level_plural(snapshot.profile, params.level, lang)))
    return html.Span([text, *[part for note in notes for part in (html.Br(), html.Span(note, className="note"))]])


def people_controls(snapshot: Snapshot, params: ReportParams) -> list:
    lang = params.lang
    return [html.Label([translate("people.measure", lang),
                        dropdown(lang, id=page_param("measure"), value=measure(params), clearable=False,
                                 options=[{"label": translate(f"people.measure.{name}", lang), "value": name}
                                          for name in MEASURES])])]


PEOPLE = AnalysisPage("people", "/personnes", "people", people_summary, people_controls, people_map, default_level=2)
