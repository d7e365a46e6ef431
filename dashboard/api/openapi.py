"""The OpenAPI description of the read API, made from what it serves: the endpoints' reports (their titles and
own settings from the registry) and the declared filters (their address keys and labels), so it cannot drift
from the code."""

from __future__ import annotations

from dashboard.api.params import DEFAULT_PAGE_SIZE, FORMATS, MAX_PAGE_SIZE
from dashboard.domain.filters import FILTERS, LEVELS, PATTERNS, FilterKind
from dashboard.domain.vocabulary import VOCABULARIES
from dashboard.i18n import LANGUAGES, translate
from dashboard.reports import REPORTS

VERSION = "1.0.0"


def _filter_parameter(declared, lang: str) -> dict:
    schema: dict = {"type": "string"}
    if declared.kind is FilterKind.LEVEL:
        schema = {"type": "string", "enum": [str(level) for level in LEVELS]}
    elif declared.kind in (FilterKind.COUNTRY, FilterKind.PERIOD, FilterKind.AREA):
        schema["pattern"] = f"^{PATTERNS[declared.kind]}$"
    description = translate(declared.label, lang)
    if declared.kind is FilterKind.CODES:
        description += " — " + translate("api.doc.codes", lang, known=", ".join(VOCABULARIES[declared.field].codes()))
    elif declared.kind is FilterKind.IDS:
        description += " — " + translate("api.doc.ids", lang)
    return {"name": declared.url, "in": "query", "required": False, "description": description, "schema": schema}


def _common_parameters(lang: str) -> list[dict]:
    return [
        {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": list(LANGUAGES)},
         "description": translate("api.doc.lang", lang)},
        {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": list(FORMATS)},
         "description": translate("api.doc.format", lang)},
        {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
         "description": translate("api.doc.page", lang)},
        {"name": "per_page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
         "description": translate("api.doc.per_page", lang, largest=MAX_PAGE_SIZE)},
    ]


def _error(lang: str, key: str) -> dict:
    return {"description": translate(key, lang),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_document(endpoints: dict[str, str], lang: str) -> dict:
    paths = {}
    for path, name in endpoints.items():
        report = REPORTS[name]
        parameters = [_filter_parameter(declared, lang) for declared in FILTERS]
        parameters += [{"name": option.name, "in": "query", "required": False, "description": option.help,
                        "schema": {"type": "string", **({"default": option.default} if option.default else {})}}
                       for option in report.options]
        needs = translate("api.doc.needs", lang, permission=str(report.permission)) if report.permission else \
            translate("api.doc.public", lang)
        paths[f"/api/v1/{path}"] = {"get": {
            "operationId": name, "summary": translate(f"report.{name}", lang), "description": needs,
            "parameters": parameters + _common_parameters(lang),
            "security": [{"bearer": []}] if report.permission else [{}, {"bearer": []}],
            "responses": {
                "200": {"description": translate("api.doc.ok", lang), "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Table"}},
                    "text/csv": {"schema": {"type": "string"}}}},
                "400": _error(lang, "api.doc.400"), "401": _error(lang, "api.doc.401"),
                "403": _error(lang, "api.doc.403"), "404": _error(lang, "api.doc.404"),
                "429": _error(lang, "api.doc.429")}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": translate("api.doc.title", lang), "version": VERSION,
                 "description": translate("api.doc.description", lang)},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": translate("api.doc.bearer", lang)}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "status"],
                          "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
                "Table": {"type": "object", "required": ["report", "as_of", "page", "columns", "rows"], "properties": {
                    "report": {"type": "string"}, "title": {"type": "string"},
                    "filters": {"type": "object", "additionalProperties": {"type": "string"}},
                    "as_of": {"type": "object", "properties": {
                        "rounds": {"type": "array", "items": {"type": "object", "properties": {
                            "period": {"type": "string"}, "draft": {"type": "boolean"},
                            "published_at": {"type": ["string", "null"]},
                            "files": {"type": "array", "items": {"type": "object"}}}}},
                        "dataset_version": {"type": "string"}, "public_view": {"type": "boolean"}}},
                    "about": {"type": "array", "items": {"type": "string"}},
                    "notes": {"type": "array", "items": {"type": "string"}},
                    "page": {"type": "object", "properties": {
                        "number": {"type": "integer"}, "size": {"type": "integer"},
                        "total_rows": {"type": "integer"}, "total_pages": {"type": "integer"},
                        "next": {"type": ["string", "null"]}, "prev": {"type": ["string", "null"]}}},
                    "columns": {"type": "array", "items": {"type": "object"}},
                    "rows": {"type": "array", "items": {"type": "object"}}}}}},
    }
