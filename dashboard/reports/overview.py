"""The presence page's overview reports (organisations by type, the most present organisations) and the
sector x area matrix: all read from the presence cube, as the map and the presence table are."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.overview import organisation_reach, organisations_by_type
from dashboard.domain.vocabulary import NO_SECTOR, SECTOR_VOCABULARY
from dashboard.i18n import translate
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot

#: the prefix of the matrix's sector columns (``sector.health``): a header names the sector in the reader's
#: language, a machine reads the code
SECTOR_COLUMN = "sector."


def organisations_by_type_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per organisation type: organisations present with the filters, and their share; the last row is all
    types together."""
    return organisations_by_type(snapshot.rows(params.selection(snapshot)))


def top_organisations_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Every organisation present with the filters, the most present first: units of the level shown where it
    is present, sectors, rows."""
    reach = organisation_reach(snapshot.rows(params.selection(snapshot)), params.level, NO_SECTOR)
    names = snapshot.organisations.set_index("organisation_id")["name"]
    reach.insert(2, "name", names.reindex(reach["organisation_id"]).to_numpy())
    policy = snapshot.public_policy
    if policy is not None and len(reach) < policy.min_organisations_named:
        # the selection is one small cell (a sector in a cercle, say): the public policy names no one there
        hidden = translate("policy.hidden_names", params.lang, k=policy.min_organisations_named)
        reach = reach.assign(label=hidden, name=hidden)
    return (reach.rename(columns={"label": "organisation", "units": "units_present", "sectors": "sector_count"})
            .drop(columns="organisation_id"))


def sector_matrix_report(snapshot: Snapshot, params: ReportParams, presence: pd.DataFrame,
                         by_sector: pd.DataFrame) -> pd.DataFrame:
    """Units of the level shown in rows (every one in the area, zeros included), sectors in columns, distinct
    organisations present in each cell; then the organisations of all sectors together (``organisations``:
    an organisation in two sectors counts once). ``presence`` and ``by_sector`` are the ``presence`` and
    ``presence_by_sector`` reports for the same parameters."""
    names = [column for column in presence.columns if column in ("pcode", "name", "cercle", "region")]
    table = presence[names].copy()
    if len(by_sector):
        wide = by_sector.pivot(index="pcode", columns="sector_code", values="organisations")
        order = {code: n for n, code in enumerate(SECTOR_VOCABULARY.codes())}
        for code in sorted(wide.columns, key=lambda code: (order.get(code, len(order)), code)):
            table[SECTOR_COLUMN + str(code)] = wide[code].reindex(table["pcode"]).fillna(0).astype(int).to_numpy()
    table["organisations"] = presence["organisations"].astype(int).to_numpy()
    return table
