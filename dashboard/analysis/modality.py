"""Presence modality: who is physically there, and who works remotely or through partners.

From the 3W's physical-presence column (``Oui`` / ``Non``, ``À distance``, ``Via partenaire``; see
:func:`dashboard.ingest.validate.parse_presence`). Per unit (and sector), each organisation present (rows at the
unit's level or finer, as for presence) is counted once, in the first of:

- **physically present**: at least one of its rows there says so;
- **remote or through partners**: its rows there that state it all say it is not physically there;
- **not stated**: none of its rows there says either (the December 2023 sample has no such column: every
  organisation is "not stated").

The three add up to the organisations present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.cube import NOT_PHYSICAL, PHYSICAL, Cells, Selection

MODALITY_COLUMNS = ["organisations", "physically_present", "remote_or_partners", "not_stated"]


def _keys(cells: Cells, organisations: int) -> np.ndarray:
    return cells.cell.astype(np.int64) * organisations + cells.organisation


def modality_table(selection: Selection, level: int, by_sector: bool, units: np.ndarray) -> pd.DataFrame:
    """Per unit of ``level`` among ``units`` (unit numbers of the cube's level) and, ``by_sector``, per sector
    with at least one organisation present: ``unit`` (number), ``sector_slot`` (-1 when not by sector) and
    :data:`MODALITY_COLUMNS`."""
    cube = selection.cube
    organisations = len(cube.organisation_ids)
    slots = len(cube.sectors) if by_sector else 1
    size = len(cube.units.codes[level]) * slots
    every = _keys(selection.cells(level, by_sector), organisations)
    physical = _keys(selection.stating(PHYSICAL).cells(level, by_sector), organisations)
    remote = np.setdiff1d(_keys(selection.stating(NOT_PHYSICAL).cells(level, by_sector), organisations), physical)
    stated = np.union1d(physical, remote)

    def per_cell(keys: np.ndarray) -> np.ndarray:
        return np.bincount(keys // organisations, minlength=size) if organisations else np.zeros(size, dtype=int)

    present = per_cell(every)
    table = pd.DataFrame({"cell": np.arange(size), "organisations": present, "physically_present": per_cell(physical),
                          "remote_or_partners": per_cell(remote),
                          "not_stated": present - per_cell(np.intersect1d(every, stated))})
    table["unit"], table["sector_slot"] = table["cell"] // slots, (table["cell"] % slots) if by_sector else -1
    table = table[(table["organisations"] > 0) & table["unit"].isin(units)]
    return table[["unit", "sector_slot", *MODALITY_COLUMNS]].reset_index(drop=True)
