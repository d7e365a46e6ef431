"""What every view reads: the stored data at one dataset version, as plain data (:class:`Snapshot`), loaded
from the store by :class:`DashboardData` only when the dataset version changed.

A snapshot holds frames and the presence cube built from them once per version (:mod:`dashboard.analysis.cube`);
it holds no connection. What must be read from the store at the time of asking (the duplicate review, whose
decisions change without a new version) is read by the report through :class:`StoreReader`.

Who is asking matters in one way only: viewers without an account get the public snapshot, built from the
full one under the data-responsibility policy, with its own cube and cache keys.
"""

from __future__ import annotations

import gc
from pathlib import Path
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard.analysis.cube import PresenceCube, Selection
from dashboard.analysis.duplicates import duplicate_groups
from dashboard.config import BOUNDARY_VERSION, LEGACY_BOUNDARY_VERSION, Settings
from dashboard.domain.country import CountryProfile
from dashboard.domain.filters import ROW_FILTERS
from dashboard.domain.places import UnitIndex
from dashboard.domain.enums import RoundState
from dashboard.domain.roles import Viewer
from dashboard.geo.food_insecurity import FoodInsecurity, load_food_insecurity
from dashboard.geo.incidents import incident_counts
from dashboard.geo.population import load_population, load_profile_population
from dashboard.geo.profiles import DEFAULT_COUNTRY, installation_profiles, load_profile
from dashboard.ingest.access import ACCESS_COLUMNS, access_frame
from dashboard.ingest.membership import membership_frame
from dashboard.ingest.needs import NEED_COLUMNS, need_frame, need_import_of
from dashboard.ingest.partnerships import partnership_frame
from dashboard.manifest import load_manifest
from dashboard.result_cache import ResultCache
from dashboard.security.policy import Policy, load_policy, public_activities
from dashboard.store.duplicate_decisions import decision_frame, decisions_version, duplicate_records_frame
from dashboard.store.queries import (
    PEOPLE_COLUMNS,
    accepted_row_frame,
    activity_frame,
    admin_unit_frame,
    batch_frame,
    dataset_version,
    import_countries,
    organisation_frame,
    people_frame,
)
from dashboard.store.reference import boundary_versions, load_crosswalk
from dashboard.store.rounds import ROUND_COLUMNS, round_frame

T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot:
    """The stored data at one dataset version, as the viewer may see it."""

    version: str
    activities: pd.DataFrame
    organisations: pd.DataFrame
    units: pd.DataFrame
    #: the 3W imports (:data:`dashboard.store.queries.BATCH_COLUMNS`): which files each period comes from
    batches: pd.DataFrame
    memberships: pd.DataFrame
    partnerships: pd.DataFrame
    #: the reporting rounds (:data:`dashboard.store.rounds.ROUND_COLUMNS`) this view may show, newest first
    rounds: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ROUND_COLUMNS))
    #: population of regions and cercles (COD-PS), or None when the data mirror does not have it
    population: pd.DataFrame | None = None
    #: views computed from this snapshot, shared with the other server processes
    cache: ResultCache = field(default_factory=ResultCache)
    #: the policy applied to this snapshot when it is the public view (None: the full data)
    public_policy: Policy | None = None
    #: people targeted and reached and activity status per presence key (:data:`PEOPLE_COLUMNS`; the rows
    #: of the 3W that give them only)
    people: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PEOPLE_COLUMNS))
    #: people in need, targeted and population of the latest plan year imported (HNO), unit totals
    #: (:data:`dashboard.ingest.needs.NEED_COLUMNS`); empty when no needs were imported
    needs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NEED_COLUMNS))
    #: the file, source and date of the import the needs come from (None without needs)
    needs_source: dict | None = None
    #: the Cadre Harmonisé's latest cycle on the 2021 units, or None when the data mirror does not have it
    food_insecurity: FoodInsecurity | None = None
    #: aid-worker incidents by cercle and year (:data:`dashboard.geo.incidents.INCIDENT_COLUMNS`), or None when
    #: the mirror does not have them or the policy keeps them from the public
    incidents: pd.DataFrame | None = None
    #: each unit's current access (:data:`dashboard.ingest.access.ACCESS_COLUMNS`); empty without an access
    #: table, or when the policy keeps access from the public
    access: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ACCESS_COLUMNS))
    #: the country this view shows (the words of its levels, the pages' title); None is Mali
    profile: CountryProfile | None = None
    #: every country the installation holds, the default one first (the country choice)
    countries: tuple[CountryProfile, ...] = ()

    @property
    def public(self) -> bool:
        return self.public_policy is not None

    def cached(self, key: tuple, compute: Callable[[], T]) -> T:
        """``compute()``, or the value computed earlier for ``key`` on the same dataset version."""
        return self.cache.get_or_compute((self.version, *key), compute)

    @cached_property
    def index(self) -> UnitIndex:
        """The units by level, numbered (see :class:`dashboard.domain.places.UnitIndex`)."""
        return UnitIndex.build(self.units)

    @cached_property
    def cube(self) -> PresenceCube:
        """The activities coded for counting (built once per snapshot: every presence-based view reads it)."""
        return PresenceCube.build(self.activities, self.units, self.organisations, index=self.index)

    def rows(self, selection, **changes) -> Selection:
        """The cube rows an :class:`~dashboard.analysis.filters.ActivityFilter` selects (with ``changes``, e.g.
        another period)."""
        values = {declared.name: getattr(selection, declared.name) for declared in ROW_FILTERS} | changes
        return self.cube.select(values["period"], values["sectors"], values["org_types"], values["organisations"],
                                values["area"])

    def batches_of(self, period: str | None) -> pd.DataFrame:
        """The 3W imports of a reporting period (none for ``None``)."""
        return self.batches[self.batches["period"] == period]

    def has_rows(self, period: str | None) -> bool:
        """Whether the period has accepted 3W rows (in this view of the data)."""
        return period is not None and period in self.cube.by_period

    @cached_property
    def periods(self) -> list[str]:
        """The periods with accepted rows, oldest first."""
        return list(self.cube.periods)

    @cached_property
    def published_periods(self) -> list[str]:
        """The periods of the published rounds that have accepted rows, oldest first."""
        published = set(self.rounds.loc[self.rounds["state"] == RoundState.PUBLISHED, "period"].astype(str))
        return [period for period in self.periods if period in published]

    @property
    def latest_period(self) -> str | None:
        """What a view shows when no period is chosen: the latest published round (the latest period with
        accepted rows when none is published yet)."""
        chosen = self.published_periods or self.periods
        return chosen[-1] if chosen else None

    def is_draft(self, period: str | None) -> bool:
        """Whether this view shows ``period`` as a draft: its round is not published, or files were imported
        into it since it was (logged-in users see them; the public never sees a draft)."""
        if self.public or not period:
            return False
        found = self.rounds[self.rounds["period"] == period]
        return found.empty or found["state"].iloc[0] != RoundState.PUBLISHED or int(found["unpublished_files"].iloc[0]) > 0

    def round_of(self, period: str | None) -> pd.Series | None:
        """The round of ``period`` (a row of :attr:`rounds`), or None."""
        found = self.rounds[self.rounds["period"] == period]
        return None if found.empty else found.iloc[0]

    def unit_names(self) -> dict[str, str]:
        return dict(zip(self.units["pcode"], self.units["name_fr"]))

    @property
    def lineage(self) -> pd.DataFrame:
        """Per unit (index ``pcode``): ``level``, ``name``, and the code and name of its cercle and region
        (the unit itself at its own level, empty below it)."""
        return self.index.lineage

    def units_in(self, level: int, area: str | None) -> pd.Series:
        """The P-codes of the units of ``level`` inside ``area`` (all of them without an area): what a map draws."""
        return pd.Series(self.index.codes[level][self.index.inside(level, area)], dtype=object)

    def inside(self, pcodes: pd.Series, area: str | None) -> pd.Series:
        """Whether each unit lies in ``area`` (a unit of any level, or the unit itself); all True without area."""
        if not area:
            return pd.Series(True, index=pcodes.index)
        lineage = self.lineage.reindex(pcodes)
        return pd.Series((lineage[["adm1_pcode", "adm2_pcode", "adm3_pcode"]] == area).any(axis=1).values,
                         index=pcodes.index)


class StoreReader:
    """What a report reads from the store when asked, not from the snapshot: the duplicate groups and the
    decisions taken on them. The groups are made once per dataset version (a decision regroups nothing),
    kept in this process and in the cache the server's processes share, so another process reads them
    instead of grouping again."""

    def __init__(self, engine: Engine, cache: ResultCache):
        self.engine = engine
        self.cache = cache
        self._lock = threading.Lock()
        self._groups: tuple[str, pd.DataFrame, dict[str, np.ndarray]] | None = None
        #: per country code (``ML``), whether each group lies in the country: made once per version
        self._in_country: dict[str, np.ndarray] = {}

    def _load_groups(self, version: str) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        version = version.split(":")[0]  # the public view's version names the same stored rows
        with self._lock:
            if self._groups is None or self._groups[0] != version:
                groups = self.cache.get_or_compute(
                    (version, "duplicate_groups"), lambda: duplicate_groups(duplicate_records_frame(self.engine)))
                # as integers even when there is no group (an empty column of lists maps to an object array)
                lengths = groups["periods"].map(len).to_numpy(dtype=np.int64)
                positions = np.repeat(np.arange(len(groups)), lengths)
                periods = pd.Series([period for periods in groups["periods"] for period in periods], dtype=object)
                by_period = {str(period): positions[np.asarray(index)]
                             for period, index in periods.groupby(periods).indices.items()} if len(periods) else {}
                self._groups, self._in_country = (version, groups, by_period), {}
                _keep_out_of_collection()
            return self._groups[1], self._groups[2]

    def duplicate_groups(self, version: str) -> pd.DataFrame:
        return self._load_groups(version)[0]

    def duplicate_groups_of(self, version: str, period: str | None) -> np.ndarray:
        """Whether each duplicate group (in :meth:`duplicate_groups`' order) holds records of ``period``."""
        groups, by_period = self._load_groups(version)
        mask = np.zeros(len(groups), dtype=bool)
        mask[by_period.get(str(period), np.array([], dtype=np.int64))] = True
        return mask

    def duplicate_groups_in(self, version: str, iso2: str) -> np.ndarray:
        """Whether each duplicate group lies in the country whose P-codes begin with ``iso2`` (the groups are every
        country's the database holds); worked out once per dataset version, not at every ask."""
        groups, _ = self._load_groups(version)
        with self._lock:
            mask = self._in_country.get(iso2)
            if mask is None or len(mask) != len(groups):
                mask = groups["pcode"].astype(str).str.startswith(iso2).to_numpy()
                self._in_country[iso2] = mask
            return mask

    def duplicate_decisions(self) -> pd.DataFrame:
        return decision_frame(self.engine)

    def accepted_rows(self, batch_ids: list[int]) -> pd.DataFrame:
        """Every accepted row of these imports, whole (the 3W export)."""
        return accepted_row_frame(self.engine, batch_ids)

    def decisions_version(self) -> str:
        """Changes whenever a duplicate decision is taken (a report of pending groups depends on it)."""
        return decisions_version(self.engine)


@dataclass(frozen=True)
class CountrySource:
    """What one country's views read beside the stored data: its profile and boundary set, and the outside data
    the mirror has for it (population, Cadre Harmonisé, incidents: Mali's only so far), with the
    data-responsibility policy its public view is made under."""

    profile: CountryProfile
    boundary_version: str
    policy: Policy = field(default_factory=Policy)
    population: pd.DataFrame | None = None
    food_insecurity: FoodInsecurity | None = None
    incidents: pd.DataFrame | None = None

    @property
    def iso3(self) -> str:
        return self.profile.iso3


@dataclass(frozen=True)
class _Stored:
    """Every country's stored data at one dataset version, read once; each country's views are cut from it."""

    version: str
    activities: pd.DataFrame
    batches: pd.DataFrame
    people: pd.DataFrame
    organisations: pd.DataFrame
    memberships: pd.DataFrame
    partnerships: pd.DataFrame
    rounds: pd.DataFrame
    needs: pd.DataFrame
    needs_source: dict | None
    access: pd.DataFrame
    #: batch id → country (ISO3), imports of every kind
    countries: dict[int, str]


class DashboardData:
    """The data of an installation as its views read it: one snapshot per country it holds and per kind of viewer
    (logged in, or the public), each made from the stored data once per dataset version.

    The installation's countries are the default one (``profile``, Mali unless given, with ``boundary_version``,
    ``population``, ``policy``...) and ``others`` (:class:`CountrySource`); a view names its country (the
    ``country`` filter), and a country the installation does not hold is its default one. A country's snapshot
    holds its own units, imports, rounds, needs and access only, so no analysis mixes countries."""

    def __init__(self, engine: Engine, boundary_version: str = BOUNDARY_VERSION,
                 population: pd.DataFrame | None = None, cache: ResultCache | None = None,
                 policy: Policy | None = None, food_insecurity: FoodInsecurity | None = None,
                 incidents: pd.DataFrame | None = None, profile: CountryProfile | None = None,
                 others: tuple[CountrySource, ...] = ()):
        self.engine = engine
        default = CountrySource(profile or load_profile(DEFAULT_COUNTRY), boundary_version, policy or Policy(),
                                population, food_insecurity, incidents)
        #: the countries by ISO3, the default one first
        self.countries: dict[str, CountrySource] = {default.iso3: default,
                                                    **{other.iso3: other for other in others if other.iso3 != default.iso3}}
        self.cache = cache or ResultCache()
        self.store = StoreReader(engine, self.cache)
        self._lock = threading.Lock()
        self._stored: _Stored | None = None
        self._views: dict[tuple[str, bool], Snapshot] = {}

    @property
    def profile(self) -> CountryProfile:
        """The default country (its level names, its map): the view of an address that names no country."""
        return self.country(None).profile

    @property
    def policy(self) -> Policy:
        """The default country's data-responsibility policy."""
        return self.country(None).policy

    @property
    def population(self) -> pd.DataFrame | None:
        """The default country's population (None when its profile or the mirror has none)."""
        return self.country(None).population

    @property
    def profiles(self) -> tuple[CountryProfile, ...]:
        """The installation's countries, the default one first."""
        return tuple(source.profile for source in self.countries.values())

    def country(self, iso3: str | None) -> CountrySource:
        """The country a view names, or the default one (for None or a country the installation does not hold)."""
        return self.countries.get((iso3 or "").upper()) or next(iter(self.countries.values()))

    def snapshot(self, viewer: Viewer, country: str | None = None) -> Snapshot:
        """The current data of ``country`` (the default one without) as ``viewer`` may see it; reloaded from the
        database only when the dataset version changed (and its presence cube built at once, so no view pays
        for it).

        Logged-in viewers see every round's current imports, drafts included; the public sees the published
        imports only (an earlier file a newer draft supersedes included), under the country's
        data-responsibility policy."""
        source = self.country(country)
        version = dataset_version(self.engine).key
        with self._lock:
            if self._stored is None or self._stored.version != version:
                self._stored, self._views = None, {}
                self._stored = self._read(version)
            key = (source.iso3, viewer.public)
            if key not in self._views:
                full = self._views.get((source.iso3, False)) or self._full(source)
                self._views[(source.iso3, False)] = full
                if viewer.public:
                    self._views[key] = self._public(source, full)
                _keep_out_of_collection()
            return self._views[key]

    def _read(self, version: str) -> _Stored:
        # every import's country, whatever the countries this process knows: a country added to the database
        # after it started (`setup --country NER`, then imports) must not show in the views it serves
        return _Stored(version, activity_frame(self.engine), batch_frame(self.engine), people_frame(self.engine),
                       organisation_frame(self.engine), membership_frame(self.engine), partnership_frame(self.engine),
                       round_frame(self.engine), **_needs_of(self.engine), countries=import_countries(self.engine))

    def _full(self, source: CountrySource) -> Snapshot:
        """The country's snapshot for logged-in viewers: every current import of the country, drafts included."""
        stored = self._stored
        iso3, iso2 = source.iso3, source.profile.iso2
        # the country's own only, even in a process that knows one country: the database may hold others
        batches = stored.batches[stored.batches["country"] == iso3]
        current = batches[batches["superseded_by"].isna()]
        rounds = stored.rounds[stored.rounds["country"] == iso3].reset_index(drop=True)
        of_imports = lambda frame: frame[frame["batch_id"].map(stored.countries).eq(iso3)].reset_index(drop=True)  # noqa: E731
        of_places = lambda frame: frame[frame["pcode"].astype(str).str.startswith(iso2)].reset_index(drop=True)  # noqa: E731
        needs = of_places(stored.needs)
        # the cache key names the country (Mali's as before countries): the same whichever country a process
        # takes for its default, so two processes never share a key for two countries' numbers
        version = stored.version if iso3 == DEFAULT_COUNTRY else f"{stored.version}:{iso3}"
        snapshot = Snapshot(version, _of_batches(stored.activities, current), stored.organisations,
                            admin_unit_frame(self.engine, source.boundary_version), current,
                            of_imports(stored.memberships), of_imports(stored.partnerships), rounds,
                            source.population, self.cache, people=_of_batches(stored.people, current),
                            needs=needs, needs_source=stored.needs_source if len(needs) else None,
                            access=of_places(stored.access), food_insecurity=source.food_insecurity,
                            incidents=source.incidents, profile=source.profile, countries=self.profiles)
        snapshot.cube  # noqa: B018 (built now, once)
        return snapshot

    def _public(self, source: CountrySource, full: Snapshot) -> Snapshot:
        """The country's snapshot for the public: its published imports only, under its policy."""
        stored, policy = self._stored, source.policy
        batches = stored.batches[stored.batches["country"] == source.iso3]
        published = batches[batches["published_at"].notna()]
        public = replace(
            full, version=f"{full.version}:public:{policy.key}",
            activities=public_activities(_of_batches(stored.activities, published), policy), batches=published,
            people=public_activities(_of_batches(stored.people, published), policy,
                                     values=("targeted", "reached", "rows")),
            rounds=full.rounds[full.rounds["state"] == RoundState.PUBLISHED].reset_index(drop=True),
            public_policy=policy, incidents=full.incidents if policy.show_incidents else None,
            access=full.access if policy.show_access else full.access.iloc[0:0])
        public.cube  # noqa: B018
        return public


def _needs_of(engine: Engine) -> dict[str, object]:
    """The snapshot's needs and where they come from, and the units' access."""
    needs = need_frame(engine)
    source = need_import_of(engine, int(needs["batch_id"].iloc[0])) if len(needs) else None
    return {"needs": needs, "needs_source": source, "access": access_frame(engine)}


def _of_batches(activities: pd.DataFrame, batches: pd.DataFrame) -> pd.DataFrame:
    """The presence keys of the given imports only."""
    kept = activities[activities["batch_id"].isin(batches["batch_id"])]
    return kept.reset_index(drop=True) if len(kept) != len(activities) else activities


def _keep_out_of_collection() -> None:
    """Leave the data just loaded out of Python's cyclic garbage collection: it lives until the next dataset
    version, and millions of long-lived objects (the duplicate groups' lists) made each full collection, which
    runs at unpredictable requests, take 100-200 ms at 100 times the real volume. Memory is still freed when
    the data is dropped (reference counting); only cycles among these objects would be kept."""
    gc.collect()
    gc.freeze()


def population_of(settings: Settings, engine: Engine, profile: CountryProfile | None = None) -> pd.DataFrame | None:
    """Population of regions and cercles from the data mirror (Mali's; or of the levels another country's profile
    gives it for, from its population dataset: Burkina Faso's regions and provinces), or None when the mirror does
    not have it or the profile names none (Niger): gaps are then listed without a population ranking, and say so."""
    try:
        if profile is None or profile.iso3 == DEFAULT_COUNTRY:
            return load_population(settings.data_mirror, admin_unit_frame(engine, BOUNDARY_VERSION))
        if not profile.population_files:
            return None
        folder = settings.data_mirror / load_manifest()[profile.population].folder
        return load_profile_population(profile, folder, admin_unit_frame(engine, profile.boundary_version))
    except FileNotFoundError:
        return None


def food_insecurity_of(settings: Settings, engine: Engine) -> FoodInsecurity | None:
    """The Cadre Harmonisé's latest cycle placed on the 2021 units (older codes through the 2015 crosswalk), or
    None when the data mirror does not have it."""
    try:
        legacy = admin_unit_frame(engine, LEGACY_BOUNDARY_VERSION)
        return load_food_insecurity(settings.data_mirror, admin_unit_frame(engine, BOUNDARY_VERSION),
                                    load_crosswalk(engine, LEGACY_BOUNDARY_VERSION, BOUNDARY_VERSION),
                                    dict(zip(legacy["pcode"], legacy["name_fr"])))
    except FileNotFoundError:
        return None


def incidents_of(settings: Settings) -> pd.DataFrame | None:
    """Aid-worker incidents by cercle and year from the data mirror, or None when it does not have them."""
    try:
        return incident_counts(Path(settings.data_mirror))
    except FileNotFoundError:
        return None


def dashboard_data(engine: Engine, settings: Settings, cache: ResultCache | None = None) -> DashboardData:
    """The data of an installation as every way in reads it (pages, downloads, command line): with the
    population that ranks gaps and each country's data-responsibility policy, so that a number is the same
    wherever it is read.

    The installation's countries are those whose boundaries it holds, Mali first (the default view) when it holds
    Mali's. Another country reads the population its profile names (none
    for Niger: gaps are then listed without a population ranking, and say so); the Cadre Harmonisé and incidents
    are Mali's only."""
    profiles = installation_profiles(boundary_versions(engine)) or [load_profile(DEFAULT_COUNTRY)]
    sources = []
    for profile in profiles:
        policy = load_policy(settings.policy_file, profile.iso3)
        if profile.iso3 == DEFAULT_COUNTRY:
            sources.append(CountrySource(profile, BOUNDARY_VERSION, policy, population_of(settings, engine),
                                         food_insecurity_of(settings, engine), incidents_of(settings)))
        else:
            sources.append(CountrySource(profile, profile.boundary_version, policy,
                                         population_of(settings, engine, profile)))
    default, *others = sources
    return DashboardData(engine, boundary_version=default.boundary_version, population=default.population,
                         cache=cache, policy=default.policy, food_insecurity=default.food_insecurity,
                         incidents=default.incidents, profile=default.profile, others=tuple(others))


__all__ = ["CountrySource", "DashboardData", "Snapshot", "StoreReader", "dashboard_data", "food_insecurity_of", "incidents_of", "population_of"]
