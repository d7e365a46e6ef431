"""The presence cube: the activity frame as integer-coded arrays, per reporting period, built once per dataset
version; every presence-based number (the map's colours, presence tables, gaps, overlaps, change, the
national-NGO share, the cercle brief) is read from it.

Why NumPy: a view reads one or two periods' distinct presence keys (about 17,000 of the 410,000 kept at 100
times the real volume) and counts distinct organisations per unit (and sector); coded as small integers, that
is one ``np.unique`` over 64-bit keys and a few ``np.bincount`` calls, a millisecond or two, where the same
counts through pandas group-bys on text columns took 20 to 170 ms (the figures are in the README, beside the
benchmark's). Polars or DuckDB would do the counting as fast but add a second frame library (and for DuckDB a
second query language) to a code base whose inputs and outputs are pandas frames; the arrays need nothing new.

Definitions are those of :mod:`dashboard.analysis.presence`: an organisation is present in a unit when one of
its rows is at the unit's level or finer inside it; a unit's *coarser-only* organisations are the others
reported at a coarser level containing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.domain.places import UnitIndex
from dashboard.domain.vocabulary import ORG_TYPES

#: the unit column of the activity frame for each level
LEVEL_COLUMN = {1: "adm1_pcode", 2: "adm2_pcode", 3: "adm3_pcode"}
#: codes of :attr:`PeriodRows.physical` (the 3W's physical-presence column)
PHYSICAL, NOT_PHYSICAL, NOT_STATED = 1, 0, -1


@dataclass(frozen=True)
class PeriodRows:
    """One reporting period's distinct presence keys, coded: organisation, sector, the level of the row's
    place, its unit number at each level (-1 at the levels finer than the row's: a cercle row has no commune)."""

    organisation: np.ndarray
    sector: np.ndarray
    location_level: np.ndarray
    unit: dict[int, np.ndarray]
    rows: np.ndarray
    #: what the row says of the organisation's presence: :data:`PHYSICAL` (physically there), :data:`NOT_PHYSICAL`
    #: (remotely or through partners), :data:`NOT_STATED`; None for rows built without it (all not stated)
    physical: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.organisation)


@dataclass(frozen=True)
class Cells:
    """Distinct (cell, organisation) pairs of a selection at one level: ``cell`` numbers a unit (times the
    number of sectors, plus the sector, when by sector)."""

    cell: np.ndarray
    organisation: np.ndarray
    sectors: int  # how many sector slots a unit has (1 when not by sector)


@dataclass(frozen=True)
class PresenceCube:
    units: UnitIndex
    periods: tuple[str, ...]
    sectors: tuple[str, ...]
    types: tuple[str, ...]
    #: per organisation number: its id, its type (number in ``types``), its label and the label's rank in the
    #: case-insensitive order lists are read in
    organisation_ids: np.ndarray
    organisation_type: np.ndarray
    labels: np.ndarray
    rank: np.ndarray
    by_period: dict[str, PeriodRows] = field(repr=False)

    # --- building ------------------------------------------------------------------------------------------

    @classmethod
    def build(cls, activities: pd.DataFrame, units: pd.DataFrame, organisations: pd.DataFrame | None = None,
              index: UnitIndex | None = None) -> PresenceCube:
        """From the activity frame (:data:`dashboard.store.queries.ACTIVITY_COLUMNS`, or any frame with
        ``period, organisation_id, org_type, sector_code, location_level, adm1_pcode..adm3_pcode``), the units
        and, for labels, the organisations (``organisation_id, acronym, name``)."""
        index = index or UnitIndex.build(units)
        frame = activities
        periods = tuple(sorted({str(period) for period in frame["period"].dropna().unique()}))
        sectors = tuple(sorted({str(code) for code in frame["sector_code"].dropna().unique()}))
        occurring = {str(code) for code in frame["org_type"].dropna().unique()}
        known = [term.code for term in ORG_TYPES if term.code in occurring]
        types = tuple(known + sorted(occurring - set(known)))
        ids = np.unique(frame["organisation_id"].to_numpy(dtype=np.int64))
        first_type = (frame.drop_duplicates("organisation_id").set_index("organisation_id")["org_type"]
                      .astype(object).astype(str))
        type_number = {code: n for n, code in enumerate(types)}
        organisation_type = np.array([type_number[first_type[i]] for i in ids], dtype=np.int16)
        labels = _labels(ids, organisations)
        order = sorted(range(len(ids)), key=lambda n: (labels[n].casefold(), labels[n]))
        rank = np.empty(len(ids), dtype=np.int32)
        rank[order] = np.arange(len(ids), dtype=np.int32)

        organisation = np.searchsorted(ids, frame["organisation_id"].to_numpy(dtype=np.int64)).astype(np.int32)
        sector_number = {code: n for n, code in enumerate(sectors)}
        sector = frame["sector_code"].astype(object).map(sector_number).fillna(-1).to_numpy(dtype=np.int16)
        location_level = frame["location_level"].to_numpy(dtype=np.int8)
        unit = {}
        for level, column in LEVEL_COLUMN.items():
            unit[level] = (frame[column].astype(object).map(index.number[level]).fillna(-1)
                           .to_numpy(dtype=np.int32))
        rows = frame["rows"].to_numpy(dtype=np.int64) if "rows" in frame else np.ones(len(frame), dtype=np.int64)
        physical = (frame["physical_presence"].astype(object).map({True: PHYSICAL, False: NOT_PHYSICAL})
                    .fillna(NOT_STATED).to_numpy(dtype=np.int8) if "physical_presence" in frame
                    else np.full(len(frame), NOT_STATED, dtype=np.int8))
        period = frame["period"].astype(object).astype(str).to_numpy()
        by_period = {}
        for name in periods:
            take = period == name
            by_period[name] = PeriodRows(organisation[take], sector[take], location_level[take],
                                         {level: values[take] for level, values in unit.items()}, rows[take],
                                         physical[take])
        return cls(index, periods, sectors, types, ids, organisation_type, labels, rank, by_period)

    # --- selecting -----------------------------------------------------------------------------------------

    def period_rows(self, period: str | None) -> PeriodRows:
        empty = np.array([], dtype=np.int32)
        return self.by_period.get(period or "", PeriodRows(empty, empty.astype(np.int16), empty.astype(np.int8),
                                                           {level: empty for level in LEVEL_COLUMN}, empty))

    def select(self, period: str | None, sectors: Sequence[str] = (), org_types: Sequence[str] = (),
               organisations: Sequence[int] = (), area: str | None = None) -> Selection:
        """The rows of ``period`` that every non-empty filter keeps (the filters of
        :mod:`dashboard.domain.filters`)."""
        rows = self.period_rows(period)
        mask = np.ones(len(rows), dtype=bool)
        if sectors:
            wanted = [self.sectors.index(code) for code in sectors if code in self.sectors]
            mask &= np.isin(rows.sector, wanted)
        if org_types:
            wanted = np.array([self.types.index(code) for code in org_types if code in self.types], dtype=np.int16)
            mask &= np.isin(self.organisation_type[rows.organisation], wanted)
        if organisations:
            wanted = np.searchsorted(self.organisation_ids, np.asarray(organisations, dtype=np.int64))
            wanted = wanted[(wanted < len(self.organisation_ids))
                            & (self.organisation_ids[np.minimum(wanted, len(self.organisation_ids) - 1)]
                               == np.asarray(organisations, dtype=np.int64))]
            mask &= np.isin(rows.organisation, wanted)
        if area:
            found = self.units.locate(area)
            if found is None or found[0] == 0:
                mask &= found is not None
            else:
                mask &= rows.unit[found[0]] == found[1]
        return Selection(self, rows, mask)


def _labels(ids: np.ndarray, organisations: pd.DataFrame | None) -> np.ndarray:
    """Each organisation's label: its acronym, else its name, else its id as text."""
    labels = {int(i): str(i) for i in ids}
    if organisations is not None and len(organisations):
        for org_id, acronym, name in zip(organisations["organisation_id"], organisations["acronym"],
                                         organisations["name"]):
            if int(org_id) in labels:
                chosen = acronym if isinstance(acronym, str) and acronym else name
                if isinstance(chosen, str) and chosen:
                    labels[int(org_id)] = chosen
    return np.array([labels[int(i)] for i in ids], dtype=object)


@dataclass(frozen=True)
class Selection:
    """Rows of one period a view reads (a mask over :class:`PeriodRows`), and what is counted from them."""

    cube: PresenceCube
    rows: PeriodRows
    mask: np.ndarray

    def where(self, mask: np.ndarray) -> Selection:
        return Selection(self.cube, self.rows, self.mask & mask)

    def of_type(self, code: str | None) -> Selection:
        """The rows of organisations of one type (all rows for ``None``)."""
        if code is None:
            return self
        number = self.cube.types.index(code) if code in self.cube.types else -1
        return self.where(self.cube.organisation_type[self.rows.organisation] == number)

    def stating(self, physical: int) -> Selection:
        """The rows whose physical-presence cell says ``physical`` (:data:`PHYSICAL`, :data:`NOT_PHYSICAL` or
        :data:`NOT_STATED`)."""
        codes = self.rows.physical if self.rows.physical is not None else np.full(len(self.rows), NOT_STATED)
        return self.where(codes == physical)

    def stated_sector(self, excluded: str) -> Selection:
        """Without the rows of sector ``excluded`` (the rows that state no sector)."""
        if excluded not in self.cube.sectors:
            return self
        return self.where(self.rows.sector != self.cube.sectors.index(excluded))

    @property
    def organisations(self) -> np.ndarray:
        """The organisation numbers of the selected rows, each once."""
        return np.unique(self.rows.organisation[self.mask])

    @property
    def sector_numbers(self) -> np.ndarray:
        return np.unique(self.rows.sector[self.mask])

    def cells(self, level: int, by_sector: bool) -> Cells:
        """Distinct (unit at ``level`` [x sector], organisation) among the selected rows at that level or finer."""
        rows, take = self.rows, self.mask & (self.rows.location_level >= level)
        if level:
            take &= rows.unit[level] >= 0  # a row whose unit the boundaries lack counts nowhere
        unit = np.zeros(int(take.sum()), dtype=np.int64) if level == 0 else rows.unit[level][take].astype(np.int64)
        slots = len(self.cube.sectors) if by_sector else 1
        cell = unit * slots + (rows.sector[take].astype(np.int64) if by_sector else 0)
        keys = np.unique(cell * len(self.cube.organisation_ids) + rows.organisation[take])
        count = len(self.cube.organisation_ids)
        return Cells(keys // count, (keys % count).astype(np.int32), slots)

    def coarser_only(self, level: int, by_sector: bool, present: Cells | None = None) -> np.ndarray:
        """Per cell of ``level`` (a flat array, ``units x sector slots``): organisations reported only at a
        coarser level around the unit, i.e. with a row for an ancestor of it and none in the unit.

        Counted at the granularity of the unit's parent: the organisations reported around each parent, minus
        those of them also present in the unit, so a region's rows are never copied to each of its communes."""
        cube, rows = self.cube, self.rows
        slots = len(cube.sectors) if by_sector else 1
        organisations = len(cube.organisation_ids)
        result = np.zeros(len(cube.units.codes[level]) * slots, dtype=np.int64)
        if level <= 1:
            return result
        parent_level = level - 1
        around = []
        for coarse in range(1, level):
            take = self.mask & (rows.location_level == coarse) & (rows.unit[coarse] >= 0)
            place = rows.unit[coarse][take].astype(np.int64)
            sector = rows.sector[take].astype(np.int64) if by_sector else np.zeros(int(take.sum()), dtype=np.int64)
            organisation = rows.organisation[take].astype(np.int64)
            if coarse < parent_level:  # a region's rows reach each cercle of the region (a handful)
                ancestor = cube.units.ancestors(parent_level, coarse)
                parents = np.arange(len(ancestor), dtype=np.int64)
                order = np.argsort(ancestor, kind="stable")
                starts = np.searchsorted(ancestor[order], place, side="left")
                ends = np.searchsorted(ancestor[order], place, side="right")
                widths = ends - starts
                position = np.repeat(starts, widths) + _ranges(widths)
                place = parents[order][position]
                sector, organisation = np.repeat(sector, widths), np.repeat(organisation, widths)
            around.append((place * slots + sector) * organisations + organisation)
        around_keys = np.unique(np.concatenate(around)) if around else np.array([], dtype=np.int64)
        if not len(around_keys):
            return result
        parent_cells = around_keys // organisations
        around_count = np.bincount(parent_cells, minlength=len(cube.units.codes[parent_level]) * slots)
        present = present or self.cells(level, by_sector)
        unit_parent = cube.units.parent[level].astype(np.int64)
        present_parent_cell = unit_parent[present.cell // slots] * slots + present.cell % slots
        also = np.isin(present_parent_cell * organisations + present.organisation, around_keys)
        also_count = np.bincount(present.cell[also], minlength=len(result))
        cells = np.arange(len(result), dtype=np.int64)
        parent_of_cell = unit_parent[cells // slots] * slots + cells % slots
        valid = unit_parent[cells // slots] >= 0
        result[valid] = around_count[parent_of_cell[valid]] - also_count[valid]
        return result


def _ranges(widths: np.ndarray) -> np.ndarray:
    """``[0..w0-1, 0..w1-1, ...]`` for widths ``[w0, w1, ...]``."""
    total = int(widths.sum())
    if total == 0:
        return np.array([], dtype=np.int64)
    offsets = np.repeat(np.cumsum(widths) - widths, widths)
    return np.arange(total, dtype=np.int64) - offsets


def counts(cells: Cells, size: int) -> np.ndarray:
    """Distinct organisations per cell (``size`` cells)."""
    return np.bincount(cells.cell, minlength=size)


def counts_by_type(cube: PresenceCube, cells: Cells, size: int) -> np.ndarray:
    """Distinct organisations per cell and type: an array ``size x len(cube.types)``."""
    types = len(cube.types)
    flat = np.bincount(cells.cell * types + cube.organisation_type[cells.organisation], minlength=size * types)
    return flat.reshape(size, types)


def label_lists(cube: PresenceCube, cells: Cells, wanted: np.ndarray) -> dict[int, list[str]]:
    """For each cell of ``wanted``: the labels of its organisations in case-insensitive order."""
    take = np.isin(cells.cell, wanted)
    cell, organisation = cells.cell[take], cells.organisation[take]
    if not len(cell):
        return {}
    order = np.lexsort((cube.rank[organisation], cell))
    cell, labels = cell[order], cube.labels[organisation[order]].tolist()
    starts = np.flatnonzero(np.r_[True, np.diff(cell) != 0]).tolist()
    ends = starts[1:] + [len(labels)]
    return {int(cell[start]): labels[start:end] for start, end in zip(starts, ends)}
