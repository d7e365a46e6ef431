"""Localisation: national NGOs among operational organisations and cluster members, and funding passed to
national and local partners against the Grand Bargain target.

Definitions (DESIGN.md, made precise here):

* **Operational organisations** of a group (sector, region, or sector x region): the distinct canonical
  organisations with at least one activity in the rows given (the caller chooses the period, e.g. with
  :func:`dashboard.analysis.filters.filter_activities`). **National NGOs** among them: ``org_type ==
  'ngo_national'``. A region is the ``adm1_pcode`` of the row; every row has one, at whatever level it was
  reported.
* **Cluster members**: roles ``lead``, ``co-lead`` and ``member``; observers are excluded (they follow the
  cluster without being part of its response). See :mod:`dashboard.analysis.membership`.
* **National and local partners** (the Grand Bargain's "local and national responders"): a partner whose
  ``scope`` is ``national``, or whose ``org_type`` is one of :data:`LOCAL_ORG_TYPES` (national NGOs and
  civil society, national government and its technical services, local authorities). A national Red
  Cross / Red Crescent society is a ``red_cross`` organisation of ``national`` scope; the ICRC and the
  IFRC (international scope) are not local. A partner absent from the organisation table, or of unknown
  type and scope, is not counted as local.
* **Share of funding to national and local partners** = euros of the agreements whose partner is national
  or local / euros of all agreements, against :data:`GRAND_BARGAIN_TARGET` (25%). Agreements without a
  euro amount are counted apart (``amount_missing``), never silently dropped; they weigh nothing in the
  share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard.analysis.membership import member_rows
from dashboard.analysis.organisations import NATIONAL_NGO, organisation_labels

#: Organisation types that are national or local responders whatever their recorded scope.
LOCAL_ORG_TYPES = frozenset({"ngo_national", "government", "local_authority"})
#: The scope that makes any organisation (including a Red Cross society or a private firm) local.
LOCAL_SCOPE = "national"
#: Grand Bargain (2016) commitment 2.4: 25% of humanitarian funding to local and national responders.
GRAND_BARGAIN_TARGET = 0.25

SHARE_BY = ("sector_code", "adm1_pcode")
FUNDING_BY = (None, "adm1_pcode", "funder_id")


def is_local_partner(organisations: pd.DataFrame) -> pd.Series:
    """For each organisation (indexed by ``organisation_id``): is it a national or local responder?

    The rule, defined once: ``scope == 'national'`` or ``org_type`` in :data:`LOCAL_ORG_TYPES`.
    """
    local = organisations["org_type"].astype(object).isin(LOCAL_ORG_TYPES)
    if "scope" in organisations:
        local |= organisations["scope"].astype(object) == LOCAL_SCOPE
    return pd.Series(local.to_numpy(dtype=bool), index=organisations["organisation_id"].astype("int64").to_numpy())


def _share_table(pairs: pd.DataFrame, by: list[str], count_name: str) -> pd.DataFrame:
    """Counts of distinct organisations and national NGOs per ``by`` group, then a total row (``None`` keys)."""
    organisations = pairs.drop_duplicates(["organisation_id"])
    total = pd.DataFrame({column: [None] for column in by} | {
        count_name: [len(organisations)], "national_ngos": [int(organisations["national"].sum())]})
    if by:
        distinct = pairs.drop_duplicates([*by, "organisation_id"])
        table = (distinct.groupby(by, sort=True, observed=True)
                 .agg(**{count_name: ("organisation_id", "size"), "national_ngos": ("national", "sum")})
                 .reset_index())
        table = pd.concat([table.astype({column: object for column in by}), total], ignore_index=True)
    else:
        table = total
    table[count_name] = table[count_name].astype(int)
    table["national_ngos"] = table["national_ngos"].astype(int)
    table["share"] = np.where(table[count_name] > 0, table["national_ngos"] / table[count_name].clip(lower=1), np.nan)
    return table


def national_ngo_share(activities: pd.DataFrame, organisations: pd.DataFrame | None = None,
                       by: Sequence[str] = ("sector_code",)) -> pd.DataFrame:
    """Number and share of national NGOs among operational organisations, per group and in total.

    ``activities``: the activity frame (``organisation_id``, ``org_type``, ``sector_code``, ``adm1_pcode``...)
    of the rows to count (filter the period first). ``organisations`` (``organisation_id``, ``org_type``),
    when given, supplies the type instead of the frame's ``org_type``. ``by``: ``("sector_code",)``,
    ``("adm1_pcode",)``, both, or ``()`` for the total only.

    Columns: the ``by`` columns, ``organisations`` (distinct operational organisations), ``national_ngos``,
    ``share`` (``national_ngos / organisations``). The last row is the national total, its ``by`` columns
    ``None``: distinct organisations over all rows, so not the sum of the rows above (an organisation
    working in two sectors counts once).
    """
    by = list(by)
    unknown = set(by) - set(SHARE_BY)
    if unknown:
        raise ValueError(f"national_ngo_share groups by {SHARE_BY} only, not {sorted(unknown)}")
    org_ids = activities["organisation_id"].astype("int64")
    if organisations is not None:
        types = pd.Series(organisations["org_type"].astype(object).to_numpy(),
                          index=organisations["organisation_id"].astype("int64").to_numpy())
        org_type = org_ids.map(types)
    else:
        org_type = activities["org_type"].astype(object)
    pairs = pd.DataFrame({column: activities[column].astype(object) for column in by}
                         | {"organisation_id": org_ids, "national": (org_type == NATIONAL_NGO).to_numpy(dtype=bool)})
    # an organisation is national or not once for all its rows (the canonical type)
    pairs["national"] = pairs.groupby("organisation_id")["national"].transform("max").astype(bool)
    return _share_table(pairs, by, "organisations")


def national_share(selection, by: str | None) -> pd.DataFrame:
    """:func:`national_ngo_share` read from a presence-cube selection (see :mod:`dashboard.analysis.cube`):
    ``by`` ``"sector_code"`` (each sector the rows state, then all sectors) or ``"adm1_pcode"`` (each region,
    then the whole country), or None for the total only. Same columns and total row."""
    from dashboard.analysis.presence import presence_table

    def share(table: pd.DataFrame) -> pd.DataFrame:
        national = table[NATIONAL_NGO] if NATIONAL_NGO in table.columns else pd.Series(0, index=table.index)
        return pd.DataFrame({"organisations": table["total"].astype(int), "national_ngos": national.astype(int)})

    total = share(presence_table(selection, 0, by_sector=False)).assign(**({by: [None]} if by else {}))
    if by is None:
        frames = [total]
    elif by == "sector_code":
        groups = presence_table(selection, 0, by_sector=True)
        frames = [share(groups).assign(sector_code=groups["sector_code"].to_numpy()), total]
    elif by == "adm1_pcode":
        groups = presence_table(selection, 1, by_sector=False)
        frames = [share(groups).assign(adm1_pcode=groups["pcode"].to_numpy()), total]
    else:
        raise ValueError(f"national_share groups by {SHARE_BY} only, not {by!r}")
    table = pd.concat(frames, ignore_index=True)
    table = table[(table["organisations"] > 0) | table.index.isin([len(table) - 1])]
    columns = ([by] if by else []) + ["organisations", "national_ngos"]
    table = table[columns].astype({column: object for column in ([by] if by else [])}).reset_index(drop=True)
    table["share"] = np.where(table["organisations"] > 0,
                              table["national_ngos"] / table["organisations"].clip(lower=1), np.nan)
    return table


def member_national_share(memberships: pd.DataFrame, organisations: pd.DataFrame,
                          by_sector: bool = True) -> pd.DataFrame:
    """Number and share of national NGOs among cluster members (lead, co-lead, member; not observers).

    ``memberships``: ``organisation_id``, ``sector_code``, ``role``, ``admin_pcode`` (national and
    sub-national memberships both count; an organisation is counted once per cluster). ``organisations``:
    ``organisation_id``, ``org_type``... Columns: ``sector_code`` (when ``by_sector``), ``members``,
    ``national_ngos``, ``share``; the last row is the total over all clusters (``sector_code`` ``None``,
    distinct organisations).
    """
    members = member_rows(memberships)
    types = pd.Series(organisations["org_type"].astype(object).to_numpy(),
                      index=organisations["organisation_id"].astype("int64").to_numpy())
    members["national"] = (members["organisation_id"].map(types) == NATIONAL_NGO).to_numpy(dtype=bool)
    table = _share_table(members, ["sector_code"] if by_sector else [], "members")
    if not by_sector:
        table.insert(0, "sector_code", [None])
    return table


def _partnership_frame(partnerships: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    local = is_local_partner(organisations)
    partner = partnerships["partner_id"].astype("int64")
    amount = pd.to_numeric(partnerships["amount_eur"], errors="coerce")
    pcode = partnerships["pcode"].astype(object)
    return pd.DataFrame({
        "funder_id": partnerships["funder_id"].astype("int64").to_numpy(),
        "intermediary_id": pd.to_numeric(partnerships["intermediary_id"], errors="coerce").astype("Int64").to_numpy(),
        "partner_id": partner.to_numpy(),
        "local": partner.map(local).fillna(False).astype(bool).to_numpy(),
        "amount_eur": amount.to_numpy(dtype=float),
        "missing": amount.isna().to_numpy(),
        # Mali P-codes nest by prefix: ML05 (region) > ML0501 (cercle) > ML050101 (commune)
        "adm1_pcode": pcode.astype("string").str.slice(0, 4).astype(object).where(pcode.notna(), None)
                           .to_numpy(dtype=object),
    })


def funding_to_local_partners(partnerships: pd.DataFrame, organisations: pd.DataFrame,
                              by: str | None = None) -> pd.DataFrame:
    """Share of funding (EUR) passed to national and local partners, against the 25% target.

    ``partnerships``: ``funder_id``, ``intermediary_id``, ``partner_id``, ``amount_eur``, ``pcode``,
    ``sector_code``, ``start_date``, ``end_date``; ``organisations``: ``organisation_id``, ``org_type``,
    ``scope``. ``by``: ``None`` (one row), ``"adm1_pcode"`` (region of the agreement's P-code; agreements
    without a place form a row of their own with ``adm1_pcode`` ``None``) or ``"funder_id"``.

    Columns: the ``by`` column, ``agreements``, ``local_agreements``, ``amount_missing`` (agreements without
    a euro amount) and ``local_amount_missing``, ``total_eur`` and ``local_eur`` (sums of the known
    amounts), ``local_share`` (``local_eur / total_eur``, NaN when no amount is known), ``target`` (0.25)
    and ``meets_target`` (``local_share >= target``; False when the share is unknown). The national/local
    rule is :func:`is_local_partner`.
    """
    if by not in FUNDING_BY:
        raise ValueError(f"funding_to_local_partners groups by one of {FUNDING_BY}, not {by!r}")
    frame = _partnership_frame(partnerships, organisations)
    frame["local_eur"] = frame["amount_eur"].where(frame["local"], 0.0)
    frame["local_missing"] = frame["missing"] & frame["local"]
    keys = [by] if by else []
    grouped = frame.assign(_all=0).groupby(keys or ["_all"], dropna=False, sort=True)
    table = grouped.agg(agreements=("partner_id", "size"), local_agreements=("local", "sum"),
                        amount_missing=("missing", "sum"), local_amount_missing=("local_missing", "sum"),
                        total_eur=("amount_eur", "sum"), local_eur=("local_eur", "sum")).reset_index()
    if not keys:
        table = table.drop(columns="_all")
        if frame.empty:
            table = pd.DataFrame({"agreements": [0], "local_agreements": [0], "amount_missing": [0],
                                  "local_amount_missing": [0], "total_eur": [0.0], "local_eur": [0.0]})
    for column in ("agreements", "local_agreements", "amount_missing", "local_amount_missing"):
        table[column] = table[column].astype(int)
    table["local_share"] = table["local_eur"] / table["total_eur"].where(table["total_eur"] > 0)
    table["target"] = GRAND_BARGAIN_TARGET
    table["meets_target"] = (table["local_share"] >= GRAND_BARGAIN_TARGET).fillna(False).astype(bool)
    if by == "adm1_pcode":
        table["adm1_pcode"] = table["adm1_pcode"].astype(object).where(table["adm1_pcode"].notna(), None)
    return table


NETWORK_COLUMNS = ["source_id", "target_id", "kind", "agreements", "amount_eur", "amount_missing", "source_label",
                   "target_label", "target_local"]


def partner_network(partnerships: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """Edges of the funding network, one per (source, target, kind), for a network view.

    An agreement without intermediary is one edge funder → partner (``kind`` ``direct``); an agreement
    managed by an intermediary (e.g. an executing agency) is two edges, funder → intermediary
    (``funder_to_intermediary``) and intermediary → partner (``intermediary_to_partner``). So the edges into
    partners (kinds ``direct`` and ``intermediary_to_partner``) add up to all the money once.

    Columns: ``source_id``, ``target_id``, ``kind``, ``agreements``, ``amount_eur`` (sum of known amounts,
    NaN when none is known), ``amount_missing`` (agreements without a euro amount), ``source_label``,
    ``target_label`` (acronym, else name), ``target_local`` (:func:`is_local_partner` of the target).
    """
    frame = _partnership_frame(partnerships, organisations)
    via = frame["intermediary_id"].notna() & (frame["intermediary_id"] != frame["funder_id"])
    via = via.fillna(False).astype(bool)
    direct = frame[~via].assign(source_id=lambda f: f["funder_id"], target_id=lambda f: f["partner_id"],
                                kind="direct")
    upstream = frame[via].assign(source_id=lambda f: f["funder_id"],
                                 target_id=lambda f: f["intermediary_id"].astype("int64"),
                                 kind="funder_to_intermediary")
    downstream = frame[via].assign(source_id=lambda f: f["intermediary_id"].astype("int64"),
                                   target_id=lambda f: f["partner_id"], kind="intermediary_to_partner")
    edges = pd.concat([direct, upstream, downstream], ignore_index=True)
    if edges.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in NETWORK_COLUMNS})
    edges = edges.astype({"source_id": "int64", "target_id": "int64"})
    table = (edges.groupby(["source_id", "target_id", "kind"], sort=True)
             .agg(agreements=("partner_id", "size"), amount_eur=("amount_eur", "sum"),
                  amounts_known=("amount_eur", "count"), amount_missing=("missing", "sum"))
             .reset_index())
    table["amount_eur"] = table["amount_eur"].where(table.pop("amounts_known") > 0)  # NaN when none is known
    labels = organisation_labels(organisations)
    local = is_local_partner(organisations)
    table["amount_missing"] = table["amount_missing"].astype(int)
    table["source_label"] = table["source_id"].map(labels).astype(object)
    table["target_label"] = table["target_id"].map(labels).astype(object)
    table["target_local"] = table["target_id"].map(local).fillna(False).astype(bool)
    return table[NETWORK_COLUMNS]
