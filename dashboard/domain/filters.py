"""The filters every view shares, each declared once.

A declaration says what the filter is called as a parameter (``name``), which Dash control sets it
(``control``), its key in the address (``url``), the activity column a row filter reads (``field``), what
kind of value it takes (``kind``), the catalogue key of its label (``label``) and whether the public view has
it. From these come the Dash inputs of every callback, the address codec on both sides (this module for the
server, :func:`codec_spec` for the browser's, which a browser test holds to this one), the rows a selection
keeps (:mod:`dashboard.analysis.filters`), and the sentence that describes the filters in headers and
downloads. Adding a filter is adding a declaration (and its test).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class FilterKind(StrEnum):
    COUNTRY = "country"  # the country a view shows (ISO3; its own snapshot, not a row filter)
    LEVEL = "level"    # the administrative level a view is drawn at (not a row filter)
    PERIOD = "period"  # one reporting period, YYYY-MM
    AREA = "area"      # a unit the rows must lie in (a region or a cercle)
    CODES = "codes"    # any of several vocabulary codes (sectors, organisation types)
    IDS = "ids"        # any of several record ids (organisations)


@dataclass(frozen=True)
class Filter:
    name: str
    control: str
    url: str
    field: str | None
    kind: FilterKind
    label: str
    #: whether the public view offers it (an organisation filter would name an organisation in every cell)
    public: bool = True

    @property
    def default(self) -> object:
        return DEFAULT_LEVEL if self.kind is FilterKind.LEVEL else () if self.kind in MULTIPLE else None


#: the level a view is drawn at when the address does not say (communes)
DEFAULT_LEVEL = 3
LEVELS = (1, 2, 3)
MULTIPLE = (FilterKind.CODES, FilterKind.IDS)

FILTERS: tuple[Filter, ...] = (
    Filter("country", "country", "country", None, FilterKind.COUNTRY, "filters.country"),
    Filter("level", "level", "level", None, FilterKind.LEVEL, "filters.level"),
    Filter("period", "period", "period", "period", FilterKind.PERIOD, "filters.period"),
    Filter("area", "area", "area", None, FilterKind.AREA, "filters.area"),
    Filter("sectors", "sector", "sector", "sector_code", FilterKind.CODES, "filters.sector"),
    Filter("org_types", "org-type", "type", "org_type", FilterKind.CODES, "filters.org_type"),
    Filter("organisations", "organisation", "org", "organisation_id", FilterKind.IDS, "filters.organisation",
           public=False),
)
BY_NAME = {declared.name: declared for declared in FILTERS}
#: the filters that keep or drop rows (the level only says where to draw them; the country which data to read)
ROW_FILTERS = tuple(declared for declared in FILTERS if declared.kind not in (FilterKind.LEVEL, FilterKind.COUNTRY))
#: what a value may look like in an address; anything else is left out (the default applies)
PATTERNS = {FilterKind.COUNTRY: r"[A-Z]{3}", FilterKind.PERIOD: r"\d{4}-(0[1-9]|1[0-2])", FilterKind.AREA: r"[A-Z]{2,3}\d{1,9}",
            FilterKind.CODES: r"[a-z][a-z0-9_]{0,39}", FilterKind.IDS: r"[1-9]\d{0,9}"}
_MATCHERS = {kind: re.compile(pattern) for kind, pattern in PATTERNS.items()}


def _parts(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def decode_value(declared: Filter, text: str | None) -> object:
    """One filter's value from its text in an address; a value it cannot take gives the default."""
    if declared.kind is FilterKind.LEVEL:
        return int(text) if text in {str(level) for level in LEVELS} else DEFAULT_LEVEL
    matcher = _MATCHERS[declared.kind]
    if declared.kind in MULTIPLE:
        parts = [part for part in _parts(text) if matcher.fullmatch(part)]
        values = [int(part) for part in parts] if declared.kind is FilterKind.IDS else parts
        return tuple(dict.fromkeys(values))
    text = (text or "").strip()
    if declared.kind is FilterKind.COUNTRY:
        text = text.upper()
    return text if matcher.fullmatch(text) else None


def encode_value(declared: Filter, value: object) -> str:
    """One filter's text in an address ("" for its default, left out of the address)."""
    if value is None or value == declared.default:
        return ""
    if declared.kind in MULTIPLE:
        return ",".join(str(part) for part in value)
    return str(value)


def decode(query: Mapping[str, str]) -> dict[str, object]:
    """Every filter's value (by ``name``) from an address query (by ``url`` key)."""
    return {declared.name: decode_value(declared, query.get(declared.url)) for declared in FILTERS}


def encode(values: Mapping[str, object]) -> dict[str, str]:
    """The address query (by ``url`` key) of filter values (by ``name``), defaults left out."""
    query = {declared.url: encode_value(declared, values.get(declared.name)) for declared in FILTERS}
    return {key: text for key, text in query.items() if text}


def from_controls(values: Mapping[str, object]) -> dict[str, object]:
    """Filter values (by ``name``) from what the Dash controls hold (by ``control`` id): a control's value
    goes through the address codec, so a page and its link always agree."""
    texts = {}
    for declared in FILTERS:
        value = values.get(declared.control)
        if isinstance(value, (list, tuple)):
            value = ",".join(str(part) for part in value)
        texts[declared.url] = None if value is None else str(value)
    return decode(texts)


def codec_spec() -> list[dict[str, object]]:
    """The declarations as the browser's address codec reads them (see :mod:`dashboard.callbacks.url_state`)."""
    return [{"control": declared.control, "url": declared.url, "multiple": declared.kind in MULTIPLE,
             "default": None if declared.kind is not FilterKind.LEVEL else str(DEFAULT_LEVEL)}
            for declared in FILTERS]
