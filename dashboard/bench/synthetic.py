"""Synthetic 3W rows over the real 2021 boundaries, at a multiple of the real December 2023 volume.

The rows are drawn from the real sample already in the store, so organisations, their types, sectors, the
share of cercle-level rows and the places they favour keep their real distributions; then each drawn row
is perturbed as months of reporting would: it may move to another commune of the same cercle, or be
reported by another organisation of the same type. Reproducible from a seed.

Scale 1 is one period of 24,088 rows; 10 is a year of monthly rounds (12 periods, about 240,000 rows);
100 is two years of denser, village-level reporting (24 periods, about 2.4 million rows).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from dashboard.config import BOUNDARY_VERSION
from dashboard.store.models import Activity, AdminUnit, ImportBatch, Organisation, ReportingRound
from dashboard.domain.enums import ImportKind, RoundState

REAL_ROWS = 24_088
PERIODS_BY_SCALE = {1: 1, 10: 12, 100: 24}
#: chance that a drawn commune-level row moves to another commune of its cercle
MOVE_COMMUNE = 0.15
#: chance that a drawn row is reported by another organisation of the same type
SWITCH_ORGANISATION = 0.05
CHUNK_ROWS = 100_000
SOURCE_COLUMNS = ["organisation_id", "org_type", "sector_code", "location_level", "adm1_pcode", "adm2_pcode",
                  "adm3_pcode"]


@dataclass(frozen=True)
class SyntheticPlan:
    scale: int
    seed: int
    periods: list[str]
    rows_per_period: int

    @property
    def rows(self) -> int:
        return self.rows_per_period * len(self.periods)


def plan(scale: int, seed: int = 2023, first_period: str = "2024-01") -> SyntheticPlan:
    """The periods and volume of a synthetic set (any scale; 1, 10 and 100 have a fixed number of periods)."""
    count = PERIODS_BY_SCALE.get(scale, max(1, min(24, scale)))
    periods = [str(period) for period in pd.period_range(first_period, periods=count, freq="M")]
    return SyntheticPlan(scale, seed, periods, round(REAL_ROWS * scale / count))


def _source_rows(engine: Engine) -> pd.DataFrame:
    query = (select(Activity.organisation_id, Organisation.org_type, Activity.sector_code, Activity.location_level,
                    Activity.adm1_pcode, Activity.adm2_pcode, Activity.adm3_pcode)
             .join(Organisation, Organisation.id == Activity.organisation_id)
             .join(ImportBatch, ImportBatch.id == Activity.batch_id).where(ImportBatch.kind == ImportKind.THREE_W))
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).all(), columns=SOURCE_COLUMNS)


def _communes_by_cercle(engine: Engine) -> dict[str, np.ndarray]:
    query = select(AdminUnit.pcode, AdminUnit.parent_pcode).where(
        AdminUnit.boundary_version == BOUNDARY_VERSION, AdminUnit.level == 3)
    with engine.connect() as connection:
        communes = pd.DataFrame(connection.execute(query).all(), columns=["pcode", "cercle"])
    return {cercle: group["pcode"].to_numpy() for cercle, group in communes.groupby("cercle")}


def synthetic_rows(source: pd.DataFrame, communes: dict[str, np.ndarray], count: int,
                   rng: np.random.Generator) -> pd.DataFrame:
    """``count`` rows drawn from ``source`` and perturbed (see the module docstring); vectorised."""
    rows = source.iloc[rng.integers(0, len(source), count)].reset_index(drop=True)
    movable = (rows["location_level"] == 3) & (rng.random(count) < MOVE_COMMUNE)
    for cercle, positions in rows[movable].groupby("adm2_pcode").groups.items():
        choices = communes[cercle]
        rows.loc[positions, "adm3_pcode"] = choices[rng.integers(0, len(choices), len(positions))]
    switch = rng.random(count) < SWITCH_ORGANISATION
    by_type = {org_type: group["organisation_id"].unique() for org_type, group in source.groupby("org_type")}
    for org_type, positions in rows[switch].groupby("org_type").groups.items():
        choices = by_type[org_type]
        rows.loc[positions, "organisation_id"] = choices[rng.integers(0, len(choices), len(positions))]
    return rows


def _chunks(total: int) -> Iterator[int]:
    while total > 0:
        yield min(total, CHUNK_ROWS)
        total -= CHUNK_ROWS


def load_synthetic(engine: Engine, scale: int, seed: int = 2023) -> SyntheticPlan:
    """Add a synthetic set to a store that holds the real sample: one batch per period, rows in chunks."""
    chosen = plan(scale, seed)
    source = _source_rows(engine)
    if source.empty:
        raise RuntimeError("the store holds no 3W rows to draw from: import the real sample first")
    communes = _communes_by_cercle(engine)
    rng = np.random.default_rng(seed)
    for period in chosen.periods:
        with Session(engine) as session, session.begin():
            label = f"synthetic-x{scale}-seed{seed}-{period}"
            now = datetime.now(timezone.utc)
            batch = ImportBatch(kind="3w", file_name=label, sheet=None, period=period,
                                sha256=hashlib.sha256(label.encode()).hexdigest(), source="synthetic benchmark data",
                                boundary_version=BOUNDARY_VERSION, imported_at=now, published_at=now,
                                imported_by="bench", rows_read=chosen.rows_per_period,
                                rows_accepted=chosen.rows_per_period, rows_rejected=0, column_mapping={})
            session.add(batch)
            # each synthetic period is a published round, as the reporting rounds a year of 3Ws would be
            session.add(ReportingRound(period=period, state=RoundState.PUBLISHED, published_at=now, published_by="bench",
                                       changed_at=now, changed_by="bench"))
            session.flush()
            row_number = 3
            for size in _chunks(chosen.rows_per_period):
                rows = synthetic_rows(source, communes, size, rng)
                level = rows["location_level"].to_numpy()
                records = pd.DataFrame({
                    "batch_id": batch.id, "source_row": np.arange(row_number, row_number + size),
                    "organisation_id": rows["organisation_id"].astype(int), "sector_code": rows["sector_code"],
                    "location_level": level, "adm1_pcode": rows["adm1_pcode"], "adm2_pcode": rows["adm2_pcode"],
                    "adm3_pcode": rows["adm3_pcode"],
                    "pcode": np.where(level == 3, rows["adm3_pcode"], np.where(level == 2, rows["adm2_pcode"],
                                                                               rows["adm1_pcode"])),
                })
                records = records.astype(object).where(records.notna(), None)
                session.execute(insert(Activity), records.to_dict("records"))
                row_number += size
    return chosen
