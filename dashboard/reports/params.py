"""The parameters every view depends on, and their form in a URL query (which makes a view shareable)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dashboard.analysis.filters import ActivityFilter, latest_period
from dashboard.i18n import DEFAULT_LANGUAGE, language
from dashboard.web_data import Snapshot

DEFAULT_LEVEL = 3


@dataclass(frozen=True)
class ReportParams:
    """Everything a view depends on. ``None``/empty means the default (all, latest period...)."""

    level: int = DEFAULT_LEVEL
    sectors: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()
    organisations: tuple[int, ...] = ()
    period: str | None = None
    area: str | None = None
    lang: str = DEFAULT_LANGUAGE
    #: report-specific settings (e.g. ``k`` for overlaps), kept as text as in the URL
    options: Mapping[str, str] = field(default_factory=dict)

    def selection(self, snapshot: Snapshot) -> ActivityFilter:
        """The rows these parameters select. The public view has no organisation filter: a map of one
        organisation would name it in every cell, whatever the number of organisations there."""
        organisations = () if snapshot.public else self.organisations
        return ActivityFilter(self.sectors, self.org_types, organisations,
                              self.period or latest_period(snapshot.activities), self.area)

    def option(self, name: str, default: str | None = None) -> str | None:
        return self.options.get(name) or default


_LIST_PARAMS = {"sector": "sectors", "type": "org_types", "org": "organisations"}
_SCALAR_PARAMS = {"level", "period", "area", "lang"}


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def params_from_query(query: Mapping[str, str]) -> ReportParams:
    """Read parameters from a URL query (``sector=health,wash&level=2``); bad values fall back to defaults."""
    level = query.get("level", "")
    organisations = tuple(int(value) for value in _split(query.get("org")) if value.isdigit())
    options = {key: value for key, value in query.items()
               if key not in _LIST_PARAMS and key not in _SCALAR_PARAMS and value}
    return ReportParams(level=int(level) if level in {"1", "2", "3"} else DEFAULT_LEVEL,
                        sectors=tuple(_split(query.get("sector"))), org_types=tuple(_split(query.get("type"))),
                        organisations=organisations, period=query.get("period") or None,
                        area=query.get("area") or None, lang=language(query.get("lang")), options=options)


def params_to_query(params: ReportParams) -> dict[str, str]:
    """The inverse of :func:`params_from_query`, leaving out defaults so links stay short."""
    query = {"level": str(params.level) if params.level != DEFAULT_LEVEL else "",
             "sector": ",".join(params.sectors), "type": ",".join(params.org_types),
             "org": ",".join(map(str, params.organisations)), "period": params.period or "",
             "area": params.area or "", "lang": params.lang if params.lang != DEFAULT_LANGUAGE else "",
             **params.options}
    return {key: value for key, value in query.items() if value}
