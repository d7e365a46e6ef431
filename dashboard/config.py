"""Where things live: the data mirror, the built geometry and the database.

Every setting comes from an environment variable with a default that works in a checkout that has
the shared data mirror beside it (``../shared/data``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The boundary set every P-code of this installation belongs to.
BOUNDARY_VERSION = "cod-ab-mli-2021"
#: The older set whose codes mean other places: only used to tell a user their file is coded with it.
LEGACY_BOUNDARY_VERSION = "cod-ab-mli-2015"


@dataclass(frozen=True)
class Settings:
    data_mirror: Path
    geo_dir: Path
    database_url: str
    #: where computed views are cached for all server processes; None keeps the cache in each process
    cache_dir: Path | None = None
    #: the data-responsibility policy (see data/policy.toml)
    policy_file: Path | None = None
    #: the key that signs session cookies (created on first start when missing), unless MALI3W_SECRET_KEY is set
    secret_key_file: Path = PROJECT_ROOT / "data" / "secret_key"


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'data' / 'mali3w.sqlite'}"


def get_settings() -> Settings:
    """Read the settings from the environment (``MALI3W_DATA_MIRROR``, ``MALI3W_GEO_DIR``, ``DATABASE_URL``,
    ``MALI3W_CACHE_DIR``, ``MALI3W_POLICY``, ``MALI3W_SECRET_KEY_FILE``)."""
    mirror = os.environ.get("MALI3W_DATA_MIRROR") or PROJECT_ROOT.parent / "shared" / "data"
    geo_dir = os.environ.get("MALI3W_GEO_DIR") or PROJECT_ROOT / "geo"
    cache_dir = os.environ.get("MALI3W_CACHE_DIR") or PROJECT_ROOT / "data" / "cache"
    return Settings(
        data_mirror=Path(mirror).resolve(),
        geo_dir=Path(geo_dir).resolve(),
        database_url=os.environ.get("DATABASE_URL") or _default_database_url(),
        cache_dir=Path(cache_dir).resolve(),
        policy_file=Path(os.environ["MALI3W_POLICY"]).resolve() if os.environ.get("MALI3W_POLICY") else None,
        secret_key_file=Path(os.environ.get("MALI3W_SECRET_KEY_FILE") or PROJECT_ROOT / "data" / "secret_key"),
    )
