"""The parameters every view depends on, and their form in a URL query (which makes a view shareable).

The filters among them are those declared in :mod:`dashboard.domain.filters`: :class:`ReportParams` has one
field per declaration (made from the declarations), and the address codec is theirs; the language and a
report's own settings (``k``, ``from``...) complete them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, make_dataclass, replace

from dashboard.analysis.filters import ActivityFilter
from dashboard.domain import filters
from dashboard.domain.filters import DEFAULT_LEVEL, FILTERS, ROW_FILTERS
from dashboard.i18n import DEFAULT_LANGUAGE, language

__all__ = ["DEFAULT_LEVEL", "ReportParams", "params_from_controls", "params_from_query", "params_to_query"]

#: address keys that are not a report's own setting
RESERVED = {declared.url for declared in FILTERS} | {"lang"}


def _selection(self, snapshot) -> ActivityFilter:
    """The rows these parameters select. The public view has no filter the policy withholds (an organisation
    filter would name the organisation in every cell, whatever the number of organisations there)."""
    values = {declared.name: getattr(self, declared.name) for declared in ROW_FILTERS
              if declared.public or not snapshot.public}
    values["period"] = values.get("period") or snapshot.latest_period
    if values.get("area") and snapshot.profile is not None and not values["area"].startswith(snapshot.profile.iso2):
        values["area"] = None  # an area of another country (an address shared across countries): the whole country
    return ActivityFilter(**values)


def _in_country(self, snapshot):
    """These parameters as the snapshot's view reads them: an area of another country (an address shared across
    countries) is left out, so the whole country is shown, by every table, map and download alike."""
    if self.area and snapshot.profile is not None and not str(self.area).startswith(snapshot.profile.iso2):
        return replace(self, area=None)
    return self


def _option(self, name: str, default: str | None = None) -> str | None:
    return self.options.get(name) or default


def _filter_values(self) -> dict[str, object]:
    """The filters' values by declared name."""
    return {declared.name: getattr(self, declared.name) for declared in FILTERS}


ReportParams = make_dataclass(
    "ReportParams",
    [(declared.name, object, field(default=declared.default)) for declared in FILTERS]
    + [("lang", str, field(default=DEFAULT_LANGUAGE)), ("options", Mapping, field(default_factory=dict))],
    frozen=True,
    namespace={"__doc__": "Everything a view depends on: one field per declared filter (its default meaning "
                          "all, or the latest period), the language, and the report's own settings (kept as "
                          "text, as in the URL).",
               "selection": _selection, "in_country": _in_country, "option": _option, "filter_values": _filter_values,
               "__module__": __name__})


def params_from_query(query: Mapping[str, str]) -> ReportParams:
    """Read parameters from a URL query (``sector=health,wash&level=2``); a value a filter cannot take falls back
    to its default (see :func:`dashboard.domain.filters.decode`)."""
    options = {key: value for key, value in query.items() if key not in RESERVED and value}
    return ReportParams(**filters.decode(query), lang=language(query.get("lang")), options=options)


def params_to_query(params: ReportParams) -> dict[str, str]:
    """The inverse of :func:`params_from_query`, leaving out defaults so links stay short."""
    query = {**filters.encode(params.filter_values()),
             "lang": params.lang if params.lang != DEFAULT_LANGUAGE else "", **params.options}
    return {key: value for key, value in query.items() if value}


def params_from_controls(values: Mapping[str, object], lang: str) -> ReportParams:
    """Parameters from the Dash controls' values (by control id, see :data:`dashboard.domain.filters.FILTERS`)."""
    return ReportParams(**filters.from_controls(values), lang=language(lang))

