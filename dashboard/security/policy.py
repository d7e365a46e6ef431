"""The data-responsibility policy (``data/policy.toml``) and how it shapes what the public sees.

Rules, with safe defaults when the file says nothing:
- sensitive sectors (GBV, child protection) are never placed finer than the cercle: their commune rows are
  counted in their cercle, exactly like rows reported without a commune;
- organisation names are hidden in a cell (unit × sector) where fewer than *k* organisations work.
- the access levels and the aid-worker incidents are shown no finer than the cercle, and each can be switched
  off for the public (``access = false``, ``incidents = false``).
Each rule applies per country: a ``[public.NER]`` table changes, for Niger's public view only, the keys it names.
The first rule is applied to the data itself (:func:`public_activities`), so every map, table, download and
callback answer built from a public snapshot follows it; the second where a report lists names.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.config import PROJECT_ROOT
from dashboard.domain.vocabulary import SECTOR_VOCABULARY
from dashboard.geo.profiles import available_countries

DEFAULT_POLICY_PATH = PROJECT_ROOT / "data" / "policy.toml"
LEVEL_COLUMNS = {1: "adm1_pcode", 2: "adm2_pcode", 3: "adm3_pcode"}
#: the keys a [public] (or [public.<ISO3>]) table may hold
POLICY_KEYS = ("sensitive_sectors", "sensitive_finest_level", "min_organisations_named", "access", "incidents")


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class Policy:
    sensitive_sectors: frozenset[str] = field(default_factory=lambda: frozenset({"gbv", "child_protection"}))
    #: 1 region, 2 cercle, 3 commune
    sensitive_finest_level: int = 2
    #: names are shown in cells with at least this many organisations
    min_organisations_named: int = 3
    #: whether the public sees the access levels (no finer than the cercle) and the aid-worker incidents (counts
    #: by cercle and year)
    show_access: bool = True
    show_incidents: bool = True

    @property
    def key(self) -> str:
        """The same text in every process for the same policy (part of the public views' cache keys)."""
        return (f"{','.join(sorted(self.sensitive_sectors))}/{self.sensitive_finest_level}/{self.min_organisations_named}"
                f"/{int(self.show_access)}{int(self.show_incidents)}")


def load_policy(path: Path | None = None, country: str | None = None) -> Policy:
    """The policy from ``path`` (default ``data/policy.toml``) for ``country`` (ISO3): the ``[public]`` table,
    with what a ``[public.<ISO3>]`` table of that country changes (``[public.NER]``: Niger's public view);
    defaults where the file is missing or silent. A file that names unknown sectors or impossible values is
    refused, not ignored."""
    path = Path(path or DEFAULT_POLICY_PATH)
    if not path.exists():
        return Policy()
    try:
        public = tomllib.loads(path.read_text(encoding="utf-8")).get("public", {})
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{path}: not valid TOML ({error})") from error
    # a table names a configured country (case ignored), and every key is one of the policy's: a misspelt one
    # ([public.Niger], min_organisation_named) would leave the public view under the defaults without a word
    tables = {key: value for key, value in public.items() if isinstance(value, dict)}
    known = available_countries()
    unknown = sorted(key for key in tables if key.upper() not in known)
    if unknown:
        raise PolicyError(f"{path}: [public.{unknown[0]}] names no configured country; a country's table is "
                          f"[public.<ISO3>], one of {', '.join(known)}")
    for name, table in {"public": public, **{f"public.{key}": table for key, table in tables.items()}}.items():
        wrong = sorted(key for key, value in table.items() if key not in POLICY_KEYS and not isinstance(value, dict))
        if wrong:
            raise PolicyError(f"{path}: [{name}] has unknown keys {', '.join(wrong)}; known: {', '.join(POLICY_KEYS)}")
    own = next((table for key, table in tables.items() if country and key.upper() == country.upper()), {})
    # a country's table changes the keys it names; the other countries' tables are theirs only
    public = {key: value for key, value in public.items() if not isinstance(value, dict)} | own
    default = Policy()
    sectors = frozenset(public.get("sensitive_sectors", default.sensitive_sectors))
    unknown = sorted(sectors - set(SECTOR_VOCABULARY.codes()))
    if unknown:
        raise PolicyError(f"{path}: unknown sector codes {', '.join(unknown)}; "
                          f"known: {', '.join(SECTOR_VOCABULARY.codes())}")
    level = int(public.get("sensitive_finest_level", default.sensitive_finest_level))
    k = int(public.get("min_organisations_named", default.min_organisations_named))
    if level not in (1, 2, 3) or k < 1:
        raise PolicyError(f"{path}: sensitive_finest_level must be 1, 2 or 3 and min_organisations_named at least 1")
    layers = {name: public.get(name, getattr(default, f"show_{name}")) for name in ("access", "incidents")}
    if not all(isinstance(value, bool) for value in layers.values()):
        raise PolicyError(f"{path}: access and incidents must be true or false")
    return Policy(sectors, level, k, show_access=layers["access"], show_incidents=layers["incidents"])


def public_activities(activities: pd.DataFrame, policy: Policy, values: tuple[str, ...] = ("rows",)) -> pd.DataFrame:
    """The presence keys with sensitive sectors moved up to the policy's finest level (and keys that now
    coincide merged, their ``values``, row counts and people, added)."""
    sensitive = activities["sector_code"].astype(str).isin(policy.sensitive_sectors)
    too_fine = sensitive & (activities["location_level"] > policy.sensitive_finest_level)
    if not too_fine.any():
        return activities
    coarsened = activities.copy()
    coarsened["location_level"] = coarsened["location_level"].mask(too_fine, policy.sensitive_finest_level)
    for level in range(policy.sensitive_finest_level + 1, 4):
        column = LEVEL_COLUMNS[level]
        coarsened[column] = coarsened[column].mask(too_fine)
    keys = [column for column in coarsened.columns if column not in values]
    merged = coarsened.groupby(keys, observed=True, dropna=False, sort=False)[list(values)].sum(min_count=1).reset_index()
    for column in keys:
        if isinstance(activities[column].dtype, pd.CategoricalDtype):
            merged[column] = merged[column].astype(activities[column].dtype)
    return merged[activities.columns]


def hide_names(names: pd.Series, counts: pd.Series, policy: Policy, hidden: str) -> pd.Series:
    """``names`` where the cell has at least k organisations (``counts``), else the ``hidden`` text."""
    return names.where(counts.astype(float) >= policy.min_organisations_named, hidden)
