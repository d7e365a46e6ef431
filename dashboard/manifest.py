"""The data manifest (``data/manifest.toml``): which external files the dashboard reads, from where,
and their checksums, so that a mirror folder can be verified before anything is built from it."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from dashboard.config import PROJECT_ROOT

MANIFEST_PATH = PROJECT_ROOT / "data" / "manifest.toml"


@dataclass(frozen=True)
class Dataset:
    id: str
    title: str
    folder: str
    source: str
    version: str
    license: str
    attribution: str
    role: str
    files: dict[str, str]  # path inside the folder → sha256
    period: str | None = None
    #: the country profile (ISO3) the dataset belongs to; None for Mali's and shared datasets
    country: str | None = None

    def path(self, mirror: Path, name: str | None = None) -> Path:
        """Path of one of the dataset's files in the mirror (the first listed when ``name`` is None)."""
        return mirror / self.folder / (name or next(iter(self.files)))


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Dataset]:
    with path.open("rb") as stream:
        raw = tomllib.load(stream)
    datasets = {}
    for entry in raw["dataset"]:
        files = {item["path"]: item["sha256"] for item in entry.pop("file")}
        datasets[entry["id"]] = Dataset(files=files, **entry)
    return datasets


def dataset_by_role(role: str, path: Path = MANIFEST_PATH) -> Dataset:
    """The dataset of a role among Mali's and the shared ones (another country's are reached by its profile)."""
    return next(dataset for dataset in load_manifest(path).values() if dataset.role == role and dataset.country is None)


def _file_problems(dataset: Dataset, mirror: Path) -> tuple[list[str], list[str]]:
    """The dataset's files missing from the mirror, and those present whose checksum differs (each a sentence)."""
    missing, wrong = [], []
    for name, expected in dataset.files.items():
        file = dataset.path(mirror, name)
        if not file.exists():
            missing.append(f"missing: {file} ({dataset.title}, {dataset.source})")
            continue
        actual = hashlib.sha256(file.read_bytes()).hexdigest()
        if actual != expected:
            wrong.append(f"checksum differs: {file} is {actual[:12]}…, manifest says {expected[:12]}… "
                         f"(version {dataset.version}); update the mirror or the manifest")
    return missing, wrong


def verify_mirror(mirror: Path, path: Path = MANIFEST_PATH, *, other_countries: bool = True,
                  ids: set[str] | None = None) -> list[str]:
    """Problems found in the mirror (missing files, checksum mismatches); empty when all is right. Without
    ``other_countries`` the datasets of other countries' profiles (``country`` set) are not checked; with
    ``ids`` only those datasets are."""
    problems = []
    for dataset in load_manifest(path).values():
        if (not other_countries and dataset.country is not None) or (ids is not None and dataset.id not in ids):
            continue
        missing, wrong = _file_problems(dataset, mirror)
        problems.extend(missing + wrong)
    return problems


@dataclass(frozen=True)
class CountryFiles:
    """What the mirror holds of one country's datasets (``country`` None: Mali's and the shared ones, which the
    default ``setup`` reads)."""

    country: str | None
    datasets: int
    files: int
    #: sentences naming each file absent from the mirror
    missing: tuple[str, ...]
    #: sentences naming each file present whose checksum is not the manifest's
    wrong: tuple[str, ...]


def mirror_by_country(mirror: Path, path: Path = MANIFEST_PATH) -> list[CountryFiles]:
    """The mirror's files checked against the manifest, grouped by the country whose profile reads them: Mali's
    and the shared datasets first (``country`` None), then each other country's by ISO3."""
    groups: dict[str | None, list[Dataset]] = {}
    for dataset in load_manifest(path).values():
        groups.setdefault(dataset.country, []).append(dataset)
    checks = []
    for country in sorted(groups, key=lambda iso3: (iso3 is not None, iso3 or "")):
        missing, wrong = [], []
        for dataset in groups[country]:
            absent, differs = _file_problems(dataset, mirror)
            missing += absent
            wrong += differs
        checks.append(CountryFiles(country, len(groups[country]), sum(len(d.files) for d in groups[country]),
                                   tuple(missing), tuple(wrong)))
    return checks
