"""People targeted and reached, and activity status, per unit: sums of what the 3W's rows say, for the rows a
view selects. A person may be counted by two organisations or two sectors (the 3W does not say who the people
are), so these are sums of reports, not people."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.cube import LEVEL_COLUMN
from dashboard.domain.vocabulary import ACTIVITY_STATUS_VOCABULARY, NO_STATUS, OTHER_STATUS

#: the status columns of :func:`people_by_unit`, in this order (suspended and unknown texts are "other")
STATUS_COLUMNS = {"ongoing": "rows_ongoing", "planned": "rows_planned", "completed": "rows_completed",
                  OTHER_STATUS: "rows_other_status"}


def status_code(text: object) -> str:
    """A row's status as a code of :data:`ACTIVITY_STATUS_VOCABULARY`; no text gives ``NO_STATUS``, a text
    none of its spellings matches gives ``OTHER_STATUS``."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
        return NO_STATUS
    term = ACTIVITY_STATUS_VOCABULARY.match(text)
    return term.code if term is not None else OTHER_STATUS


def people_by_unit(people: pd.DataFrame, pcodes: pd.Series, level: int) -> pd.DataFrame:
    """Per unit of ``pcodes`` (all of them, in order, zeros included) at ``level``: people targeted and
    reached (sums over the rows at that level or finer inside the unit; NaN where no row gives a number),
    the share reached, and the rows by activity status. ``people`` has the columns of
    :data:`dashboard.store.queries.PEOPLE_COLUMNS`."""
    column = LEVEL_COLUMN[level]
    inside = people[people["location_level"] >= level]
    units = inside[column].astype(object)
    sums = inside.groupby(units, observed=True)[["targeted", "reached"]].sum(min_count=1)
    statuses = inside["status"].map(status_code).replace({"suspended": OTHER_STATUS})
    counts = (inside.assign(status_code=statuses.to_numpy())
              .pivot_table(index=column, columns="status_code", values="rows", aggfunc="sum", observed=True)
              if len(inside) else pd.DataFrame())
    table = pd.DataFrame({"pcode": pcodes.astype(object).to_numpy()})
    table["targeted"] = sums["targeted"].reindex(table["pcode"]).to_numpy(dtype=float)
    table["reached"] = sums["reached"].reindex(table["pcode"]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["reached_share"] = np.where(table["targeted"] > 0, table["reached"] / table["targeted"], np.nan)
    for code, name in STATUS_COLUMNS.items():
        found = counts[code] if code in counts.columns else pd.Series(dtype=float)
        table[name] = found.reindex(table["pcode"]).fillna(0).astype(int).to_numpy()
    return table


def coarser_rows(people: pd.DataFrame, level: int) -> int:
    """Rows giving people or a status at a level coarser than ``level``: counted in no unit of it."""
    return int(people.loc[people["location_level"] < level, "rows"].sum())
