"""What the unit panel of the presence map says beside the organisations, when the data has it: how many are
physically there and how many only remotely or through partners (the 3W's physical-presence column), and the
people in need of the unit (HNO, intersectoral)."""

from __future__ import annotations

from dash import html

from dashboard.i18n import format_number, translate
from dashboard.reports import ReportParams
from dashboard.reports.modality import states_modality, unit_modality
from dashboard.reports.needs import has_needs, needs_at
from dashboard.reports.snapshot import Snapshot


def unit_facts(snapshot: Snapshot, params: ReportParams, pcode: str) -> list:
    lang, facts = params.lang, []
    selection = params.selection(snapshot)
    if states_modality(snapshot, selection.period):
        modality = unit_modality(snapshot, snapshot.rows(selection), pcode, by_sector=False)
        if len(modality):
            counts = modality.iloc[0]
            facts.append(html.P(translate("modality.unit", lang, **{
                column: format_number(int(counts[column]), lang)
                for column in ("physically_present", "remote_or_partners", "not_stated")}),
                className="note", id="unit-modality"))
    if has_needs(snapshot):
        level = int(snapshot.lineage.loc[pcode, "level"])
        figures = needs_at(snapshot, level) if level in (1, 2) else None
        found = None if figures is None else figures[(figures["pcode"] == pcode) & figures["intersectoral"]]
        if found is not None and len(found) and found["people_in_need"].notna().iloc[0]:
            facts.append(html.P(translate("needs.unit", lang, count=format_number(int(found["people_in_need"].iloc[0]), lang),
                                          year=int(snapshot.needs["year"].iloc[0])), className="note", id="unit-need"))
    return facts
