"""Access beside presence: the access of each unit of a level, from an access table whose rows may be for
coarser or finer units, and who is present in the constrained and no-go ones.

A unit's access is the most constrained of the rows that concern it: its own, those of the units containing it
(a no-go cercle makes its communes no-go) and those of the units inside it (a no-go commune makes its cercle "no-go
somewhere": the table says which rows decided, so a reader sees it is one commune). Severity: accessible <
constrained < no-go.
"""

from __future__ import annotations

import pandas as pd

SEVERITY = {"accessible": 0, "constrained": 1, "no_go": 2}
#: columns of :func:`unit_access`
UNIT_ACCESS_COLUMNS = ["pcode", "access", "as_of", "source", "decided_by"]
LEVEL_COLUMNS = {1: "adm1_pcode", 2: "adm2_pcode", 3: "adm3_pcode"}


def unit_access(access: pd.DataFrame, lineage: pd.DataFrame, level: int) -> pd.DataFrame:
    """Per unit of ``level`` concerned by at least one row of ``access`` (``pcode, unit_level, access, as_of,
    source``): its access, the latest date and a source of the rows deciding it, and their P-codes
    (``decided_by``). ``lineage``: per unit (index ``pcode``) its ``level`` and ``adm1_pcode``..``adm3_pcode``."""
    if access.empty:
        return pd.DataFrame(columns=UNIT_ACCESS_COLUMNS)
    units = lineage[lineage["level"] == level]
    pieces = []
    for row_level, rows in access.groupby("unit_level"):
        row_level = int(row_level)
        if row_level >= level:  # the row's unit, or its ancestor at the level
            target = lineage.reindex(rows["pcode"])[LEVEL_COLUMNS[level]].to_numpy()
            pieces.append(rows.assign(target=target))
        else:  # every unit of the level inside the row's unit
            inside = units[[LEVEL_COLUMNS[row_level]]].reset_index().rename(
                columns={"pcode": "target", LEVEL_COLUMNS[row_level]: "pcode"})
            pieces.append(rows.merge(inside, on="pcode"))
    rows = pd.concat(pieces, ignore_index=True).dropna(subset=["target"])
    rows["severity"] = rows["access"].map(SEVERITY)
    worst = rows.groupby("target")["severity"].transform("max")
    deciding = rows[rows["severity"] == worst].sort_values(["target", "as_of", "pcode"])
    table = deciding.groupby("target", as_index=False).agg(
        access=("access", "first"), as_of=("as_of", "max"), source=("source", "last"),
        decided_by=("pcode", lambda codes: ", ".join(sorted(set(codes)))))
    return table.rename(columns={"target": "pcode"})[UNIT_ACCESS_COLUMNS]
