"""The shape every analysis page shares: a summary line, an optional map, extra content (charts, more
tables), the report's table with its downloads, and the page's own controls beside the global filters.

A page is described by an :class:`AnalysisPage`; :mod:`dashboard.callbacks.analysis_page` recomputes all of
it when a filter or a page control changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from dash import dcc, html

from dashboard.layouts import shell
from dashboard.layouts.choropleth import MapView, Scale, map_config, stepped_figure
from dashboard.layouts.map_page import unit_labels
from dashboard.layouts.tables import report_table
from dashboard.reports.country_words import file_stem
from dashboard.reports import REPORTS, ReportParams, params_to_query, report_blank, report_notes, run_report
from dashboard.domain.filters import DEFAULT_LEVEL
from dashboard.domain.roles import Permission
from dashboard.reports.snapshot import Snapshot, StoreReader


@dataclass(frozen=True)
class MapLayer:
    """What an analysis map shows: a colour category per unit, and hover values (``customdata``)."""

    pcodes: list[str]
    categories: list[int]
    customdata: list[list]
    scale: Scale
    hover_lines: list[str]
    #: the level of ``pcodes`` when it is not the level the page's map is drawn at
    level: int | None = None


@dataclass(frozen=True)
class AnalysisPage:
    name: str
    path: str
    #: the report shown in the table and offered for download
    report: str
    summary: Callable[[Snapshot, ReportParams, pd.DataFrame], object]
    controls: Callable[[Snapshot, ReportParams], list] = lambda snapshot, params: []
    map_layer: Callable[[Snapshot, ReportParams, pd.DataFrame], MapLayer] | None = None
    extra: Callable[[Snapshot, ReportParams], list] = lambda snapshot, params: []
    table: Callable[[Snapshot, ReportParams, pd.DataFrame], object] = (
        lambda snapshot, params, frame: report_table(frame, params.lang, profile=snapshot.profile))
    #: whether the extra content is shown when the report has nothing to show (it then says where to look)
    extra_when_blank: bool = False
    #: the level the page opens at when its address does not say
    default_level: int = DEFAULT_LEVEL
    #: whether the report's downloads come below the extra content (False: each table of the extra content
    #: has its own, beside it)
    own_downloads: bool = True
    #: what a reader must know beside the summary that the store tells (the duplicate review's groups that
    #: cannot be told apart), one sentence a note
    store_notes: Callable[[Snapshot, ReportParams, StoreReader], list[str]] = (
        lambda snapshot, params, store: [])

    @property
    def permission(self) -> Permission | None:
        """What opening the page needs: the same as downloading its report."""
        return REPORTS[self.report].permission


@dataclass(frozen=True)
class PageContent:
    summary: object
    figure: object
    extra: list
    table: object
    #: the header's facts: the periods shown and their files
    facts: list


def summary_with_notes(summary: object, notes: list[str]) -> list:
    """The page's summary line, then what a reader must know beside it (one note a line)."""
    return [summary, *(part for note in notes for part in (html.Br(), html.Span(note, className="note")))]


def content(page: AnalysisPage, snapshot: Snapshot, params: ReportParams, view: MapView,
            store: StoreReader | None = None) -> PageContent:
    """The page as computed for these parameters, kept for whoever asks the same (the next filter change back
    to a view already seen is read, not computed, and sent as it was)."""
    reads_store = REPORTS[page.report].reads_store
    view = view.of(snapshot)
    key = ("page", page.name, view.key, tuple(sorted(params_to_query(params).items())),
           store.decisions_version() if reads_store and store is not None else None)
    return snapshot.cached(key, lambda: _content(page, snapshot, params, view, store))


def _content(page: AnalysisPage, snapshot: Snapshot, params: ReportParams, view: MapView,
             store: StoreReader | None) -> PageContent:
    frame = run_report(page.report, snapshot, params, store)
    blank = report_blank(page.report, snapshot, params)
    figure, notes = {}, []
    if page.map_layer is not None:
        # a level without polygons is drawn at the finest that has (the table keeps the level asked for)
        drawn = shell.map_params(snapshot, params)
        notes = shell.map_level_notes(snapshot, params)
        layer = page.map_layer(snapshot, drawn, frame if drawn is params else run_report(page.report, snapshot,
                                                                                          drawn, store))
        names = snapshot.unit_names()
        figure = stepped_figure(view, layer.level or drawn.level, layer.pcodes, unit_labels(snapshot, layer.pcodes),
                                layer.categories, layer.customdata, layer.scale, layer.hover_lines, params.area,
                                [names.get(code, code) for code in layer.pcodes])
        figure["layout"]["title"] = shell.map_title(snapshot, params, shown_periods(page, snapshot, params))
    summary = blank if blank is not None else page.summary(snapshot, params, frame)
    notes = report_notes(page.report, snapshot, params) + notes
    if store is not None and blank is None:
        notes += page.store_notes(snapshot, params, store)
    return PageContent(summary_with_notes(summary, notes), figure,
                       page.extra(snapshot, params) if blank is None or page.extra_when_blank else [],
                       page.table(snapshot, params, frame),
                       shell.header_facts(snapshot, params, shown_periods(page, snapshot, params)))


def shown_periods(page: AnalysisPage, snapshot: Snapshot, params: ReportParams) -> list[str | None] | None:
    """The periods the page's report shows (None: the period the filters select)."""
    periods = REPORTS[page.report].periods
    return periods(snapshot, params) if periods is not None else None


def layout(page: AnalysisPage, snapshot: Snapshot, params: ReportParams, view: MapView,
           store: StoreReader | None = None) -> html.Div:
    shown = content(page, snapshot, params, view, store)
    return shell.page(snapshot, params, page.name, [
        dcc.Store(id="analysis-page", data=page.name),
        html.P(shown.summary, id="analysis-summary", className="summary"),
        dcc.Graph(id="analysis-map", figure=shown.figure, className="analysis-map",
                  style=None if page.map_layer else {"display": "none"},
                  config=map_config(params.lang, f"{file_stem(snapshot.profile)}-{page.name}")),
        html.Div(shown.extra, id="analysis-extra"),
        *([shell.download_links(page.report, params)] if page.own_downloads else []),
        html.Div(shown.table, id="analysis-table"),
    ], controls=[html.Div(page.controls(snapshot, params), className="page-controls")],
        periods=shown_periods(page, snapshot, params), default_level=page.default_level)
