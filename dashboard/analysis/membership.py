"""Membership reconciliation: cluster members who reported nothing, reporters who are not members.

Definitions (DESIGN.md, made precise here):

* **Member** of a cluster: an organisation with role ``lead``, ``co-lead`` or ``member`` for the cluster's
  sector code, at any level (national or sub-national membership both count; ``admin_pcode`` is not
  used). **Observers are not members**: they are not expected to report, and an observer that reports
  appears among the reporters who are not members (an invitation to join). Roles are compared folded
  (``Co-Lead``, ``co lead`` and ``co_lead`` are ``co-lead``).
* **Reporting** in a cluster: at least one activity of the period in the cluster's sector.
* **Sub-clusters** (areas of responsibility, e.g. ``gbv`` and ``child_protection`` under ``protection``;
  parents in :data:`dashboard.domain.vocabulary.SECTORS`): a parent cluster covers its areas of responsibility.
  For ``protection``, an activity in ``gbv`` counts as reporting, and a ``gbv`` member counts as a member;
  so a member of ``protection`` who reported only ``gbv`` work is not silent. A sub-cluster's own
  reconciliation uses only its own code: a ``gbv`` member who reported only general ``protection`` work
  has not reported for ``gbv``.
* Only clusters with a membership list are reconciled (a sector code that appears in the memberships,
  whatever the role): without a list every reporter would look like a non-member.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard.analysis.filters import latest_period
from dashboard.analysis.organisations import organisation_labels
from dashboard.domain.text import fold
from dashboard.domain.vocabulary import SECTORS

#: Roles that make an organisation a cluster member (observers are not members).
MEMBER_ROLES = frozenset({"lead", "co-lead", "member"})
#: sub-cluster (area of responsibility) code → parent cluster code
PARENT_SECTOR = {term.code: term.parent_code for term in SECTORS if term.parent_code}

#: French and run-together spellings of the roles (after folding, separators as ``-``)
_ROLE_SYNONYMS = {"membre": "member", "chef-de-file": "lead", "co-chef-de-file": "co-lead", "colead": "co-lead",
                  "co-facilitateur": "co-lead", "cofacilitateur": "co-lead", "observateur": "observer",
                  "observatrice": "observer"}

RECONCILIATION_COLUMNS = ["sector_code", "period", "members", "reporters", "silent_count", "silent_members",
                          "silent_member_ids", "non_member_count", "non_member_reporters", "non_member_ids"]


def normalise_role(role: object) -> str:
    """``'Co-Lead'``, ``'co lead'``, ``'co_lead'`` → ``'co-lead'``; ``'Membre'`` → ``'member'``."""
    key = re.sub(r"[\s_\-]+", "-", fold(role)).strip("-")
    return _ROLE_SYNONYMS.get(key, key)


def member_rows(memberships: pd.DataFrame) -> pd.DataFrame:
    """Distinct ``(sector_code, organisation_id)`` pairs of members (roles in :data:`MEMBER_ROLES`)."""
    roles = memberships["role"].astype(object)
    normalised = roles.map({value: normalise_role(value) for value in pd.unique(roles.dropna())})
    rows = memberships[normalised.isin(MEMBER_ROLES)]
    return pd.DataFrame({"sector_code": rows["sector_code"].astype(object),
                         "organisation_id": rows["organisation_id"].astype("int64")}).drop_duplicates()


def _with_parents(pairs: pd.DataFrame) -> pd.DataFrame:
    """Add, for every pair in a sub-cluster, the same organisation in the parent cluster."""
    parents = pairs[pairs["sector_code"].isin(PARENT_SECTOR.keys())]
    rolled = parents.assign(sector_code=parents["sector_code"].map(PARENT_SECTOR))
    return pd.concat([pairs, rolled], ignore_index=True).drop_duplicates()


def _listed(pairs: pd.DataFrame, labels: pd.Series, clusters: pd.Index) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per cluster: count, labels (sorted case-insensitively) and ids in the same order."""
    frame = pairs.assign(label=pairs["organisation_id"].map(labels).fillna(pairs["organisation_id"].astype(str)))
    frame = frame.assign(order=frame["label"].astype(str).str.casefold()).sort_values(["sector_code", "order",
                                                                                      "organisation_id"])
    grouped = frame.groupby("sector_code")
    count = grouped.size().reindex(clusters, fill_value=0).astype(int)
    names = grouped["label"].agg(list).reindex(clusters)
    ids = grouped["organisation_id"].agg(lambda values: [int(v) for v in values]).reindex(clusters)
    def as_list(value: object) -> list:
        return value if isinstance(value, list) else []

    return count, names.map(as_list), ids.map(as_list)


def membership_reconciliation(activities: pd.DataFrame, memberships: pd.DataFrame, organisations: pd.DataFrame,
                              period: str | None = None) -> pd.DataFrame:
    """Per cluster with a membership list: members who reported nothing, and reporters who are not members.

    ``activities``: the activity frame (``period``, ``organisation_id``, ``sector_code``...);
    ``memberships``: ``organisation_id``, ``sector_code``, ``role``, ``admin_pcode``; ``organisations``:
    ``organisation_id``, ``acronym``, ``name``... ``period`` (``YYYY-MM``) defaults to the latest period of
    ``activities``. Definitions (members, observers, sub-clusters) in the module docstring.

    Columns: ``sector_code``, ``period``, ``members`` and ``reporters`` (distinct organisations),
    ``silent_count``, ``silent_members`` (labels, sorted) and ``silent_member_ids`` (same order),
    ``non_member_count``, ``non_member_reporters`` and ``non_member_ids``. One row per cluster, by code.
    """
    period = period or latest_period(activities)
    clusters = pd.Index(sorted(set(memberships["sector_code"].dropna().astype(str))), name="sector_code")
    rows = activities[activities["period"] == str(period)] if period else activities.iloc[0:0]
    reporting = _with_parents(pd.DataFrame({"sector_code": rows["sector_code"].astype(str).to_numpy(),
                                            "organisation_id": rows["organisation_id"].astype("int64").to_numpy()})
                              .drop_duplicates())
    members = _with_parents(member_rows(memberships).astype({"sector_code": str}))
    reporting = reporting[reporting["sector_code"].isin(clusters)]
    members = members[members["sector_code"].isin(clusters)]
    both = members.merge(reporting, on=["sector_code", "organisation_id"], how="outer", indicator=True)
    labels = organisation_labels(organisations)
    silent = _listed(both[both["_merge"] == "left_only"], labels, clusters)
    outsiders = _listed(both[both["_merge"] == "right_only"], labels, clusters)
    result = pd.DataFrame({
        "sector_code": clusters.to_numpy(dtype=object),
        "period": period,
        "members": members.groupby("sector_code").size().reindex(clusters, fill_value=0).to_numpy(dtype=int),
        "reporters": reporting.groupby("sector_code").size().reindex(clusters, fill_value=0).to_numpy(dtype=int),
        "silent_count": silent[0].to_numpy(), "silent_members": silent[1].to_numpy(),
        "silent_member_ids": silent[2].to_numpy(),
        "non_member_count": outsiders[0].to_numpy(), "non_member_reporters": outsiders[1].to_numpy(),
        "non_member_ids": outsiders[2].to_numpy(),
    })
    return result[RECONCILIATION_COLUMNS]
