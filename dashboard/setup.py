"""Prepare an installation: verify the data mirror, build the web geometry, migrate the database, load
the reference tables (boundaries, sectors, HDX HAPI's organisations) and, on a new database, the real Mali
sample 3W."""

from __future__ import annotations

import csv
import logging

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.config import BOUNDARY_VERSION, LEGACY_BOUNDARY_VERSION, Settings
from dashboard.geo.boundaries import load_admin_units, load_legacy_units
from dashboard.geo.crosswalk import legacy_crosswalk
from dashboard.geo.web_geometry import ensure_web_geometry
from dashboard.ingest.importer import ImportResult, import_3w
from dashboard.ingest.organisation_reference import read_hapi_reference, sync_organisation_reference
from dashboard.ingest.partnerships import import_partnerships
from dashboard.manifest import dataset_by_role, verify_mirror
from dashboard.store.database import migrate
from dashboard.store.models import ImportBatch
from dashboard.domain.roles import Role, Viewer
from dashboard.store.rounds import publish_round
from dashboard.store.reference import sync_admin_units, sync_crosswalk, sync_sectors
from dashboard.domain.enums import ImportKind

log = logging.getLogger(__name__)


class MirrorIncomplete(RuntimeError):
    pass


def prepare_database(engine: Engine, settings: Settings) -> None:
    """Schema at the newest revision, sectors and the boundary hierarchy loaded, with where each unit of the
    2015 boundary set lies in the 2021 one (to read files still coded with it), and HDX HAPI's organisations
    (to recognise organisations spelt in a way no file used before)."""
    migrate(engine)
    units = load_admin_units(settings.data_mirror)
    legacy = load_legacy_units(settings.data_mirror)
    organisations = _organisation_reference(settings)
    with Session(engine) as session, session.begin():
        sync_sectors(session)
        if organisations is not None:
            sync_organisation_reference(session, *organisations)
        sync_admin_units(session, units, BOUNDARY_VERSION)
        if legacy is not None:
            sync_admin_units(session, legacy, LEGACY_BOUNDARY_VERSION)
            # one row per 2015 unit; built from the shapefiles (a few seconds) only when not stored yet
            sync_crosswalk(session, lambda: legacy_crosswalk(settings.data_mirror), len(legacy),
                           LEGACY_BOUNDARY_VERSION, BOUNDARY_VERSION)


def _organisation_reference(settings: Settings):
    """HDX HAPI's organisation list and name mapping from the mirror, with the dataset's version; None (and a
    warning: imports then match organisations without it) when the mirror does not have them."""
    dataset = dataset_by_role("organisation-reference")
    try:
        return read_hapi_reference(settings.data_mirror / dataset.folder), dataset.version
    except (OSError, ValueError, KeyError, csv.Error) as error:
        log.warning("HDX HAPI organisation reference not loaded (%s): organisations are matched without it", error)
        return None


def _has_batch(engine: Engine, kind: str) -> bool:
    with Session(engine) as session:
        return bool(session.scalar(select(func.count()).select_from(ImportBatch).where(ImportBatch.kind == kind)))


def import_sample_if_empty(engine: Engine, settings: Settings) -> ImportResult | None:
    """Import the real samples on a new database: the December 2023 Mali 3W and the 2023 partnership
    agreements of Kidal and Gao (funding delegated to local partners). Returns the 3W import's result."""
    result = None
    if not _has_batch(engine, ImportKind.THREE_W):
        sample = dataset_by_role("sample-3w")
        result = import_3w(engine, sample.path(settings.data_mirror), period=sample.period,
                           source=sample.attribution, imported_by="setup")
        publish_round(engine, sample.period, Viewer(Role.IMO, "setup"))  # the sample is what everyone sees
    if not _has_batch(engine, ImportKind.PARTNERSHIP):
        agreements = dataset_by_role("partnerships")
        import_partnerships(engine, agreements.path(settings.data_mirror), source=agreements.attribution,
                            imported_by="setup")
    return result


def setup(engine: Engine, settings: Settings, *, with_sample: bool = True) -> ImportResult | None:
    problems = verify_mirror(settings.data_mirror, other_countries=False)  # Niger's, Burkina's: setup --country
    if problems:
        raise MirrorIncomplete(
            f"the data mirror {settings.data_mirror} does not match data/manifest.toml:\n  - "
            + "\n  - ".join(problems) + "\nSet MALI3W_DATA_MIRROR to a folder holding these files.")
    log.info("geometry: %s", ensure_web_geometry(settings.data_mirror, settings.geo_dir))
    prepare_database(engine, settings)
    return import_sample_if_empty(engine, settings) if with_sample else None
