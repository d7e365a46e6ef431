"""Duplicate records: the same work reported more than once, as a review queue for the IMO.

Definition (DESIGN.md): a duplicate record is the same organisation, sector, activity, place and
overlapping period reported more than once, within a file, across files, or by both funder and
implementer. Made precise here:

* **Organisation** is the organisation doing the work: the implementing partner when the row names one
  (and it differs from the reporting organisation), otherwise the reporting organisation. So a row of
  organisation X with implementing partner Y and a row of organisation Y describe the same work (kind
  ``funder_and_implementer``); two rows of X naming two different partners do not, nor does a row of X
  with partner Y and a row where X works directly. The free-text ``funder`` column is not used: it is
  not a canonical organisation.
* **Sector** is the stored sector code (sub-clusters are their own sectors). Rows that state no sector are
  left out: nothing says two of them are the same work.
* **Activity** is compared folded (:func:`dashboard.domain.text.fold`: case, accents and spacing ignored); a
  missing activity equals only another missing activity.
* **Place** is the finest P-code known (``pcode``): a row known at cercle level is not the same place as a
  row at a commune of that cercle.
* **Overlapping period**: a row is *dated* when it has both a start and an end date and the start is not
  after the end. Two dated rows overlap when their date ranges share at least one day (ends included).
  When either row is undated (dates missing, partial or reversed), they overlap when they belong to the
  same reporting period (the ``YYYY-MM`` of their import).

**Cannot tell**: rows that have neither an activity nor dates share nothing but an organisation, a sector,
a place and a reporting period; that alone does not say they are the same work (a 3W without activity
columns has hundreds of such rows per organisation and cercle). They never join a group of rows that do
have an activity or dates, and their own groups are kind ``cannot_tell``: counted apart, never proposed for
a decision. Rows without an activity but with overlapping dates are evidence enough and are grouped.

Overlap is not transitive, so a group is a *connected component*: rows of the same organisation, sector,
activity and place linked by a chain of overlapping pairs. Only components of two rows or more are
groups.

``group_key`` is a SHA-256 hex digest (64 characters) of the organisation, sector, folded activity and
place, plus a time anchor (the earliest reporting period of the group's undated rows and the earliest
start date of its dated rows). The anchor is needed because the same work can form several groups at
different times (e.g. reported twice in September and twice in December) and a stored decision must name
one group; it is unique per group and does not change when a later record joins. It depends on no row or
activity id, so a decision keeps pointing at its group when other data are imported.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from dashboard.domain.text import clean_text, fold
from dashboard.domain.vocabulary import NO_SECTOR

#: Columns :func:`duplicate_groups` reads (one row per stored activity).

#: Columns of the result of :func:`duplicate_groups`.
GROUP_COLUMNS = ["group_key", "activity_ids", "count", "batches", "kind", "organisation_id", "sector_code",
                 "activity", "pcode", "periods", "reported_by"]

KINDS = ("within_file", "across_files", "funder_and_implementer")
#: the kind of a group of rows with neither activity nor dates (not a finding: see the module)
CANNOT_TELL = "cannot_tell"


def _folded_activity(values: pd.Series) -> pd.Series:
    """Folded activity text, ``None`` where the text is missing or blank (fold computed once per value)."""
    text = values.astype(object).where(values.notna(), None)
    uniques = pd.unique(text.dropna())
    folded = {value: (fold(value) if clean_text(value) else None) for value in uniques}
    return text.map(folded).astype(object).where(text.notna(), None)


def _components(edges_a: np.ndarray, edges_b: np.ndarray, nodes: int) -> np.ndarray:
    """Connected components of an undirected graph: the smallest node id of each node's component."""
    label = np.arange(nodes)
    if len(edges_a) == 0:
        return label
    while True:
        smallest = np.minimum(label[edges_a], label[edges_b])
        updated = label.copy()
        np.minimum.at(updated, edges_a, smallest)
        np.minimum.at(updated, edges_b, smallest)
        updated = updated[updated]  # pointer jumping: converges in a few rounds
        if np.array_equal(updated, label):
            return label
        label = updated


def _group_key(implementer: int, sector: str, activity: str | None, pcode: str, undated_anchor: str | None,
               dated_anchor: str | None) -> str:
    payload = json.dumps([int(implementer), sector, activity, pcode, undated_anchor, dated_anchor],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _empty_groups() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in GROUP_COLUMNS}).astype({"count": "int64"})


def duplicate_groups(records: pd.DataFrame) -> pd.DataFrame:
    """Groups of records that describe the same work (see the module docstring for the definition).

    ``records``: one row per activity with :data:`dashboard.domain.frames.RECORD_COLUMNS`. Returns one row per group of two records
    or more, largest first: ``group_key``, ``activity_ids`` (sorted list), ``count``, ``batches`` (sorted
    list of batch ids), ``kind``, then what the group was found for: ``organisation_id`` (the organisation
    doing the work), ``sector_code``, ``activity`` (the text of the first record, ``None`` if missing),
    ``pcode``, ``periods`` (sorted reporting periods) and ``reported_by`` (sorted ids of the organisations
    that reported its records).

    ``kind``: ``cannot_tell`` when its records have neither activity nor dates (not proposed for review);
    otherwise ``funder_and_implementer`` when the records were reported by more than one organisation (a
    funder naming the implementer as partner, and the implementer itself, or two funders of it);
    otherwise ``across_files`` when they come from more than one import, else ``within_file``.
    """
    records = records[records["sector_code"].astype(object) != NO_SECTOR]
    if records.empty:
        return _empty_groups()
    records = records.reset_index(drop=True)
    reporter = pd.to_numeric(records["organisation_id"]).astype("int64")
    partner = pd.to_numeric(records["implementing_partner_id"], errors="coerce").astype("Int64")
    implementer = partner.where(partner.notna() & (partner != reporter), reporter).astype("int64")
    start = pd.to_datetime(records["start_date"], errors="coerce")
    end = pd.to_datetime(records["end_date"], errors="coerce")
    frame = pd.DataFrame({
        "activity_id": pd.to_numeric(records["activity_id"]).astype("int64"),
        "batch_id": pd.to_numeric(records["batch_id"]).astype("int64"),
        "period": records["period"].astype(str),
        "reporter": reporter,
        "implementer": implementer,
        "sector_code": records["sector_code"].astype(str),
        "activity_key": _folded_activity(records["activity"]),
        "pcode": records["pcode"].astype(str),
        "start": start,
        "end": end,
    }).reset_index(drop=True)
    frame["activity_text"] = records["activity"].astype(object).to_numpy()
    frame["activity_text"] = frame["activity_text"].where(frame["activity_key"].notna(), None)
    frame["dated"] = frame["start"].notna() & frame["end"].notna() & (frame["start"] <= frame["end"])
    frame["key_id"] = frame.groupby(["implementer", "sector_code", "activity_key", "pcode"], dropna=False,
                                    sort=False).ngroup()

    # Nodes of the overlap graph: one per (key, reporting period) holding undated rows (they all overlap
    # one another), and one per cluster of overlapping date ranges among a key's dated rows.
    undated = frame[~frame["dated"]]
    undated_nodes = undated[["key_id", "period"]].drop_duplicates().reset_index(drop=True)
    undated_nodes["node"] = np.arange(len(undated_nodes))
    frame["node"] = -1
    undated_node = undated.merge(undated_nodes, on=["key_id", "period"], how="left")["node"]
    frame.loc[undated.index, "node"] = undated_node.to_numpy()

    dated = frame[frame["dated"]].sort_values(["key_id", "start", "end"])
    reach = dated.groupby("key_id")["end"].cummax().groupby(dated["key_id"]).shift()
    new_cluster = reach.isna() | (dated["start"] > reach)
    frame.loc[dated.index, "node"] = len(undated_nodes) + new_cluster.cumsum().to_numpy() - 1
    node_count = len(undated_nodes) + int(new_cluster.sum())

    # A dated row overlaps the undated rows of its key reported in the same period, when they share an
    # activity (undated rows without one are "cannot tell": a period is no evidence on its own).
    links = frame.loc[frame["dated"] & frame["activity_key"].notna(), ["node", "key_id", "period"]].merge(
        undated_nodes.rename(columns={"node": "other"}), on=["key_id", "period"])
    component = _components(links["node"].to_numpy(), links["other"].to_numpy(), node_count)
    frame["component"] = component[frame["node"].to_numpy()]

    return _groups(frame)


def _pairs(group: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (group, value) pairs of non-negative integers, sorted by group then value."""
    values = values.astype(np.int64)
    span = int(values.max()) + 1 if len(values) else 1
    keys = np.unique(group.astype(np.int64) * span + values)
    return keys // span, keys % span


def _lists(group: np.ndarray, values: np.ndarray, groups: int) -> list[list]:
    """Per group number ``0..groups-1``: the sorted distinct ``values`` of its rows, as Python lists."""
    owner, value = _pairs(group, values)
    starts = np.searchsorted(owner, np.arange(groups + 1)).tolist()
    flat = value.tolist()
    return [flat[starts[n]:starts[n + 1]] for n in range(groups)]


def _groups(frame: pd.DataFrame) -> pd.DataFrame:
    """The groups of records of two rows or more sharing a component, described (columns ``GROUP_COLUMNS``):
    computed with arrays, one pass per column, since a large 3W holds hundreds of thousands of groups."""
    component = frame["component"].to_numpy()
    in_group = np.bincount(component)[component] >= 2
    if not in_group.any():
        return _empty_groups()
    rows = frame[in_group]
    order = np.lexsort((rows["activity_id"].to_numpy(), rows["component"].to_numpy()))
    rows = rows.iloc[order]
    _, group = np.unique(rows["component"].to_numpy(), return_inverse=True)
    groups = int(group.max()) + 1
    starts = np.flatnonzero(np.r_[True, np.diff(group) != 0])
    ends = np.r_[starts[1:], len(group)]
    ids = rows["activity_id"].to_numpy().tolist()
    periods = pd.Categorical(rows["period"].astype(str))
    period_codes = periods.codes.astype(np.int64)
    period_names = np.asarray(periods.categories, dtype=object)
    text = rows["activity_text"].to_numpy(dtype=object)
    has_text = pd.notna(text)
    position = np.where(has_text, np.arange(len(rows)), len(rows))
    first_text = np.minimum.reduceat(position, starts)
    dated = rows["dated"].to_numpy()
    undated_first = np.minimum.reduceat(np.where(dated, np.iinfo(np.int64).max, period_codes), starts)
    start_days = rows["start"].to_numpy().astype("datetime64[D]").astype(np.int64)
    dated_first = np.minimum.reduceat(np.where(dated, start_days, np.iinfo(np.int64).max), starts)
    reporters = np.bincount(_pairs(group, rows["reporter"].to_numpy())[0], minlength=groups)
    batch_count = np.bincount(_pairs(group, rows["batch_id"].to_numpy())[0], minlength=groups)
    table = pd.DataFrame({
        "activity_ids": [ids[start:end] for start, end in zip(starts.tolist(), ends.tolist())],
        "count": (ends - starts).astype("int64"),
        "organisation_id": rows["implementer"].to_numpy()[starts].astype("int64"),
        "sector_code": rows["sector_code"].to_numpy()[starts],
        "activity_key": rows["activity_key"].to_numpy(dtype=object)[starts],
        "activity": [text[n] if n < len(rows) else None for n in first_text.tolist()],
        "pcode": rows["pcode"].to_numpy()[starts],
        "batches": _lists(group, rows["batch_id"].to_numpy(), groups),
        "periods": [[str(period_names[code]) for code in codes]
                    for codes in _lists(group, period_codes, groups)],
        "reported_by": _lists(group, rows["reporter"].to_numpy(), groups),
    })
    never = np.iinfo(np.int64).max
    undated_anchor = [None if code == never else str(period_names[code]) for code in undated_first.tolist()]
    dated_anchor = [None if day == never else str(np.datetime64(day, "D")) for day in dated_first.tolist()]
    table["group_key"] = [
        _group_key(org, sector, activity if isinstance(activity, str) else None, pcode, undated, dated_day)
        for org, sector, activity, pcode, undated, dated_day in zip(
            table["organisation_id"].tolist(), table["sector_code"].tolist(), table["activity_key"].tolist(),
            table["pcode"].tolist(), undated_anchor, dated_anchor)]
    blind = pd.isna(table["activity_key"].to_numpy(dtype=object)) & ~np.maximum.reduceat(dated, starts).astype(bool)
    table["kind"] = np.select([blind, reporters > 1, batch_count > 1],
                              [CANNOT_TELL, "funder_and_implementer", "across_files"], "within_file")
    table["activity"] = table["activity"].astype(object).where(table["activity"].notna(), None)
    result = table.sort_values(["count", "group_key"], ascending=[False, True])[GROUP_COLUMNS]
    return result.astype({"count": "int64", "organisation_id": "int64"}).reset_index(drop=True)


def pending_groups(groups: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """The groups still to review: those without a stored decision covering all their activity ids.

    ``decisions`` has at least ``group_key`` and ``activity_ids`` (see
    :func:`dashboard.store.duplicate_decisions.decision_frame`). A group whose decision was taken on fewer
    records than it now holds (a new import added one) is pending again; a decided record that has since
    left the group does not matter.
    """
    if groups.empty or decisions is None or decisions.empty:
        return groups
    group_ids = groups[["group_key", "activity_ids"]].explode("activity_ids").rename(columns={"activity_ids": "id"})
    decided_ids = (decisions[["group_key", "activity_ids"]].explode("activity_ids")
                   .rename(columns={"activity_ids": "id"}).dropna())
    group_ids["id"] = pd.to_numeric(group_ids["id"]).astype("int64")
    decided_ids["id"] = pd.to_numeric(decided_ids["id"]).astype("int64")
    marked = group_ids.merge(decided_ids.drop_duplicates().assign(decided=True), on=["group_key", "id"], how="left")
    covered = marked["decided"].fillna(False).astype(bool).groupby(marked["group_key"]).all()
    done = covered[covered].index
    return groups[~groups["group_key"].isin(done)].reset_index(drop=True)
