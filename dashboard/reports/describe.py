"""What a report says about itself: unit names beside P-codes, the filters in words, the export header."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.filters import latest_period
from dashboard.exports import ExportHeader
from dashboard.i18n import catalogue, format_period, language, translate
from dashboard.reports.params import ReportParams
from dashboard.vocabulary import ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY
from dashboard.web_data import Snapshot


def with_unit_names(frame: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    """Add, after the ``pcode`` column, the unit's name and the names of the cercle and region containing
    it (only the levels above the units listed)."""
    lineage = snapshot.lineage.reindex(frame["pcode"])
    finest = int(lineage["level"].max()) if len(lineage) else 1
    columns = ["name"] + (["cercle"] if finest >= 3 else []) + (["region"] if finest >= 2 else [])
    position = frame.columns.get_loc("pcode") + 1
    frame = frame.copy()
    for offset, column in enumerate(columns):
        frame.insert(position + offset, column, lineage[column].values)
    return frame


def describe_filters(snapshot: Snapshot, params: ReportParams) -> str:
    """The filters in words, e.g. "Niveau : Commune · Secteur : Protection · Période : décembre 2023"."""
    lang = params.lang
    acronyms = dict(zip(snapshot.organisations["organisation_id"], snapshot.organisations["acronym"]))
    period = params.period or latest_period(snapshot.activities)
    parts = [(translate("filters.level", lang), translate(f"level.{params.level}", lang))]
    if params.area:
        parts.append((translate("filters.area", lang), snapshot.unit_names().get(params.area, params.area)))
    if params.sectors:
        parts.append((translate("filters.sector", lang),
                      ", ".join(SECTOR_VOCABULARY.label(code, lang) for code in params.sectors)))
    if params.org_types:
        parts.append((translate("filters.org_type", lang),
                      ", ".join(ORG_TYPE_VOCABULARY.label(code, lang) for code in params.org_types)))
    if params.organisations and not snapshot.public:
        parts.append((translate("filters.organisation", lang),
                      ", ".join(str(acronyms.get(org, org)) for org in params.organisations)))
    if period:
        parts.append((translate("filters.period", lang), format_period(period, lang)))
    parts.extend((name, value) for name, value in params.options.items())
    separator = " : " if lang == "fr" else ": "
    return " · ".join(f"{name}{separator}{value}" for name, value in parts)


def report_header(name: str, snapshot: Snapshot, params: ReportParams) -> ExportHeader:
    lang, batch = params.lang, snapshot.latest_batch
    lines = [translate("export.filters", lang, filters=describe_filters(snapshot, params))]
    if batch:
        lines.append(translate("header.as_of", lang, period=format_period(batch.period, lang)))
        lines.append(translate("header.source", lang, source=batch.source or batch.file_name))
    lines.append(translate("header.boundaries", lang))
    return ExportHeader(translate(f"report.{name}", lang), tuple(lines))


def labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Column headers in the user's language (machine names stay for columns without a label)."""
    labels = catalogue(language(lang))
    return frame.rename(columns={column: labels.get(f"column.{column}", column) for column in frame.columns})
