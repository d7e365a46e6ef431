"""Map a sheet's columns to the canonical 3W fields: HXL hashtags first, then French/English headers.

Headers are compared as people write them differently: case, accents, punctuation and spaces do not count
(``Admin1 P-code`` = ``admin1Pcod``... once the spelling is listed), an explanation in brackets is left
out (``ACCRONYME (Choisir dans la liste déroulante)``), a language suffix too (``ORG_NAME_fr``), and a column
under a merged group header is also tried with its group (``Organisation`` / ``Nom``). A header that is only
close to a known one (``Organistion Acronyme``) is recognised too, and the mapping says so, for the report.
Figures broken down by sex and age (``Total Filles ciblées (<18)``, ``#reached+m+adults``) are recognised by
what their header says rather than by a list of spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from rapidfuzz import fuzz, process

from dashboard.ingest.errors import ImportRefused
from dashboard.ingest.reader import HeaderFit, RawTable
from dashboard.domain.text import clean_text, fold, header_key

#: (hashtag, attributes that must all be present, field). The most specific rule that fits a tag wins; of
#: rules as specific, the first listed. A field of None marks tags that are not one of these fields.
HXL_RULES: tuple[tuple[str, frozenset[str], str | None], ...] = (
    # the other organisations a row can name
    ("#org", frozenset({"impl"}), "implementing_partner"),
    ("#org", frozenset({"impl", "type"}), "implementing_partner_type"),
    ("#org", frozenset({"impl", "acronym"}), "implementing_partner_acronym"),
    ("#org", frozenset({"impl", "name"}), "implementing_partner_name"),
    ("#org", frozenset({"partner"}), "implementing_partner"),
    ("#org", frozenset({"partner", "type"}), "implementing_partner_type"),
    ("#org", frozenset({"partner", "acronym"}), "implementing_partner_acronym"),
    ("#org", frozenset({"partner", "name"}), "implementing_partner_name"),
    # a second level of implementing partner (``#org+impl2``) is kept as an unknown column
    ("#org", frozenset({"impl2"}), None),
    ("#org", frozenset({"impl3"}), None),
    ("#org", frozenset({"prog"}), "programme_org"),
    ("#org", frozenset({"prog", "type"}), None),
    ("#org", frozenset({"prog", "name"}), "programme_org_name"),
    ("#org", frozenset({"funder"}), "funder"),
    ("#org", frozenset({"funder", "type"}), None),
    ("#org", frozenset({"funder", "name"}), "funder_name"),
    ("#org", frozenset({"donor"}), "funder"),
    ("#org", frozenset({"donor", "type"}), None),
    ("#org", frozenset({"donor", "name"}), "funder_name"),
    # the organisation doing the work (after the roles above, which win a tie: #org+prog+acronym)
    ("#org", frozenset({"type"}), "org_type"),
    ("#org", frozenset({"acronym"}), "org_acronym"),
    ("#org", frozenset({"name"}), "org_name"),
    ("#org", frozenset({"code"}), None),
    ("#org", frozenset(), "organisation"),
    ("#actor", frozenset(), "funder"),
    ("#sector", frozenset(), "sector"),
    ("#sector", frozenset({"code"}), "sector_code"),
    ("#subsector", frozenset(), "subsector"),
    ("#activity", frozenset(), "activity"),
    # the country: read to tell a file of another country (see dashboard.ingest.countries), kept with the row
    ("#country", frozenset(), "country"),
    ("#adm0", frozenset(), "country"),
    ("#adm1", frozenset({"code"}), "adm1_code"),
    ("#adm1", frozenset({"pcode"}), "adm1_code"),
    ("#adm1", frozenset(), "adm1_name"),
    ("#adm2", frozenset({"code"}), "adm2_code"),
    ("#adm2", frozenset({"pcode"}), "adm2_code"),
    ("#adm2", frozenset(), "adm2_name"),
    ("#adm3", frozenset({"code"}), "adm3_code"),
    ("#adm3", frozenset({"pcode"}), "adm3_code"),
    ("#adm3", frozenset(), "adm3_name"),
    ("#loc", frozenset(), "location"),
    ("#status", frozenset(), "status"),
    ("#date", frozenset({"start"}), "start_date"),
    ("#date", frozenset({"end"}), "end_date"),
    ("#targeted", frozenset(), "targeted"),
    ("#reached", frozenset(), "reached"),
    ("#description", frozenset(), "remarks"),
    ("#meta", frozenset({"presence"}), "physical_presence"),
    ("#indicator", frozenset({"presence"}), "physical_presence"),
)

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "org_acronym": ("organisation accronyme", "organisation acronyme", "organization acronym",
                    "organisation acronym", "acronyme", "accronyme", "acronym", "sigle", "org acronym",
                    "acronyme organisation", "acronyme de l organisation", "sigle organisation",
                    "sigle de l organisation", "implementing org acronym", "implementing organization acronym",
                    "implementing organisation acronym", "nom abrege", "abreviation"),
    "org_name": ("nom organisation", "nom de l organisation", "organisation name", "organization name",
                 "org name", "nom complet", "nom complet de l organisation", "organisation nom",
                 "implementing org name", "implementing organization name", "implementing organisation name",
                 "implementing organization", "implementing organisation", "implementer organization",
                 "nom de l acteur", "nom du partenaire", "raison sociale"),
    # one cell for the organisation, acronym or name: one word is read as an acronym, several as a name
    "organisation": ("organisation", "organization", "organisations", "organizations", "org", "acteur",
                     "acteurs", "partenaire", "partenaires", "partenaire humanitaire", "partner", "agence",
                     "structure", "organisation de mise en oeuvre", "organisation de mise en œuvre",
                     "agence de mise en oeuvre", "organisation humanitaire", "humanitarian organisation",
                     "humanitarian organization", "actor"),
    "org_type": ("type organisation", "type d organisation", "type de l organisation", "organisation type",
                 "organization type", "org type", "type", "type d acteur", "type de structure",
                 "categorie organisation", "categorie d organisation", "implementing org type",
                 "implementing organization type", "implementing organisation type", "type of organisation",
                 "type of organization"),
    "funder": ("bailleur de fond", "bailleur de fonds", "bailleur", "bailleurs", "bailleurs de fonds", "donor",
               "donors", "funder", "funders", "funding organisation", "funding organization", "source de financement",
               "sources de financement", "financement", "financements", "donateur", "funding source", "funded by",
               "finance par", "funding org", "bailleur s"),
    "programme_org": ("program organization", "programme organisation", "organisation de programme",
                      "programme organization", "program organisation", "reporting organization",
                      "reporting organisation", "organisation qui rapporte", "organisation rapportant"),
    "implementing_partner": ("partenaire de mise en oeuvre", "partenaire de mise en œuvre", "implementing partner",
                             "implementing partners", "partenaire d execution", "partenaires de mise en oeuvre",
                             "partenaire operationnel", "partenaires operationnels", "partenaire local",
                             "partenaire d implementation", "sous partenaire"),
    "sector": ("cluster", "secteur", "sector", "cluster secteur", "clusters", "secteurs", "sectors",
               "secteur cluster", "sector cluster", "cluster sector", "secteur d intervention",
               "secteurs d intervention", "domaine", "domaine d intervention", "domaines d intervention",
               "secteur domaine", "cluster name", "nom du cluster", "sector name", "cluster secteur d activite"),
    "subsector": ("sous cluster", "sous secteur", "sub cluster", "sub sector", "subsector", "subcluster",
                  "aor", "domaine de responsabilite", "sous domaine", "sub sector cluster"),
    "activity": ("activites", "activite", "activity", "activities", "type d activite", "type d activites",
                 "activite principale", "description de l activite", "description des activites", "intervention",
                 "interventions", "type d intervention", "activity description", "activity type",
                 "activite realisee", "activites realisees"),
    "country": ("pays", "country", "code pays", "country code", "nom du pays", "country name", "iso3",
                "country iso3", "admin0pcod", "admin0pcode", "admin0 pcode", "adm0 pcode", "adm0 code", "admin0 code",
                "adm0pcode", "admin0name", "admin0 name", "adm0 name", "admin0", "adm0", "adm0 fr", "admin0name fr"),
    "adm1_code": ("admin1pcod", "admin1pcode", "admin1 pcode", "adm1 pcode", "adm1 code", "pcode region",
                  "region pcode", "code region", "pcode1", "admin1 code", "region code", "p code region",
                  "code admin1", "adm1pcode", "region p code", "admin1 p code", "pcode admin1"),
    "adm1_name": ("region", "admin1", "admin1name", "admin1 name", "adm1 name", "adm1 fr", "admin1 name fr",
                  "admin1name fr", "nom region", "region name", "nom de la region", "adm1", "regions", "adm1 nom"),
    "adm2_code": ("admin2pcod", "admin2pcode", "admin2 pcode", "adm2 pcode", "adm2 code", "pcode cercle",
                  "cercle pcode", "code cercle", "pcode2", "admin2 code", "cercle code", "p code cercle",
                  "code admin2", "adm2pcode", "cercle p code", "admin2 p code", "pcode admin2", "district pcode",
                  "district code",
                  # Niger's departments and Burkina Faso's provinces are the level of Mali's cercles
                  "pcode departement", "departement pcode", "code departement", "pcode province", "province pcode",
                  "code province"),
    "adm2_name": ("cercle", "admin2", "admin2name", "admin2 name", "adm2 name", "district", "adm2 fr",
                  "admin2 name fr", "admin2name fr", "nom cercle", "nom du cercle", "cercle name", "adm2",
                  "cercles", "adm2 nom", "departement", "departements", "nom departement", "nom du departement",
                  "province", "provinces", "nom province", "nom de la province"),
    "adm3_code": ("admin3pcod", "admin3pcode", "admin3 pcode", "adm3 pcode", "adm3 code", "pcode commune",
                  "commune pcode", "code commune", "pcode3", "admin3 code", "commune code", "p code commune",
                  "code admin3", "adm3pcode", "commune p code", "admin3 p code", "pcode admin3"),
    "adm3_name": ("commune", "admin3", "admin3name", "admin3 name", "adm3 name", "adm3 fr", "admin3 name fr",
                  "admin3name fr", "nom commune", "nom de la commune", "commune name", "adm3", "communes",
                  "adm3 nom"),
    "location": ("village", "localite", "localites", "location", "site", "lieu", "village localite",
                 "localite village", "quartier", "lieu d intervention", "nom du site", "lieu dit", "villages",
                 "site localite", "village site"),
    "status": ("statut", "status", "etat d avancement", "statut du projet", "statut de l activite",
               "project status", "activity status", "etat", "statut activite", "niveau de mise en oeuvre"),
    "start_date": ("date debut", "date de debut", "start date", "debut", "date de demarrage", "date demarrage",
                   "date debut activite", "date de debut du projet", "start", "project start date",
                   "date debut projet", "date de debut de l activite", "activity start date"),
    "end_date": ("date fin", "date de fin", "end date", "fin", "date fin prevue", "date de fin prevue", "end",
                 "project end date", "date de cloture", "date fin projet", "date de fin du projet",
                 "date de fin de l activite", "activity end date"),
    "targeted": ("total personnes ciblees", "personnes ciblees", "people targeted", "total targeted",
                 "beneficiaires cibles", "nombre de beneficiaires cibles", "cible", "cibles", "targeted",
                 "target", "nombre de personnes ciblees", "total cible", "total cibles", "population cible",
                 "beneficiaires vises", "total people targeted", "targeted people"),
    "reached": ("total no atteintes", "personnes atteintes", "total personnes atteintes", "people reached",
                "total reached", "beneficiaires atteints", "atteints", "atteint", "reached",
                "nombre de personnes atteintes", "nombre de beneficiaires atteints", "total atteint",
                "total atteints", "total people reached", "reached people", "beneficiaires touches",
                "personnes touchees", "personnes assistees"),
    "remarks": ("remarques", "remarque", "commentaires", "commentaire", "remarks", "comments", "comment",
                "observations", "observation", "notes", "note"),
    "physical_presence": ("presence physique", "physical presence", "type de presence", "presence sur le terrain",
                          "modalite de presence", "physiquement present", "presence physique oui non",
                          "mode de presence", "modalite d intervention", "modalite de mise en oeuvre",
                          "presence type", "type of presence", "field presence"),
}

ORGANISATION_FIELDS = ("org_acronym", "org_name", "organisation")
#: Free-text fields, and the country (a code column and a name column): of two columns that both give one with
#: different values, the first is read and the other kept with the unknown columns (two "Activités" columns
#: are detail, not a contradiction to refuse).
DESCRIPTIVE_FIELDS = frozenset({"activity", "location", "status", "remarks", "country"})
LOCATION_FIELDS = ("adm1_code", "adm2_code", "adm3_code", "adm1_name", "adm2_name", "adm3_name")
#: A header this close (0-100, on its compared form) to a known spelling is taken for it.
CLOSE_HEADER_CUTOFF = 90
#: Compared forms shorter than this are only recognised exactly ("fin" is not a misspelt "fini").
CLOSE_HEADER_MIN_LENGTH = 8

HxlRule = tuple[str, frozenset[str], str | None]


@dataclass(frozen=True)
class TableLayout:
    """The columns one kind of table can have (3W, membership, partnership), and those it cannot do without."""

    #: ``ImportBatch.kind`` of its imports
    kind: str
    #: (hashtag, attributes that must all be present, field); the most specific fitting rule wins
    hxl_rules: tuple[HxlRule, ...]
    #: field → header spellings (compared with :func:`compare_key`)
    header_aliases: dict[str, tuple[str, ...]]
    #: (what, fields any of which must be present, how the user can provide it)
    required: tuple[tuple[str, tuple[str, ...], str], ...]
    #: fields that stand in for a missing required group, tried in order: {present field: field it becomes}.
    #: A 3W tagged ``#org+impl`` only names the organisation doing the work that way.
    standins: tuple[dict[str, str], ...] = ()
    #: whether sex and age breakdowns of people targeted and reached are recognised
    breakdowns: bool = False

    @cached_property
    def aliases(self) -> _Aliases:
        """The header spellings in compared form (built once per layout)."""
        return _Aliases(self)


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
    fitting = [(len(required), -position, name) for position, (tag_name, required, name) in enumerate(rules)
               if tag_name == hashtag and required <= attributes]
    return max(fitting)[2] if fitting else None


# --- sex and age breakdowns ------------------------------------------------------------------------------

_MEASURES = (("targeted", ("cibl", "target")), ("reached", ("atteint", "reach", "touche")))
#: words (a header's words start with one of the French stems; English words are whole) and French stems
#: found even inside a word run together with the next ("Total Femmesciblées")
_FEMALE = (("femme", "fille", "feminin"), {"women", "woman", "female", "females", "girls", "girl", "f"})
_MALE = (("homme", "garcon", "masculin"), {"men", "man", "male", "males", "boys", "boy", "m"})
_CHILD = re.compile(r"<\s*=?\s*1[78]|moins de 18|0\s*-\s*17|under 18|enfant|child|fille|garcon|girl|boy|mineur")
_ELDERLY = re.compile(r">\s*=?\s*(59|60|65)|(60|65)\s*\+|\bage(e|es|s)?\b|elderly|older|personnes agees|vieux|vieill")
_ADULT = re.compile(r">\s*=?\s*18|18\s*\+|18\s*-\s*59|adult|plus de 18|18 ans et plus")
_DISABLED = re.compile(r"handicap|disab|pvh|pwd|pshandicap")
#: HXL attributes of a breakdown (``#targeted+f+children``)
_HXL_SEX = {"f": "f", "female": "f", "women": "f", "m": "m", "male": "m", "men": "m"}
_HXL_AGE = {"children": "child", "child": "child", "infants": "child", "adolescents": "child", "adults": "adult",
            "adult": "adult", "elderly": "elderly", "elders": "elderly"}


def breakdown_field(measure: str, sex: str | None, age: str | None, disabled: bool) -> str | None:
    """``targeted_f_child``, ``reached_m``, ``targeted_disabled``...; None without a breakdown."""
    if disabled:
        return f"{measure}_disabled"
    if sex is None and age is None:
        return None
    return "_".join(part for part in (measure, sex, age) if part)


def _names_sex(words: list[str], squeezed: str, sex: tuple[tuple[str, ...], set[str]]) -> bool:
    stems, whole = sex
    return any(word in whole or word.startswith(stems) for word in words) or any(stem in squeezed for stem in stems)


@lru_cache(maxsize=4096)
def header_breakdown(header: str) -> str | None:
    """The breakdown field a header names (``Total Filles ciblées (<18)`` → ``targeted_f_child``,
    ``Femmes âgées atteintes (> =59)`` → ``reached_f_elderly``), or None."""
    text = fold(header)
    squeezed = header_key(text).replace(" ", "")
    measure = next((name for name, stems in _MEASURES if any(stem in squeezed for stem in stems)), None)
    if measure is None:
        return None
    words = header_key(text).split()
    female, male = _names_sex(words, squeezed, _FEMALE), _names_sex(words, squeezed, _MALE)
    sex = "f" if female and not male else "m" if male and not female else None
    age = ("child" if _CHILD.search(text) else "elderly" if _ELDERLY.search(text)
           else "adult" if _ADULT.search(text) else None)
    return breakdown_field(measure, sex, age, bool(_DISABLED.search(text)))


def hxl_breakdown(tag: str | None) -> str | None:
    """The breakdown field of a HXL tag such as ``#targeted+f+children`` or ``#reached+disabled``."""
    parsed = parse_hxl_tag(tag)
    if parsed is None or parsed[0] not in ("#targeted", "#reached"):
        return None
    attributes = parsed[1]
    sex = next((_HXL_SEX[a] for a in attributes if a in _HXL_SEX), None)
    age = next((_HXL_AGE[a] for a in attributes if a in _HXL_AGE), None)
    return breakdown_field(parsed[0][1:], sex, age, "disabled" in attributes)


# --- headers ---------------------------------------------------------------------------------------------

_BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]?")
_LANGUAGE_SUFFIX = re.compile(r"[\s_\-\.](fr|en|francais|english)$", re.IGNORECASE)


def compare_key(value: object) -> str:
    """The form headers are compared in: :func:`dashboard.domain.text.header_key` without spaces, so that
    ``Admin 1 P-code``, ``admin1_pcode`` and ``ADMIN1PCODE`` are one."""
    return header_key(value).replace(" ", "")


def header_forms(header: str, group: str | None = None) -> list[str]:
    """The forms a header is looked up under, most literal first: as written; without what is in brackets;
    without a language suffix; with the group of a two-row header before it."""
    forms = [header]
    bare = clean_text(_BRACKETS.sub(" ", header))
    if bare and bare != header:
        forms.append(bare)
    for form in list(forms):
        unsuffixed = _LANGUAGE_SUFFIX.sub("", form)
        if unsuffixed and unsuffixed != form:
            forms.append(unsuffixed)
    if group and fold(group) != fold(header):
        forms += [f"{group} {form}" for form in list(forms)]
    return forms


class _Aliases:
    """A layout's header spellings in compared form, checked once for spellings given to two fields."""

    def __init__(self, layout: TableLayout):
        self.by_key: dict[str, str] = {}
        for name, spellings in layout.header_aliases.items():
            for spelling in spellings:
                key = compare_key(spelling)
                if self.by_key.setdefault(key, name) != name:
                    raise ValueError(f"layout {layout.kind}: the header {spelling!r} is given to both "
                                     f"{self.by_key[key]} and {name}")
        self.long_keys = [key for key in self.by_key if len(key) >= CLOSE_HEADER_MIN_LENGTH]

    def exact(self, forms: list[str]) -> str | None:
        return next((self.by_key[key] for key in map(compare_key, forms) if key in self.by_key), None)

    def close(self, forms: list[str]) -> tuple[str, str] | None:
        """(field, known spelling) of a header that is a near miss of a known spelling with the same digits
        (``admin2pcode`` is not a misspelt ``admin1pcode``)."""
        for key in map(compare_key, forms):
            if len(key) < CLOSE_HEADER_MIN_LENGTH:
                continue
            found = process.extractOne(key, self.long_keys, scorer=fuzz.ratio, score_cutoff=CLOSE_HEADER_CUTOFF)
            if found and re.sub(r"\D", "", found[0]) == re.sub(r"\D", "", key):
                return self.by_key[found[0]], found[0]
        return None


@dataclass(frozen=True)
class ColumnMapping:
    #: canonical field → column index in the sheet
    fields: dict[str, int]
    #: column index → header of columns the product does not know (kept with each row)
    unknown: dict[int, str]
    #: field → how it was recognised ("hxl", "header", "header (close to 'x')", "hxl (in place of y)"...),
    #: for the import report
    method: dict[str, str]
    #: columns of a field met twice under different HXL tags: column index → the field it was not used for
    #: (its values are kept with the unknown columns)
    set_aside: dict[int, str] = field(default_factory=dict)
    #: fields read from a header only close to a known spelling: field → that spelling (compared form)
    close: dict[str, str] = field(default_factory=dict)
    #: fields read from a column that stands in for a missing one: field → the field the column gives
    standins: dict[str, str] = field(default_factory=dict)


THREE_W_LAYOUT = TableLayout("3w", HXL_RULES, HEADER_ALIASES, (
    ("organisation", ORGANISATION_FIELDS,
     "an organisation column (HXL #org+acronym or #org+name, or a header such as 'Organisation Accronyme', "
     "'Nom Organisation', 'Organisation')"),
    ("location", LOCATION_FIELDS,
     "a location column (HXL #adm1+code/#adm2+code/#adm3+code, or a header such as 'admin2Pcod', 'Région', "
     "'Cercle', 'Commune')"),
), standins=(
    {"implementing_partner_acronym": "org_acronym", "implementing_partner_name": "org_name",
     "implementing_partner_type": "org_type", "implementing_partner": "organisation"},
    {"programme_org": "organisation", "programme_org_name": "org_name"},
), breakdowns=True)


#: Fields in the words of a message (others: the field name without underscores).
FIELD_WORDS = {
    "org_acronym": "organisation acronym", "org_name": "organisation name", "org_type": "organisation type",
    "organisation": "organisation",
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


@dataclass
class _Recognised:
    """Which columns designate which field, before duplicates are settled."""

    by_hxl: dict[str, list[int]]
    by_header: dict[str, list[int]]
    method: dict[str, str]
    close: dict[str, str]


def _recognise(headers: list[str], hxl_tags: list[str | None], groups: list[str | None],
               layout: TableLayout) -> _Recognised:
    """Columns by field: HXL tags first (a tagged column is never read by its header), then headers, exactly,
    then close spellings, then (3W) breakdowns by sex and age."""
    aliases = layout.aliases
    by_hxl: dict[str, list[int]] = {}
    method: dict[str, str] = {}
    tagged = set()
    for index, tag in enumerate(hxl_tags):
        if parse_hxl_tag(tag) is None:
            continue
        tagged.add(index)
        name = field_for_hxl(tag, layout.hxl_rules)
        if layout.breakdowns and name in ("targeted", "reached"):
            name = hxl_breakdown(tag) or name
        if name:
            by_hxl.setdefault(name, []).append(index)
            method.setdefault(name, "hxl")
    by_header: dict[str, list[int]] = {}
    close_spellings: dict[str, str] = {}
    pending = []
    for index, header in enumerate(headers):
        if index in tagged or not header:
            continue
        forms = header_forms(header, groups[index] if index < len(groups) else None)
        name = aliases.exact(forms)
        if name and name not in by_hxl:
            by_header.setdefault(name, []).append(index)
            method.setdefault(name, "header")
        elif name is None:
            pending.append((index, forms))
    for index, forms in pending:
        group = groups[index] if index < len(groups) else None
        name = None
        if layout.breakdowns:
            name = header_breakdown(f"{group} {headers[index]}" if group else headers[index])
        how, spelling = "header (sex and age)", None
        if name is None and (close := aliases.close(forms)) is not None:
            (name, spelling), how = close, f"header (close to '{close[1]}')"
        if name and name not in by_hxl and name not in by_header:
            by_header[name] = [index]
            method[name] = how
            if spelling is not None:
                close_spellings[name] = spelling
    return _Recognised(by_hxl, by_header, method, close_spellings)


def _apply_standins(found: dict[str, list[int]], method: dict[str, str], layout: TableLayout) -> dict[str, str]:
    """Let the first stand-in group present take the place of a missing required group (see
    :attr:`TableLayout.standins`); returns {field now given: the field its column gives}."""
    replaced: dict[str, str] = {}
    for what, names, _ in layout.required:
        if any(name in found for name in names):
            continue
        for standin in layout.standins:
            present = {source: target for source, target in standin.items() if source in found and target in names}
            if not present:
                continue
            for source, target in standin.items():
                if source in found and target not in found:
                    found[target] = found.pop(source)
                    method[target] = f"{method.pop(source)} (as {target.replace('_', ' ')}: no {what} column)"
                    replaced[target] = source
            break
    return replaced


def header_fit(layout: TableLayout) -> HeaderFit:
    """How well a row serves as the header of a ``layout`` table (see :data:`dashboard.ingest.reader.HeaderFit`)."""
    def fit(headers: list[str], hxl_tags: list[str | None] | None) -> tuple[bool, int]:
        recognised = _recognise(headers, hxl_tags or [None] * len(headers), [], layout)
        found = {**recognised.by_header, **recognised.by_hxl}
        _apply_standins(found, dict(recognised.method), layout)
        usable = all(any(name in found for name in names) for _, names, _ in layout.required)
        return usable, len(found)
    return fit


def _settle_hxl_duplicates(table: RawTable, by_hxl: dict[str, list[int]]) -> dict[int, str]:
    """A field given by columns of *different* HXL tags (``#sector+cluster+name`` and ``#sector+en``) is read
    from the first of them; the others are set aside (kept with the unknown columns), since they are
    alternatives, not copies. Columns of the same tag are left to :func:`_one_column`."""
    set_aside: dict[int, str] = {}
    for name, indexes in by_hxl.items():
        tags = {index: parse_hxl_tag(table.hxl_tags[index]) for index in indexes}
        if len(set(tags.values())) > 1:
            first_tag = tags[indexes[0]]
            kept = [index for index in indexes if tags[index] == first_tag]
            set_aside.update({index: name for index in indexes if index not in kept})
            by_hxl[name] = kept
    return set_aside


def map_table(table: RawTable, layout: TableLayout) -> ColumnMapping:
    """Find which column holds which field of ``layout``: HXL tags first, then headers; refuse a table that
    lacks a required field, saying what was expected, or that gives a field in two columns that disagree
    (the same header or HXL tag twice with different values: see :func:`_one_column`)."""
    recognised = _recognise(table.headers, table.hxl_tags, table.header_groups, layout)
    set_aside = _settle_hxl_duplicates(table, recognised.by_hxl)
    fields: dict[str, int] = {}
    method = dict(recognised.method)
    for candidates in (recognised.by_hxl, recognised.by_header):
        for name, indexes in candidates.items():
            if name in DESCRIPTIVE_FIELDS and len(indexes) > 1:
                filled = [index for index in indexes if any(clean_text(cells[index]) for cells in table.rows)]
                fields[name] = (filled or indexes)[0]
                set_aside.update({index: name for index in indexes if index != fields[name]})
            else:
                fields[name] = _one_column(table, name, indexes)
    found = {name: [index] for name, index in fields.items()}
    standins = _apply_standins(found, method, layout)
    fields = {name: indexes[0] for name, indexes in found.items()}
    method = {name: method[name] for name in fields}
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
    return ColumnMapping(fields, unknown, method, set_aside,
                         {name: spelling for name, spelling in recognised.close.items() if name in fields}, standins)


def mapping_record(table: RawTable, mapping: ColumnMapping) -> dict[str, dict[str, str]]:
    """The mapping as an import keeps it: field → the column's header, letter and how it was recognised."""
    return {name: {"column": table.headers[index] or f"column {index + 1}", "letter": column_letter(index),
                   "method": mapping.method[name]} for name, index in mapping.fields.items()}


def map_columns(table: RawTable) -> ColumnMapping:
    """The 3W's columns (see :data:`THREE_W_LAYOUT`)."""
    return map_table(table, THREE_W_LAYOUT)


def name_column_alone(table: RawTable, mapping: ColumnMapping,
                      layout: TableLayout = THREE_W_LAYOUT) -> tuple[int, bool] | None:
    """The organisation-name column of a table that has no other column for the organisation (no acronym
    column, no one-cell column), and whether its header says acronym (``Organisation Accronyme`` under the
    HXL tag ``#org+name``, as in OCHA Mali's 5W of March 2022); None for other tables."""
    if "org_name" not in mapping.fields or "org_acronym" in mapping.fields or "organisation" in mapping.fields:
        return None
    index = mapping.fields["org_name"]
    header = table.headers[index]
    if not header:
        return index, False
    forms = header_forms(header, table.header_groups[index] if index < len(table.header_groups) else None)
    close = layout.aliases.close(forms)
    return index, (layout.aliases.exact(forms) or (close[0] if close else None)) == "org_acronym"


#: how a column read as acronyms though it was recognised as names is described (after how it was recognised)
AS_ACRONYMS = " (read as acronyms)"


def names_read_as_acronyms(mapping: ColumnMapping) -> ColumnMapping:
    """The mapping with its organisation-name column read as the acronym column (its values are acronyms)."""
    def renamed(items: dict) -> dict:
        return {("org_acronym" if name == "org_name" else name): value for name, value in items.items()}
    method = renamed(mapping.method)
    method["org_acronym"] += AS_ACRONYMS
    set_aside = {index: "org_acronym" if name == "org_name" else name for index, name in mapping.set_aside.items()}
    return replace(mapping, fields=renamed(mapping.fields), method=method, close=renamed(mapping.close),
                   standins=renamed(mapping.standins), set_aside=set_aside)


def organisation_cells(value: object) -> tuple[str | None, str | None]:
    """A single organisation cell as (acronym, name): one word (``PROMAN``, ``AI-Gao``) is an acronym,
    several words (``Norwegian Refugee Council``) a name, so it meets the registry's keys."""
    text = clean_text(value)
    if text is None:
        return None, None
    return (None, text) if " " in text else (text, None)


def organisation_field(fields) -> str:
    """The field an organisation problem is reported in: the first organisation column a table has."""
    return next((name for name in ORGANISATION_FIELDS if name in fields), "org_acronym")


def row_organisation(values: dict[str, object], role: str = "org") -> tuple[object, object, object]:
    """(acronym, name, reported type) of the organisation a 3W row names in ``role`` ("org", the one doing
    the work, or "implementing_partner"), from its separate columns or its one-cell column."""
    if role == "org":
        acronym, name, single, org_type = "org_acronym", "org_name", "organisation", "org_type"
    else:
        acronym, name, single, org_type = (f"{role}_acronym", f"{role}_name", role, f"{role}_type")
    if clean_text(values.get(acronym)) or clean_text(values.get(name)):
        return values.get(acronym), values.get(name), values.get(org_type)
    split = organisation_cells(values.get(single))
    return split[0], split[1], values.get(org_type)
