"""Reference tables every import relies on: the boundary hierarchy, the sector vocabulary and the outside
reference of organisation spellings (HDX HAPI)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.orm import Session

from dashboard.domain.places import Crosswalk, Hierarchy
from dashboard.domain.text import place_key
from dashboard.store.models import AdminUnit, Sector, SectorAlias, UnitCrosswalk
from dashboard.domain.vocabulary import SECTOR_VOCABULARY, SECTORS, Vocabulary


def sync_sectors(session: Session) -> None:
    """Make the sector table equal to the vocabulary (parents first, so foreign keys hold)."""
    existing = {sector.code: sector for sector in session.scalars(select(Sector))}
    for term in sorted(SECTORS, key=lambda term: term.parent_code is not None):
        sector = existing.get(term.code) or Sector(code=term.code)
        sector.name_fr, sector.name_en, sector.parent_code = term.name_fr, term.name_en, term.parent_code
        session.add(sector)
        session.flush()


def boundary_versions(engine: Engine) -> set[str]:
    """The boundary sets whose units the database holds (the countries an installation holds are found from them)."""
    with engine.connect() as connection:
        return set(connection.scalars(select(AdminUnit.boundary_version).distinct()))


def place_keys(engine: Engine, versions: dict[str, str]) -> dict[str, dict[int, set[str]]]:
    """For each country (alpha-2 → its boundary version in ``versions``), the place keys of its units' names by
    level (1-3): what a names-only file's country is found from."""
    keys: dict[str, dict[int, set[str]]] = {code: {} for code in versions}
    by_version = {version: code for code, version in versions.items()}
    with engine.connect() as connection:
        rows = connection.execute(select(AdminUnit.boundary_version, AdminUnit.level, AdminUnit.name_fr)
                                  .where(AdminUnit.boundary_version.in_(list(by_version)), AdminUnit.level > 0))
        for version, level, name in rows:
            keys[by_version[version]].setdefault(level, set()).add(place_key(name))
    return keys


def sync_admin_units(session: Session, units: pd.DataFrame, version: str, country: str = "MLI") -> int:
    """Store the units of a boundary version of ``country`` (ISO3), replacing what was stored for it; returns
    the count. Another country's units are left as they are: an installation may hold several countries."""
    stored = session.scalar(select(func.count()).select_from(AdminUnit).where(AdminUnit.boundary_version == version))
    if stored == len(units):
        return stored
    session.execute(delete(AdminUnit).where(AdminUnit.boundary_version == version))
    records = [{"boundary_version": version, "pcode": row.pcode, "level": int(row.level), "name_fr": row.name_fr,
                "parent_pcode": row.parent_pcode, "country": country} for row in units.itertuples()]
    session.execute(insert(AdminUnit), records)
    return len(records)


def sync_crosswalk(session: Session, build: Callable[[], pd.DataFrame], units: int, from_version: str,
                   to_version: str) -> int:
    """Store where each of the ``units`` units of ``from_version`` lies in ``to_version`` (replacing what was
    stored); ``build`` computes it, only when what is stored does not already cover them all."""
    stored = session.scalar(select(func.count()).select_from(UnitCrosswalk)
                            .where(UnitCrosswalk.from_version == from_version))
    if stored == units:
        return stored
    crosswalk = build()
    session.execute(delete(UnitCrosswalk).where(UnitCrosswalk.from_version == from_version))
    session.execute(insert(UnitCrosswalk), [
        {"from_version": from_version, "from_pcode": row.from_pcode, "to_version": to_version,
         "to_pcode": row.to_pcode, "to_level": int(row.to_level), "share": float(row.share)}
        for row in crosswalk.itertuples()])
    return len(crosswalk)


def load_crosswalk(engine: Engine, from_version: str, to_version: str) -> Crosswalk:
    """Each unit of ``from_version`` → (its ``to_version`` unit, that unit's level, the area share)."""
    with engine.connect() as connection:
        rows = connection.execute(select(UnitCrosswalk.from_pcode, UnitCrosswalk.to_pcode, UnitCrosswalk.to_level,
                                         UnitCrosswalk.share)
                                  .where(UnitCrosswalk.from_version == from_version,
                                         UnitCrosswalk.to_version == to_version)).all()
    return {row.from_pcode: (row.to_pcode, row.to_level, row.share) for row in rows}


def load_hierarchy(engine: Engine, version: str) -> Hierarchy:
    with engine.connect() as connection:
        rows = connection.execute(select(AdminUnit.pcode, AdminUnit.level, AdminUnit.parent_pcode, AdminUnit.name_fr)
                                  .where(AdminUnit.boundary_version == version)).all()
    return Hierarchy.from_units(version, [(r.pcode, r.level, r.parent_pcode, r.name_fr) for r in rows])


def sector_vocabulary(engine: Engine) -> Vocabulary:
    """The sector vocabulary the code ships, plus the spellings an IMO taught (table ``sector_alias``)."""
    with engine.connect() as connection:
        taught = dict(connection.execute(select(SectorAlias.spelling, SectorAlias.sector_code)).all())
    return SECTOR_VOCABULARY.with_spellings(taught)
