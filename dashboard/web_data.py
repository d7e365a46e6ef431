"""What the web pages read: the stored 3W as DataFrames, cached per dataset version.

The cache key is the dataset version (batches and row counts), so every worker process sees a new import
at its next request. Who is asking matters in one way only: viewers without an account get the public
snapshot, built from the full one under the data-responsibility policy, with its own cache keys.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeVar

import pandas as pd
from sqlalchemy import Engine

from dashboard.analysis.duplicates import duplicate_groups
from dashboard.config import BOUNDARY_VERSION, Settings
from dashboard.geo.population import load_population
from dashboard.ingest.membership import membership_frame
from dashboard.ingest.partnerships import partnership_frame
from dashboard.result_cache import ResultCache
from dashboard.security.policy import Policy, load_policy, public_activities
from dashboard.domain.roles import Viewer
from dashboard.store.duplicate_decisions import duplicate_records_frame
from dashboard.store.queries import activity_frame, admin_unit_frame, batch_frame, dataset_version, organisation_frame

T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot:
    """The stored data at one dataset version."""

    version: str
    activities: pd.DataFrame
    organisations: pd.DataFrame
    units: pd.DataFrame
    #: the 3W imports (:data:`dashboard.store.queries.BATCH_COLUMNS`): which files each period comes from
    batches: pd.DataFrame
    memberships: pd.DataFrame
    partnerships: pd.DataFrame
    #: population of regions and cercles (COD-PS), or None when the data mirror does not have it
    population: pd.DataFrame | None = None
    #: the store the snapshot was read from, for what is read on demand (duplicate review, decisions)
    engine: Engine | None = None
    #: views computed from this snapshot, shared with the other server processes
    cache: ResultCache = field(default_factory=ResultCache)
    #: the policy applied to this snapshot when it is the public view (None: the full data)
    public_policy: Policy | None = None

    @property
    def public(self) -> bool:
        return self.public_policy is not None

    def cached(self, key: tuple, compute: Callable[[], T]) -> T:
        """``compute()``, or the value computed earlier for ``key`` on the same dataset version."""
        return self.cache.get_or_compute((self.version, *key), compute)

    @cached_property
    def duplicate_groups(self) -> pd.DataFrame:
        """Groups of possibly duplicated 3W records (computed on first use, then kept with the snapshot)."""
        return duplicate_groups(duplicate_records_frame(self.engine))

    def batches_of(self, period: str | None) -> pd.DataFrame:
        """The 3W imports of a reporting period (none for ``None``)."""
        return self.batches[self.batches["period"] == period]

    def has_rows(self, period: str | None) -> bool:
        """Whether the period has accepted 3W rows (in this view of the data)."""
        return period is not None and bool((self.activities["period"] == period).any())

    def unit_names(self) -> dict[str, str]:
        return dict(zip(self.units["pcode"], self.units["name_fr"]))

    @cached_property
    def lineage(self) -> pd.DataFrame:
        """Per unit (index ``pcode``): ``level``, ``name``, and the code and name of its cercle and region
        (the unit itself at its own level, empty above it)."""
        units = self.units[self.units["level"] >= 1].set_index("pcode")
        table = pd.DataFrame({"level": units["level"], "name": units["name_fr"]})
        current = pd.Series(units.index, index=units.index)
        for level in (3, 2, 1):
            at_level = current.map(units["level"]) == level
            table[f"adm{level}_pcode"] = current.where(at_level)
            current = current.where(~at_level, current.map(units["parent_pcode"]))
        table["cercle"] = table["adm2_pcode"].map(units["name_fr"])
        table["region"] = table["adm1_pcode"].map(units["name_fr"])
        return table

    def units_in(self, level: int, area: str | None) -> pd.Series:
        """The P-codes of the units of ``level`` inside ``area`` (all of them without an area): what a map draws."""
        codes = self.units.loc[self.units["level"] == level, "pcode"]
        return codes[self.inside(codes, area)].reset_index(drop=True)

    def units_for(self, area: str | None) -> pd.DataFrame:
        """The units an analysis of ``area`` needs: those inside it, and every unit of its level or coarser
        (the parents of the units inside). All units when there is no area."""
        if not area or area not in self.lineage.index:
            return self.units
        coarse = self.units["level"] <= int(self.lineage.loc[area, "level"])
        return self.units[coarse | self.inside(self.units["pcode"], area).to_numpy()]

    def inside(self, pcodes: pd.Series, area: str | None) -> pd.Series:
        """Whether each unit lies in ``area`` (a region or cercle, or the unit itself); all True without area."""
        if not area:
            return pd.Series(True, index=pcodes.index)
        lineage = self.lineage.reindex(pcodes)
        return pd.Series((lineage[["adm1_pcode", "adm2_pcode", "adm3_pcode"]] == area).any(axis=1).values,
                         index=pcodes.index)


class DashboardData:
    def __init__(self, engine: Engine, boundary_version: str = BOUNDARY_VERSION,
                 population: pd.DataFrame | None = None, cache: ResultCache | None = None,
                 policy: Policy | None = None):
        self.engine = engine
        self.boundary_version = boundary_version
        self.population = population
        self.cache = cache or ResultCache()
        self.policy = policy or Policy()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._public: Snapshot | None = None

    def snapshot(self, viewer: Viewer) -> Snapshot:
        """The current data as ``viewer`` may see it; reloaded from the database only when the dataset
        version changed."""
        version = dataset_version(self.engine).key
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = Snapshot(version, activity_frame(self.engine), organisation_frame(self.engine),
                                          admin_unit_frame(self.engine, self.boundary_version),
                                          batch_frame(self.engine), membership_frame(self.engine),
                                          partnership_frame(self.engine), self.population, self.engine,
                                          self.cache)
                self._public = None
            if not viewer.public:
                return self._snapshot
            if self._public is None:
                self._public = replace(self._snapshot, version=f"{version}:public:{self.policy.key}",
                                       activities=public_activities(self._snapshot.activities, self.policy),
                                       public_policy=self.policy)
            return self._public


def population_of(settings: Settings, engine: Engine) -> pd.DataFrame | None:
    """Population of regions and cercles from the data mirror, or None when the mirror does not have it
    (gaps are then listed without a population ranking, and say so)."""
    try:
        return load_population(settings.data_mirror, admin_unit_frame(engine, BOUNDARY_VERSION))
    except FileNotFoundError:
        return None


def dashboard_data(engine: Engine, settings: Settings, cache: ResultCache | None = None) -> DashboardData:
    """The data of an installation as every way in reads it (pages, downloads, command line): with the
    population that ranks gaps and the installation's data-responsibility policy, so that a number is the
    same wherever it is read."""
    return DashboardData(engine, population=population_of(settings, engine), cache=cache,
                         policy=load_policy(settings.policy_file))
