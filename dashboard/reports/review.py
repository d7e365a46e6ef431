"""Review reports: cluster membership against reporting, and possibly duplicated 3W records."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.duplicates import CANNOT_TELL, pending_groups
from dashboard.analysis.membership import membership_reconciliation
from dashboard.reports.describe import with_unit_names
from dashboard.reports.params import ReportParams
from dashboard.reports.snapshot import Snapshot, StoreReader


def membership_report(snapshot: Snapshot, params: ReportParams) -> pd.DataFrame:
    """Per cluster: members who reported nothing in the period, reporters who are not members."""
    table = membership_reconciliation(snapshot.activities, snapshot.memberships, snapshot.organisations,
                                      params.selection(snapshot).period)
    if params.sectors:
        table = table[table["sector_code"].isin(params.sectors)]
    return table.drop(columns=[column for column in table.columns if column.endswith("_ids")])


#: what the duplicate review lists: the groups still to decide (default), every group that can be decided, or
#: the groups whose rows have neither activity nor dates (counted apart, never decided)
DUPLICATE_STATUSES = ("pending", "all", CANNOT_TELL)


def duplicate_status(params: ReportParams) -> str:
    value = params.option("status", "pending")
    return value if value in DUPLICATE_STATUSES else "pending"


def _selected_groups(snapshot: Snapshot, params: ReportParams, store: StoreReader) -> pd.DataFrame:
    """The duplicate groups of the period and filters chosen, every kind."""
    groups = store.duplicate_groups(snapshot.version)
    selection = params.selection(snapshot)
    keep = store.duplicate_groups_of(snapshot.version, selection.period)
    if snapshot.profile is not None:  # the groups are every country's the database holds: the view's own only
        keep &= store.duplicate_groups_in(snapshot.version, snapshot.profile.iso2)
    if params.sectors:
        keep &= groups["sector_code"].isin(params.sectors).to_numpy()
    if params.organisations:
        keep &= groups["organisation_id"].isin(params.organisations).to_numpy()
    if params.org_types:
        types = dict(zip(snapshot.organisations["organisation_id"], snapshot.organisations["org_type"]))
        keep &= groups["organisation_id"].map(types).isin(params.org_types).to_numpy()
    if selection.area:  # none of another country's (the whole country is shown, as on every page)
        keep &= snapshot.inside(groups["pcode"], selection.area).to_numpy()
    return groups[keep]


def duplicates_report(snapshot: Snapshot, params: ReportParams, store: StoreReader) -> pd.DataFrame:
    """Groups of possibly duplicated records: ``status=pending`` (default) those still to decide, ``all`` every
    group that can be decided, ``cannot_tell`` the groups of rows without activity or dates (never proposed).
    The groups are read through the store (grouped once per dataset version), with the decisions taken so
    far."""
    groups = _selected_groups(snapshot, params, store)
    status = duplicate_status(params)
    blind = groups["kind"] == CANNOT_TELL
    groups = groups[blind] if status == CANNOT_TELL else groups[~blind]
    if status == "pending":
        groups = pending_groups(groups, store.duplicate_decisions())
    labels = dict(zip(snapshot.organisations["organisation_id"], snapshot.organisations["acronym"]))
    table = pd.DataFrame({
        "group_key": groups["group_key"], "organisation": groups["organisation_id"].map(labels),
        "sector_code": groups["sector_code"], "activity": groups["activity"], "pcode": groups["pcode"],
        "count": groups["count"], "kind": groups["kind"], "periods": groups["periods"],
        "activity_ids": groups["activity_ids"],
    })
    return with_unit_names(table, snapshot)


def cannot_tell(snapshot: Snapshot, params: ReportParams, store: StoreReader) -> tuple[int, int]:
    """(groups, rows) of the period and filters chosen whose rows have neither activity nor dates."""
    groups = _selected_groups(snapshot, params, store)
    blind = groups[groups["kind"] == CANNOT_TELL]
    return len(blind), int(blind["count"].sum())
