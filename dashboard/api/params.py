"""What the read API accepts: the page addresses' parameters (the declared filters, the report's own settings,
the language) plus the response's format and page. Unlike a page address, which falls back to a default for a
value it cannot use, the API refuses it with a sentence (in the asked language) saying what it takes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.domain.filters import FILTERS, LEVELS, PATTERNS, FilterKind
from dashboard.domain.vocabulary import ORG_TYPE_VOCABULARY, VOCABULARIES
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from dashboard.reports import Report, ReportParams, params_from_query
from dashboard.reports.snapshot import Snapshot

FORMATS = ("json", "csv")
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
#: the API's own parameters (not a view's)
RESPONSE_KEYS = ("format", "page", "per_page")
_PERIOD = re.compile(PATTERNS[FilterKind.PERIOD])
#: what a report's own setting may be: a check and the catalogue key of the sentence describing it
OPTION_RULES = {
    "k": (lambda text, _snapshot: text.isdigit() and int(text) >= 1, "api.takes.k"),
    "without": (lambda text, _snapshot: text in ORG_TYPE_VOCABULARY.by_code, "api.takes.without"),
    "from": (lambda text, _snapshot: bool(_PERIOD.fullmatch(text)), "api.takes.period"),
    "by": (lambda text, _snapshot: text in ("sector", "organisation", "region"), "api.takes.by"),
    "status": (lambda text, _snapshot: text in ("pending", "all", "cannot_tell"), "api.takes.status"),
}


class BadParameter(ValueError):
    """A parameter the API cannot use; ``str()`` is the sentence for the user."""


@dataclass(frozen=True)
class ApiRequest:
    params: ReportParams
    fmt: str
    page: int
    per_page: int


def _language(query: Mapping[str, str]) -> str:
    lang = query.get("lang") or DEFAULT_LANGUAGE
    if lang not in LANGUAGES:
        raise BadParameter(translate("api.bad_lang", DEFAULT_LANGUAGE, value=lang, known=", ".join(LANGUAGES)))
    return lang


def _filter_problem(declared, text: str, snapshot: Snapshot, lang: str) -> str | None:
    """Why a filter's text cannot be used (a sentence), or None."""
    name = declared.url
    if declared.kind is FilterKind.COUNTRY:
        known = [profile.iso3 for profile in snapshot.countries] or [snapshot.profile.iso3]
        return None if text.upper() in known else translate("api.takes.country", lang, name=name, value=text,
                                                            known=", ".join(known))
    if declared.kind is FilterKind.LEVEL:
        ok = text in {str(level) for level in LEVELS}
        return None if ok else translate("api.takes.level", lang, name=name, value=text)
    if declared.kind is FilterKind.PERIOD:
        return None if _PERIOD.fullmatch(text) else translate("api.takes.period", lang, name=name, value=text)
    if declared.kind is FilterKind.AREA:
        return None if snapshot.index.locate(text) is not None else translate("api.takes.area", lang, name=name,
                                                                               value=text)
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if declared.kind is FilterKind.CODES:
        vocabulary = VOCABULARIES[declared.field]
        unknown = [part for part in parts if part not in vocabulary.by_code]
        return translate("api.takes.codes", lang, name=name, value=", ".join(unknown),
                         known=", ".join(vocabulary.codes())) if unknown or not parts else None
    if snapshot.public and not declared.public:
        return translate("api.not_public", lang, name=name)
    known = set(snapshot.organisations["organisation_id"].astype(int))
    unknown = [part for part in parts if not part.isdigit() or int(part) not in known]
    return translate("api.takes.ids", lang, name=name, value=", ".join(unknown)) if unknown or not parts else None


def _whole(query: Mapping[str, str], key: str, default: int, largest: int, lang: str) -> int:
    text = query.get(key)
    if text is None or text == "":
        return default
    if not text.isdigit() or not 1 <= int(text) <= largest:
        raise BadParameter(translate("api.takes.whole", lang, name=key, value=text, largest=largest))
    return int(text)


def api_request(query: Mapping[str, str], report: Report, snapshot: Snapshot) -> ApiRequest:
    """The parameters of an API request, checked; :class:`BadParameter` for the first that cannot be used."""
    lang = _language(query)
    options = {option.name for option in report.options}
    accepted = [declared.url for declared in FILTERS] + sorted(options) + ["lang", *RESPONSE_KEYS]
    for key in query:
        if key not in accepted:
            raise BadParameter(translate("api.unknown_parameter", lang, name=key, known=", ".join(accepted)))
    for declared in FILTERS:
        text = (query.get(declared.url) or "").strip()
        if text and (problem := _filter_problem(declared, text, snapshot, lang)):
            raise BadParameter(problem)
    for name in options:
        text = (query.get(name) or "").strip()
        rule = OPTION_RULES.get(name)
        if text and rule and not rule[0](text, snapshot):
            raise BadParameter(translate(rule[1], lang, name=name, value=text))
    fmt = query.get("format") or "json"
    if fmt not in FORMATS:
        raise BadParameter(translate("api.takes.format", lang, value=fmt, known=", ".join(FORMATS)))
    page = _whole(query, "page", 1, 10**9, lang)
    per_page = _whole(query, "per_page", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, lang)
    view = {key: value for key, value in query.items() if key not in RESPONSE_KEYS}
    return ApiRequest(params_from_query(view), fmt, page, per_page)
