"""What a report says about itself: unit names beside P-codes, the filters in words, the export header."""

from __future__ import annotations


import pandas as pd

from dashboard.i18n import catalogue, format_date, format_number, format_period, language, translate
from dashboard.reports.params import ReportParams
from dashboard.domain.country import CountryProfile
from dashboard.reports.country_words import boundaries_line, country_text, level_label, level_plural, level_unit
from dashboard.domain.filters import FILTERS, Filter, FilterKind
from dashboard.domain.vocabulary import NO_SECTOR, ORG_TYPE_VOCABULARY, SECTOR_VOCABULARY, VOCABULARIES
from dashboard.reports.snapshot import Snapshot


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


def describe_option(name: str, value: str, lang: str) -> tuple[str, str]:
    """A report's own setting in words ("Comparer avec la période : mars 2022"); unknown ones as given."""
    words = {"from": ("change.from", lambda: format_period(value, lang)),
             "by": ("change.by", lambda: translate(f"change.by.{value}", lang)),
             "k": ("overlaps.k", lambda: value),
             "without": ("gaps.without", lambda: ORG_TYPE_VOCABULARY.label(value, lang)),
             "rank": ("gaps.rank", lambda: translate(f"gaps.rank.{value}", lang)),
             "map": ("needs.map", lambda: translate(f"needs.map.{value}", lang)),
             "year": ("column.year", lambda: value),
             "status": ("duplicates.status", lambda: translate(f"duplicates.status.{value}", lang)),
             "measure": ("people.measure", lambda: translate(f"people.measure.{value}", lang))}
    if name not in words:
        return name, value
    label, text = words[name]
    try:
        return translate(label, lang), text()
    except KeyError:  # a value the address made up
        return translate(label, lang), value


def describe_value(snapshot: Snapshot, declared: Filter, value: object, lang: str) -> str:
    """A filter's value in words: a country's, a level's or a unit's name, a period's month, codes' labels,
    acronyms."""
    if declared.kind is FilterKind.COUNTRY:
        names = {profile.iso3: profile.name(lang) for profile in snapshot.countries}
        return names.get(value, value)
    if declared.kind is FilterKind.LEVEL:
        return level_label(snapshot.profile, value, lang)
    if declared.kind is FilterKind.PERIOD:
        return format_period(value, lang)
    if declared.kind is FilterKind.AREA:
        return snapshot.unit_names().get(value, value)
    if declared.kind is FilterKind.CODES:
        return ", ".join(VOCABULARIES[declared.field].label(code, lang) for code in value)
    acronyms = dict(zip(snapshot.organisations["organisation_id"], snapshot.organisations["acronym"]))
    return ", ".join(str(acronyms.get(each) or each) for each in value)


def describe_filters(snapshot: Snapshot, params: ReportParams, used: tuple[str, ...] | None = None) -> str:
    """The filters in words, e.g. "Niveau : Commune · Secteur : Protection · Période : décembre 2023" (one part
    per declared filter that is set, the level always; the period shown when none is chosen); only those of
    ``used`` (declared names) when given, for a table that depends on no other."""
    lang = params.lang
    # what the view shows: its snapshot's country (an address naming a country the installation does not hold
    # shows the default one) and no area of another country (see ReportParams.selection)
    shown = snapshot.profile.iso3 if params.country and snapshot.profile is not None else params.country
    values = {**params.filter_values(), "period": params.period or snapshot.latest_period, "country": shown,
              "area": params.selection(snapshot).area}
    parts = [(translate(declared.label, lang), describe_value(snapshot, declared, values[declared.name], lang))
             for declared in FILTERS
             if (values[declared.name] or declared.kind is FilterKind.LEVEL)
             and (declared.public or not snapshot.public) and (used is None or declared.name in used)]
    parts.extend(describe_option(name, value, lang) for name, value in params.options.items())
    separator = " : " if lang == "fr" else ": "
    return " · ".join(f"{name}{separator}{value}" for name, value in parts)


def period_without_rows(snapshot: Snapshot, period: str, lang: str) -> str:
    """Why a period shows nothing: no file was imported for it, or its files had no accepted row."""
    batches = snapshot.batches_of(period)
    known = [format_period(known, lang) for known in sorted(snapshot.activities["period"].astype(str).unique())]
    if batches.empty:
        return translate("note.period_not_imported", lang, period=format_period(period, lang),
                         known=", ".join(known) or "—")
    files = ", ".join(translate("note.file_counts", lang, file=row.file_name,
                                read=format_number(int(row.rows_read), lang),
                                accepted=format_number(int(row.rows_accepted), lang))
                      for row in batches.itertuples())
    return translate("note.period_without_rows", lang, period=format_period(period, lang), files=files)


def _round_state(snapshot: Snapshot, period: str, lang: str) -> str:
    """How far a period's round is published: "publié le 10/04/2024", or "brouillon"."""
    round_ = snapshot.round_of(period)
    if snapshot.is_draft(period) or round_ is None or pd.isna(round_["published_at"]):
        return translate("round.draft", lang)
    return translate("round.published_on", lang, date=format_date(round_["published_at"], lang))


def _files(snapshot: Snapshot, period: str, lang: str) -> str:
    """The files a period comes from, each with its source and the day it was imported:
    ``3W_mars.xlsx (OCHA Mali, 01/04/2024), cluster_wash.csv (02/04/2024)``."""
    def described(row) -> str:
        source = row.source if isinstance(row.source, str) and row.source else None
        return f"{row.file_name} ({', '.join(part for part in (source, format_date(row.imported_at, lang)) if part)})"
    return ", ".join(described(row) for row in snapshot.batches_of(period).itertuples())


def draft_note(snapshot: Snapshot, periods: list[str | None], lang: str, key: str = "header.draft") -> str | None:
    """For a logged-in viewer shown a round that is not published (or has files imported since it was): say
    so, first, since the public does not see these figures (in the words of the catalogue's ``key``: the header's
    sentence, or a map's short title)."""
    drafts = [period for period in periods if period and snapshot.has_rows(period) and snapshot.is_draft(period)]
    if not drafts:
        return None
    return translate(key, lang, periods=", ".join(format_period(period, lang) for period in drafts))


def period_facts(snapshot: Snapshot, periods: list[str | None], lang: str) -> list[str]:
    """What a view shows the data of: its period ("as of"), how far its round is published, and the files it
    comes from; for two periods (a comparison), both; for a period without accepted rows, why it shows
    nothing. A draft is said first (see :func:`draft_note`)."""
    periods = [period for period in periods if period]
    if not periods:
        return [translate("header.no_data", lang)]
    draft = draft_note(snapshot, periods, lang)
    lines = [draft] if draft else []
    if len(periods) == 1:
        period = periods[0]
        if not snapshot.has_rows(period):
            return lines + [period_without_rows(snapshot, period, lang)]
        return lines + [translate("header.as_of_round", lang, period=format_period(period, lang),
                                  state=_round_state(snapshot, period, lang)),
                        translate("header.source", lang, source=_files(snapshot, period, lang))]
    lines.append(translate("header.compared", lang,
                           periods=" → ".join(format_period(period, lang) for period in periods)))
    for period in periods:
        lines.append(translate("header.source_of", lang, period=f"{format_period(period, lang)} "
                                                            f"({_round_state(snapshot, period, lang)})",
                               source=_files(snapshot, period, lang))
                     if snapshot.has_rows(period) else period_without_rows(snapshot, period, lang))
    return lines


def without_sector_note(snapshot: Snapshot, params: ReportParams, periods: list[str | None]) -> str | None:
    """For a view by sector: how many rows of the periods shown state no sector, left out of it."""
    cube = snapshot.cube
    if NO_SECTOR not in cube.sectors:
        return None
    unstated = cube.sectors.index(NO_SECTOR)
    rows, organisations = 0, set()
    for period in filter(None, periods):
        selection = snapshot.rows(params.selection(snapshot), period=period)
        take = selection.mask & (selection.rows.sector == unstated)
        rows += int(selection.rows.rows[take].sum())
        organisations.update(selection.rows.organisation[take].tolist())
    if not rows:
        return None
    return translate("note.without_sector", params.lang, rows=format_number(rows, params.lang),
                     organisations=format_number(len(organisations), params.lang))


def coarser_period_note(snapshot: Snapshot, params: ReportParams, period: str | None) -> str | None:
    """For a comparison at ``params.level``: a period whose rows all lie at coarser levels (a 3W reported by
    cercle, compared by commune) would show every organisation as arriving or leaving; say so, and at which
    level to compare instead."""
    levels = snapshot.cube.period_rows(period).location_level
    if not len(levels) or (levels >= params.level).any():
        return None
    finest = int(levels.max())
    return translate("note.period_coarser", params.lang, period=format_period(period, params.lang),
                     finest=level_plural(snapshot.profile, finest, params.lang),
                     finest_unit=level_unit(snapshot.profile, finest, params.lang),
                     level=level_plural(snapshot.profile, params.level, params.lang))


def header_lines(snapshot: Snapshot, params: ReportParams, periods: list[str | None] | None,
                 notes: list[str], used: tuple[str, ...] | None = None) -> list[str]:
    """The lines above a report's table in a download: filters (those of ``used`` when given), period and
    sources (``periods`` None for a table that does not come from the 3W), notes, boundaries."""
    lang = params.lang
    facts = period_facts(snapshot, periods, lang) if periods is not None else []
    return [translate("export.filters", lang, filters=describe_filters(snapshot, params, used)), *facts, *notes,
            boundaries_line(snapshot.profile, lang)]


def column_label(column: str, lang: str, profile: CountryProfile | None = None) -> str:
    """A report column's header in the user's language: a sector column of a matrix (``sector.health``) is
    the sector's name; machine names stay for columns without a label. A column naming a level (``cercle``)
    is named as the country of ``profile`` names it (Département in Niger)."""
    if column.startswith("sector.") and column != "sector.":
        return SECTOR_VOCABULARY.label(column.removeprefix("sector."), lang)
    if f"column.{column}" not in catalogue(language(lang)):
        return column
    return country_text(profile, f"column.{column}", lang)


def labelled(frame: pd.DataFrame, lang: str, profile: CountryProfile | None = None) -> pd.DataFrame:
    """Column headers in the user's language (machine names stay for columns without a label), levels named as
    the country of ``profile`` names them."""
    return frame.rename(columns={column: column_label(str(column), lang, profile) for column in frame.columns})
