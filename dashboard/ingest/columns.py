"""Map a sheet's columns to the canonical 3W fields: HXL hashtags first, then French/English headers."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.reader import RawTable
from dashboard.text import header_key

#: (hashtag, attributes that must all be present, field). The most specific rule that fits a tag wins.
HXL_RULES: tuple[tuple[str, frozenset[str], str], ...] = (
    ("#org", frozenset({"acronym"}), "org_acronym"),
    ("#org", frozenset({"name"}), "org_name"),
    ("#org", frozenset({"type"}), "org_type"),
    ("#org", frozenset({"impl"}), "implementing_partner"),
    ("#org", frozenset({"prog"}), "programme_org"),
    ("#org", frozenset({"funder"}), "funder"),
    ("#org", frozenset(), "org_name"),
    ("#actor", frozenset(), "funder"),
    ("#sector", frozenset(), "sector"),
    ("#subsector", frozenset(), "subsector"),
    ("#activity", frozenset(), "activity"),
    ("#adm1", frozenset({"code"}), "adm1_code"),
    ("#adm1", frozenset(), "adm1_name"),
    ("#adm2", frozenset({"code"}), "adm2_code"),
    ("#adm2", frozenset(), "adm2_name"),
    ("#adm3", frozenset({"code"}), "adm3_code"),
    ("#adm3", frozenset(), "adm3_name"),
    ("#loc", frozenset(), "location"),
    ("#status", frozenset(), "status"),
    ("#date", frozenset({"start"}), "start_date"),
    ("#date", frozenset({"end"}), "end_date"),
    ("#targeted", frozenset(), "targeted"),
    ("#reached", frozenset(), "reached"),
    ("#description", frozenset(), "remarks"),
)

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "org_acronym": ("organisation accronyme", "organisation acronyme", "organization acronym",
                    "organisation acronym", "acronyme", "acronym", "sigle", "org acronym"),
    "org_name": ("nom organisation", "nom de l organisation", "organisation name", "organization name",
                 "organisation", "organization", "partenaire humanitaire"),
    "org_type": ("type organisation", "type d organisation", "type de l organisation", "organisation type",
                 "organization type", "org type"),
    "funder": ("bailleur de fond", "bailleur de fonds", "bailleur", "bailleurs", "donor", "donors", "funder",
               "funding organisation", "funding organization"),
    "programme_org": ("program organization", "programme organisation", "organisation de programme"),
    "implementing_partner": ("partenaire de mise en oeuvre", "partenaire de mise en œuvre",
                             "implementing partner", "partenaire d execution"),
    "sector": ("cluster", "secteur", "sector", "cluster secteur"),
    "subsector": ("sous cluster", "sous secteur", "sub cluster", "sub sector", "subsector"),
    "activity": ("activites", "activite", "activity", "activities"),
    "adm1_code": ("admin1pcod", "admin1pcode", "admin1 pcode", "adm1 pcode", "adm1 code", "pcode region",
                  "region pcode", "code region"),
    "adm1_name": ("region", "admin1", "admin1name", "admin1 name", "adm1 name"),
    "adm2_code": ("admin2pcod", "admin2pcode", "admin2 pcode", "adm2 pcode", "adm2 code", "pcode cercle",
                  "cercle pcode", "code cercle"),
    "adm2_name": ("cercle", "admin2", "admin2name", "admin2 name", "adm2 name", "district"),
    "adm3_code": ("admin3pcod", "admin3pcode", "admin3 pcode", "adm3 pcode", "adm3 code", "pcode commune",
                  "commune pcode", "code commune"),
    "adm3_name": ("commune", "admin3", "admin3name", "admin3 name", "adm3 name"),
    "location": ("village", "localite", "location", "site", "lieu"),
    "status": ("statut", "status", "etat d avancement"),
    "start_date": ("date debut", "date de debut", "start date", "debut"),
    "end_date": ("date fin", "date de fin", "end date", "fin"),
    "targeted": ("total personnes ciblees", "personnes ciblees", "people targeted", "total targeted",
                 "beneficiaires cibles"),
    "reached": ("total no atteintes", "personnes atteintes", "total personnes atteintes", "people reached",
                "total reached", "beneficiaires atteints"),
    "remarks": ("remarques", "remarque", "commentaires", "commentaire", "remarks", "comments"),
}

_ALIAS_TO_FIELD = {header_key(alias): field for field, aliases in HEADER_ALIASES.items() for alias in aliases}
ORGANISATION_FIELDS = ("org_acronym", "org_name")
LOCATION_FIELDS = ("adm1_code", "adm2_code", "adm3_code", "adm1_name", "adm2_name", "adm3_name")


HxlRule = tuple[str, frozenset[str], str]


@dataclass(frozen=True)
class TableLayout:
    """The columns one kind of table can have (3W, membership, partnership), and those it cannot do without."""

    #: ``ImportBatch.kind`` of its imports
    kind: str
    #: (hashtag, attributes that must all be present, field); the most specific fitting rule wins
    hxl_rules: tuple[HxlRule, ...]
    #: field → header spellings (compared with :func:`dashboard.text.header_key`)
    header_aliases: dict[str, tuple[str, ...]]
    #: (what, fields any of which must be present, how the user can provide it)
    required: tuple[tuple[str, tuple[str, ...], str], ...]


def parse_hxl_tag(tag: str | None) -> tuple[str, frozenset[str]] | None:
    """``'#adm2 +code'`` → ``('#adm2', {'code'})``: case, spaces and attribute order do not matter."""
    if not tag:
        return None
    parts = [part.strip().lower() for part in tag.replace(" ", "").split("+")]
    if not parts[0].startswith("#") or len(parts[0]) < 2:
        return None
    return parts[0], frozenset(part for part in parts[1:] if part)


def field_for_hxl(tag: str | None, rules: tuple[HxlRule, ...] = HXL_RULES) -> str | None:
    """The field a HXL tag designates under ``rules`` (the 3W's by default), or None."""
    parsed = parse_hxl_tag(tag)
    if parsed is None:
        return None
    hashtag, attributes = parsed
    fitting = [(len(required), field) for tag_name, required, field in rules
               if tag_name == hashtag and required <= attributes]
    return max(fitting)[1] if fitting else None


@dataclass(frozen=True)
class ColumnMapping:
    #: canonical field → column index in the sheet
    fields: dict[str, int]
    #: column index → header of columns the product does not know (kept with each row)
    unknown: dict[int, str]
    #: field → how it was recognised ("hxl" or "header"), for the import report
    method: dict[str, str]


THREE_W_LAYOUT = TableLayout("3w", HXL_RULES, HEADER_ALIASES, (
    ("organisation", ORGANISATION_FIELDS,
     "an organisation column (HXL #org+acronym or #org+name, or a header such as 'Organisation Accronyme', "
     "'Nom Organisation', 'Organisation')"),
    ("location", LOCATION_FIELDS,
     "a location column (HXL #adm1+code/#adm2+code/#adm3+code, or a header such as 'admin2Pcod', 'Région', "
     "'Cercle', 'Commune')"),
))


def map_table(table: RawTable, layout: TableLayout) -> ColumnMapping:
    """Find which column holds which field of ``layout``: HXL tags first, then headers; refuse a table that
    lacks a required field, saying what was expected."""
    aliases = {header_key(alias): name for name, spellings in layout.header_aliases.items() for alias in spellings}
    fields: dict[str, int] = {}
    method: dict[str, str] = {}
    for index, tag in enumerate(table.hxl_tags):
        name = field_for_hxl(tag, layout.hxl_rules)
        if name and name not in fields:
            fields[name], method[name] = index, "hxl"
    for index, header in enumerate(table.headers):
        name = aliases.get(header_key(header))
        if name and name not in fields and index not in fields.values():
            fields[name], method[name] = index, "header"
    unknown = {index: header or f"column {index + 1}" for index, header in enumerate(table.headers)
               if index not in fields.values() and (header or table.hxl_tags[index])}
    missing = [(what, how) for what, names, how in layout.required if not any(name in fields for name in names)]
    if missing:
        raise ImportRefused(
            "no " + " and no ".join(what for what, _ in missing) + " column was recognised. Expected "
            + " and ".join(how for _, how in missing) + ". Add the HXL row or rename the columns, then import "
            "again.", file=table.file_name, sheet=table.sheet)
    return ColumnMapping(fields, unknown, method)


def map_columns(table: RawTable) -> ColumnMapping:
    """The 3W's columns (see :data:`THREE_W_LAYOUT`)."""
    return map_table(table, THREE_W_LAYOUT)
