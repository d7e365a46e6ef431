"""Fetching 3W releases from HDX: a dataset's resources (CKAN ``package_show``), the period each covers, and
the download of one, from HDX or from a local mirror folder (for offices without internet).

- The base URL is ``MALI3W_HDX_URL`` (default ``https://data.humdata.org``): the metadata is read from
  ``<base>/api/3/action/package_show?id=<dataset>``; a resource whose address is on HDX is fetched from the same
  path on the base URL, so a local copy of HDX serves both.
- A mirror folder (``MALI3W_HDX_MIRROR``) holds ``<dataset>.json`` (the ``package_show`` answer or its
  ``result``; or ``<dataset>...hdx_metadata.json``, as HDX's tools save it) and the resources' files under their
  file names; nothing is then fetched from the network.

Which resource a file is, and whether it was imported, is decided by the period it covers: its name (else its
file name, else its description) as :func:`dashboard.ingest.periods.infer_period` reads file names
(``MALI_3W_November2024.xlsx`` is 2024-11, ``mali_3w_q2_2025.xlsx`` 2025-06).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests

from dashboard.ingest.periods import infer_period

DEFAULT_BASE_URL = "https://data.humdata.org"
DEFAULT_DATASET = "mali-operational-presence"
#: formats the importer reads
READABLE = {"xlsx", "xls", "xlsm", "csv"}
TIMEOUT = 60


class HdxError(RuntimeError):
    """HDX (or the mirror) could not give what was asked; the message says what and where."""


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    url: str
    format: str
    last_modified: str | None
    description: str | None
    period: str | None

    @property
    def file_name(self) -> str:
        return Path(urlsplit(self.url).path).name or f"{self.id}.{self.format.lower()}"

    @property
    def readable(self) -> bool:
        return Path(self.file_name).suffix.lstrip(".").lower() in READABLE


@dataclass(frozen=True)
class HdxSource:
    base_url: str = DEFAULT_BASE_URL
    mirror: Path | None = None
    #: seconds to wait for HDX
    timeout: float = TIMEOUT

    @classmethod
    def from_environment(cls, base_url: str | None = None, mirror: str | Path | None = None,
                         timeout: float = TIMEOUT) -> HdxSource:
        mirror = mirror or os.environ.get("MALI3W_HDX_MIRROR")
        return cls((base_url or os.environ.get("MALI3W_HDX_URL") or DEFAULT_BASE_URL).rstrip("/"),
                   Path(mirror) if mirror else None, timeout)

    def where(self) -> str:
        return str(self.mirror) if self.mirror else self.base_url

    def package(self, dataset: str) -> dict:
        """The dataset's CKAN metadata (``package_show``'s ``result``)."""
        if self.mirror is not None:
            # <dataset>.json, or the name HDX's own tools save it under (<dataset>...hdx_metadata.json)
            found = [path for path in (self.mirror / f"{dataset}.json",
                                       *sorted(self.mirror.glob(f"{dataset}*.hdx_metadata.json"))) if path.exists()]
            if not found:
                raise HdxError(f"the mirror folder {self.mirror} has no {dataset}.json (the dataset's package_show "
                               "metadata): copy it there, or fetch from HDX without --mirror")
            document = json.loads(found[0].read_text(encoding="utf-8"))
        else:
            url = f"{self.base_url}/api/3/action/package_show?id={quote(dataset)}"
            document = self._get(url).json()
            if isinstance(document, dict) and document.get("success") is False:
                raise HdxError(f"{url}: HDX says {document.get('error')}")
        package = document.get("result", document) if isinstance(document, dict) else None
        if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
            raise HdxError(f"the metadata of {dataset} from {self.where()} lists no resources")
        return package

    def resources(self, dataset: str) -> list[Resource]:
        """The dataset's resources, newest period first (those whose period cannot be told last)."""
        found = []
        for item in self.package(dataset)["resources"]:
            name = str(item.get("name") or "")
            url = str(item.get("url") or "")
            period = infer_period(name) or infer_period(Path(urlsplit(url).path).name) or \
                infer_period(str(item.get("description") or ""))
            found.append(Resource(str(item.get("id") or ""), name, url, str(item.get("format") or ""),
                                  item.get("last_modified"), item.get("description"), period))
        return sorted(found, key=lambda resource: resource.period or "", reverse=True)

    def download(self, resource: Resource, folder: Path) -> Path:
        """The resource's file, written into ``folder`` under its file name."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / resource.file_name
        if self.mirror is not None:
            source = self.mirror / resource.file_name
            if not source.exists():
                raise HdxError(f"the mirror folder {self.mirror} has no {resource.file_name} ({resource.name})")
            target.write_bytes(source.read_bytes())
            return target
        target.write_bytes(self._get(self._address(resource.url)).content)
        return target

    def _address(self, url: str) -> str:
        """A resource on HDX is fetched from the same path on the configured base URL."""
        parts = urlsplit(url)
        if self.base_url != DEFAULT_BASE_URL and f"{parts.scheme}://{parts.netloc}" == DEFAULT_BASE_URL:
            return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return url

    def _get(self, url: str) -> requests.Response:
        try:
            response = requests.get(url, timeout=self.timeout)
        except requests.RequestException as error:
            raise HdxError(f"{url} could not be reached ({error.__class__.__name__}); without internet, give a "
                           "mirror folder (--mirror or MALI3W_HDX_MIRROR)") from error
        if response.status_code != 200:
            raise HdxError(f"{url} answered {response.status_code}")
        return response


def not_imported(resources: list[Resource], imported_periods: set[str]) -> list[Resource]:
    """The readable resources whose period has no 3W import yet, newest first."""
    return [resource for resource in resources
            if resource.readable and resource.period and resource.period not in imported_periods]
