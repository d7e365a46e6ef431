"""Prepare an installation for a country other than Mali from its profile (``setup --country NER``).

The country's boundaries are added to the database (``DATABASE_URL``) beside those of the countries it already
holds (Mali's, after ``setup``), so one installation may serve several countries, each view showing one; 3Ws are
imported with ``import FILE`` (the country found from the file) or ``import FILE --country NER``. The steps are those of Mali's setup that do not depend
on Mali: the mirror's files of the profile's datasets verified, the schema migrated, the sectors, HDX HAPI's
organisations and the country's P-code hierarchy loaded (with the boundary version the profile names), and the
profile's sector spellings taught. Mali's sample 3W, its 2015 boundary set and the web map are Mali's only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dashboard.config import Settings
from dashboard.domain.country import CountryProfile, ProfileError
from dashboard.domain.text import header_key
from dashboard.ingest.organisation_reference import sync_organisation_reference
from dashboard.geo.web_geometry import build_web_geometry
from dashboard.geo.profiles import DEFAULT_COUNTRY, installation_profile, load_country_units, load_profile
from dashboard.manifest import Dataset, load_manifest, verify_mirror
from dashboard.setup import MirrorIncomplete, _organisation_reference
from dashboard.store.database import migrate
from dashboard.store.models import SectorAlias
from dashboard.store.reference import boundary_versions, sector_vocabulary, sync_admin_units, sync_sectors


def profile_datasets(profile: CountryProfile) -> dict[str, Dataset]:
    """Role ("boundaries", "population", "map") → the manifest dataset the profile names for it."""
    datasets = load_manifest()
    named = {role: getattr(profile, role) for role in ("boundaries", "population", "map") if getattr(profile, role)}
    missing = [dataset_id for dataset_id in named.values() if dataset_id not in datasets]
    if missing:
        raise ProfileError(f"the {profile.iso3} profile names datasets that data/manifest.toml does not list: "
                           + ", ".join(missing))
    return {role: datasets[dataset_id] for role, dataset_id in named.items()}


def build_country_geometry(settings: Settings, profile: CountryProfile) -> dict[int, Path]:
    """Build the map's simplified units of ``profile``'s country into ``settings.geo_dir`` (Mali's from the data
    mirror as always; another country's from its boundaries dataset's folder, into ``geo_dir/<ISO3>``, the polygons
    from its map dataset's folder when the communes have none: Burkina Faso's regions and provinces only).
    Raises :class:`NoCommuneGeometry` when the mirror lacks the files of the map."""
    if profile.iso3 == DEFAULT_COUNTRY:
        return build_web_geometry(settings.data_mirror, settings.geo_dir, profile=profile)
    datasets = profile_datasets(profile)
    folder = settings.data_mirror / datasets["boundaries"].folder
    map_folder = settings.data_mirror / datasets["map"].folder if "map" in datasets else None
    return build_web_geometry(folder, settings.geo_dir, profile=profile, map_folder=map_folder)


def installed_country(engine: Engine) -> CountryProfile | None:
    """The country whose boundaries this installation holds (Mali when it holds Mali's), or None."""
    return installation_profile(boundary_versions(engine))


def teach_profile_spellings(session: Session, engine: Engine, profile: CountryProfile) -> int:
    """Record the profile's sector spellings that the vocabulary does not know yet (as an IMO's taught ones,
    added by ``profile NER``); returns how many were added."""
    known = sector_vocabulary(engine)
    added, now = 0, datetime.now(UTC)
    for spelling, code in profile.sector_spellings.items():
        key = header_key(spelling)
        if known.match(key) is None and session.get(SectorAlias, key) is None:
            session.add(SectorAlias(spelling_key=key, spelling=spelling, sector_code=code,
                                    added_by=f"profile {profile.iso3}", added_at=now))
            added += 1
    return added


def setup_country(engine: Engine, settings: Settings, iso3: str) -> dict[str, int]:
    """Prepare ``engine``'s database for the country ``iso3``: returns the units loaded per level and the
    spellings taught. Raises :class:`ProfileError` for an unknown country, :class:`MirrorIncomplete` when the
    mirror lacks the profile's files."""
    profile = load_profile(iso3)
    if profile.iso3 == DEFAULT_COUNTRY:
        raise ProfileError("Mali is prepared by `python -m dashboard setup` (without --country)")
    datasets = profile_datasets(profile)
    problems = verify_mirror(settings.data_mirror, ids={dataset.id for dataset in datasets.values()})
    if problems:
        raise MirrorIncomplete(
            f"the data mirror {settings.data_mirror} does not hold {profile.name_en}'s files as data/manifest.toml "
            "lists them:\n  - " + "\n  - ".join(problems) + "\nSet MALI3W_DATA_MIRROR to a folder holding these files.")
    units = load_country_units(profile, settings.data_mirror / datasets["boundaries"].folder)
    migrate(engine)
    organisations = _organisation_reference(settings)
    with Session(engine) as session, session.begin():
        sync_sectors(session)
        if organisations is not None:
            sync_organisation_reference(session, *organisations)
        sync_admin_units(session, units, profile.boundary_version, profile.iso3)
    with Session(engine) as session, session.begin():
        taught = teach_profile_spellings(session, engine, profile)
    counts = {f"level_{level}": int(count) for level, count in units.groupby("level").size().items()}
    return {**counts, "sector_spellings": taught}
