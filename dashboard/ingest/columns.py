"""Map a sheet's columns to the canonical 3W fields: HXL hashtags first, then French/English headers."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.reader import RawTable
from dashboard.text import clean_text, header_key

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


#: Fields in the words of a message (others: the field name without underscores).
FIELD_WORDS = {
    "org_acronym": "organisation acronym", "org_name": "organisation name", "org_type": "organisation type",
    "adm1_code": "region P-code", "adm1_name": "region name", "adm2_code": "cercle P-code",
    "adm2_name": "cercle name", "adm3_code": "commune P-code", "adm3_name": "commune name",
    "sector": "cluster (sector)", "targeted": "people targeted", "reached": "people reached",
}


def column_letter(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA``: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _column_label(table: RawTable, index: int) -> str:
    header, tag = table.headers[index], table.hxl_tags[index]
    return f"{column_letter(index)} ({', '.join(repr(text) for text in (header, tag) if text) or 'no header'})"


def _one_column(table: RawTable, name: str, candidates: list[int]) -> int:
    """The column to read a field from when several columns designate it (the same header twice, the same HXL
    tag twice): the first one that has values, provided every other column that has values holds the same
    values row by row (a copied column is harmless). Columns that differ are refused, naming both, since
    choosing one would silently drop the other."""
    if len(candidates) == 1:
        return candidates[0]
    rows = table.numbered_rows()
    values = {index: [clean_text(cells[index]) for _, cells in rows] for index in candidates}
    filled = [index for index in candidates if any(values[index])]
    if not filled:
        return candidates[0]
    first = filled[0]
    for other in filled[1:]:
        for offset, (a, b) in enumerate(zip(values[first], values[other])):
            if a != b:
                shown = [repr(value) if value else "empty" for value in (a, b)]
                raise ImportRefused(
                    f"the columns {_column_label(table, first)} and {_column_label(table, other)} both give the "
                    f"{FIELD_WORDS.get(name, name.replace('_', ' '))} but hold different values (row "
                    f"{rows[offset][0]}: {shown[0]} in {column_letter(first)}, {shown[1]} in "
                    f"{column_letter(other)}), so it is not clear "
                    "which one to import. Delete the wrong column, or rename it (or change its HXL tag), then "
                    "import again.", file=table.file_name, sheet=table.sheet, reason="duplicate_column")
    return first


def map_table(table: RawTable, layout: TableLayout) -> ColumnMapping:
    """Find which column holds which field of ``layout``: HXL tags first, then headers; refuse a table that
    lacks a required field, saying what was expected, or that gives a field in two columns that disagree
    (the same header or HXL tag twice with different values: see :func:`_one_column`)."""
    aliases = {header_key(alias): name for name, spellings in layout.header_aliases.items() for alias in spellings}
    by_hxl: dict[str, list[int]] = {}
    for index, tag in enumerate(table.hxl_tags):
        name = field_for_hxl(tag, layout.hxl_rules)
        if name:
            by_hxl.setdefault(name, []).append(index)
    tagged = {index for indexes in by_hxl.values() for index in indexes}
    by_header: dict[str, list[int]] = {}
    for index, header in enumerate(table.headers):
        name = aliases.get(header_key(header))
        if name and name not in by_hxl and index not in tagged:
            by_header.setdefault(name, []).append(index)
    fields: dict[str, int] = {}
    method: dict[str, str] = {}
    for how, candidates in (("hxl", by_hxl), ("header", by_header)):
        for name, indexes in candidates.items():
            fields[name], method[name] = _one_column(table, name, indexes), how
    unknown: dict[int, str] = {}
    for index, header in enumerate(table.headers):
        if index not in fields.values() and (header or table.hxl_tags[index]):
            label = header or f"column {index + 1}"
            # two unknown columns with the same header keep both values: the second is named by its letter
            unknown[index] = label if label not in unknown.values() else f"{label} ({column_letter(index)})"
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
