"""Who reported: the organisations present in one round and silent in the next, per organisation, cluster and
region, and the last round each reported in.

Definitions: an organisation *reported* in a round when the round holds at least one of its rows (any place,
any sector). It *did not report* in a round when it reported in the round compared with (by default the
previous published one) and not in this one. Its clusters and regions are those of its rows in the round
compared with (where it was last seen); its last round is the latest round up to the one shown in which it
reported. Per cluster, an organisation did not report when it has no row in that cluster now (a cluster
collects its partners' reports); per region, when it has no row anywhere now (moving is not silence).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.cube import PresenceCube, Selection

SILENT_COLUMNS = ["organisation_id", "organisation", "org_type", "sectors", "regions", "last_round"]
GROUP_COLUMNS = ["reported_before", "reported_now", "silent", "silent_names"]


def silent_organisations(before: Selection, now: Selection, periods: list[str] | None = None) -> pd.DataFrame:
    """The organisations of ``before`` (the round compared with) absent from ``now``, by label (case-insensitive):
    ``SILENT_COLUMNS``, their sectors and regions (codes) being those of ``before``, ``last_round`` the latest of
    ``periods`` (the cube's, up to ``now``'s, by default) in which they reported."""
    cube = before.cube
    earlier, later = before.organisations, now.organisations
    silent = np.setdiff1d(earlier, later, assume_unique=True)
    silent = silent[np.argsort(cube.rank[silent], kind="stable")]
    rows, take = before.rows, before.mask & np.isin(before.rows.organisation, silent)
    sectors = _codes_by_organisation(rows.organisation[take], rows.sector[take], np.array(cube.sectors, dtype=object))
    regions = _codes_by_organisation(rows.organisation[take], rows.unit[1][take], cube.units.codes[1])
    last = last_rounds(cube, silent, periods)
    frame = pd.DataFrame({"organisation_id": cube.organisation_ids[silent], "organisation": cube.labels[silent],
                          "org_type": np.array(cube.types, dtype=object)[cube.organisation_type[silent]],
                          "sectors": [sectors.get(int(n), []) for n in silent],
                          "regions": [regions.get(int(n), []) for n in silent],
                          "last_round": [last.get(int(n)) for n in silent]})
    return frame[SILENT_COLUMNS]


def _codes_by_organisation(organisation: np.ndarray, numbers: np.ndarray, codes: np.ndarray) -> dict[int, list]:
    """Per organisation number: the sorted distinct codes of its rows (numbers below 0 left out)."""
    keep = numbers >= 0
    pairs = np.unique(np.stack([organisation[keep].astype(np.int64), numbers[keep].astype(np.int64)]), axis=1) \
        if keep.any() else np.empty((2, 0), dtype=np.int64)
    found: dict[int, list] = {}
    for owner, number in zip(pairs[0].tolist(), pairs[1].tolist()):
        found.setdefault(owner, []).append(codes[number])
    return {owner: sorted(values) for owner, values in found.items()}


def last_rounds(cube: PresenceCube, organisations: np.ndarray, periods: list[str] | None = None) -> dict[int, str]:
    """Per organisation number of ``organisations``: the latest period of ``periods`` (all the cube's by
    default) holding one of its rows."""
    last: dict[int, str] = {}
    wanted = set(organisations.tolist())
    for period in sorted(periods if periods is not None else cube.periods, reverse=True):
        for number in np.unique(cube.period_rows(period).organisation).tolist():
            if number in wanted and number not in last:
                last[number] = period
        if len(last) == len(wanted):
            break
    return last


def _pairs(selection: Selection, keys: np.ndarray) -> np.ndarray:
    """Distinct (key, organisation) of the selected rows whose key is known, as a 2 × n array."""
    take = selection.mask & (keys >= 0)
    if not take.any():
        return np.empty((2, 0), dtype=np.int64)
    return np.unique(np.stack([keys[take].astype(np.int64), selection.rows.organisation[take].astype(np.int64)]),
                     axis=1)


def silent_by(before: Selection, now: Selection, by: str) -> pd.DataFrame:
    """Per cluster (``by`` "sector") or region (``by`` "region") of the round compared with: how many
    organisations reported there then, how many of them reported now, and which did not; the most silent
    first.

    A cluster collects its partners' reports, so per cluster an organisation did not report when it has no
    row *in that cluster* now (``silent_everywhere`` counts those with no row at all). An organisation that
    moved from one region to another did report, so per region it did not report when it has no row
    *anywhere* now (the change page shows who left a region)."""
    cube = before.cube
    by_sector = by == "sector"
    names = np.array(cube.sectors, dtype=object) if by_sector else cube.units.codes[1]
    earlier = _pairs(before, before.rows.sector if by_sector else before.rows.unit[1])
    later = _pairs(now, now.rows.sector) if by_sector else None
    anywhere = set(now.organisations.tolist())
    records = []
    for key in np.unique(earlier[0]).tolist():
        members = earlier[1][earlier[0] == key].tolist()
        present = set(later[1][later[0] == key].tolist()) if by_sector else anywhere
        silent = sorted((n for n in members if n not in present), key=lambda n: cube.rank[n])
        record = {"key": names[key], "reported_before": len(members), "reported_now": len(members) - len(silent),
                  "silent": len(silent), "silent_names": cube.labels[silent].tolist() if silent else []}
        if by_sector:
            record["silent_everywhere"] = sum(1 for n in silent if n not in anywhere)
        records.append(record)
    columns = ["key", *GROUP_COLUMNS, *(["silent_everywhere"] if by_sector else [])]
    frame = pd.DataFrame(records, columns=columns)
    frame = frame.sort_values(["silent", "key"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return frame.rename(columns={"key": "sector_code" if by_sector else "adm1_pcode"})
