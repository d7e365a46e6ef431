import pytest

from dashboard.ingest.columns import map_columns, name_column_alone, names_read_as_acronyms, row_organisation
from dashboard.ingest.organisation_reference import OrganisationReference, ReferenceEntry, read_equivalents
from dashboard.ingest.organisations import KnownOrganisations, group_organisations, looks_like_acronym, \
    names_hold_acronyms
from dashboard.ingest.reader import read_table
from tests.workbooks import write_workbook


def test_case_variants_and_shared_names_are_one_organisation():
    rows = [
        ("UNICEF", "Fonds des Nations Unies pour l'Enfance", "Agence UN"),
        ("Unicef", "Fonds des Nations Unies pour l'Enfance", "Agence UN"),
        ("AAA", "Alianza-ActionAid", "ONG Int"),
        ("Alianza-ActionAid", "Alianza-ActionAid", "ONG Int"),
        ("SAD", "Social Action for Development", "ONG Int"),
        ("S.A.D", "Appui à l'amélioration de l'accès aux services", "ONG Nat"),
        ("UNICEF", None, None),
    ]
    assignment, groups = group_organisations(rows, registry={})
    # By hand: {UNICEF, Unicef, UNICEF}, {AAA, Alianza-ActionAid}, {SAD}, {S.A.D}
    assert assignment == [0, 0, 1, 1, 2, 3, 0]
    assert len(groups) == 4
    assert groups[0].acronym == "UNICEF"  # the most frequent spelling (2 of 3)
    assert groups[0].org_type == "un_agency"
    assert groups[3].org_type == "ngo_national"


def test_type_is_the_one_most_rows_report():
    rows = [("ENDA Mali", "ENDA MALI", "ONG Int")] * 3 + [("ENDA Mali", "ENDA MALI", "ONG Nat")] * 2
    _, groups = group_organisations(rows, registry={})
    assert groups[0].org_type == "ngo_international"
    assert groups[0].types == {"ngo_international": 3, "ngo_national": 2}


def test_registered_spellings_resolve_to_their_organisation():
    registry = {"acronym:pam": 7, "name:programme alimentaire mondial": 7}
    assignment, groups = group_organisations(
        [("PAM", "Programme Alimentaire Modial", "Agence UN"), ("WFP", "Programme alimentaire mondial", "UN")],
        registry)
    assert assignment == [0, 0]
    assert groups[0].existing_id == 7
    assert "name:programme alimentaire modial" in groups[0].keys  # a new spelling to register


def test_rows_without_organisation_are_not_grouped():
    assignment, groups = group_organisations([(None, "  ", None)], registry={})
    assert assignment == [-1] and groups == []


# --- spellings no file used before, and a name column that holds acronyms ------------------------------
# Registries, references and expected groups below are written by hand for each case.

#: the curated UN table shipped in data/registry
EQUIVALENTS = read_equivalents()
#: one line of HAPI's name mapping, as in hapi_organisation_mapping.csv
HAPI_UNICEF = ReferenceEntry("hapi_mapping", "Fonds des Nations Unies pour l'Enfance", "UNICEF",
                             "United Nations Children's Fund", "un_agency")
#: December 2023's spellings of a few organisations (ids made up)
DECEMBER = {"acronym:unicef": 1, "name:fonds des nations unies pour l'enfance": 1, "acronym:pam": 2,
            "name:programme alimentaire modial": 2, "acronym:acf-e": 3, "name:action contre la faim-espagne": 3,
            "acronym:msf": 4, "name:medecins sans frontiere": 4, "acronym:cicr": 5,
            "name:comite international de la croix rouge": 5}


def known(aliases, types=None, hapi=()):
    return KnownOrganisations(dict(aliases), types or {}, OrganisationReference.build(EQUIVALENTS, list(hapi)))


def test_a_name_column_of_acronyms_reads_as_acronyms():
    # by hand: UNICEF (= Unicef), PAM and ACF-E are registered acronyms and no registered names: 3 votes;
    # "ONG Espoir Sahel" is unknown and three words not in capitals: a name, 1 vote. 3 >= 2 x 1.
    reading = names_hold_acronyms(["UNICEF", "Unicef", "PAM", "ACF-E", "ONG Espoir Sahel", "PAM", None], DECEMBER)
    assert (reading.acronyms, reading.names, reading.values) == (3, 1, 4)
    assert reading.examples == ("UNICEF", "PAM", "ACF-E")


def test_a_column_of_full_names_stays_a_name_column():
    # two registered names and an unknown name of three words against one word (CARITAS): names
    values = ["Fonds des Nations Unies pour l'Enfance", "Médecins Sans Frontière", "Norwegian Refugee Council",
              "CARITAS"]
    assert names_hold_acronyms(values, DECEMBER) is None
    assert names_hold_acronyms([], DECEMBER) is None


def test_a_header_that_says_acronym_needs_only_a_majority():
    # nothing registered: NRC, DRC and STOP SAHEL look like acronyms (3), two names do not (2); 3 < 2 x 2
    values = ["NRC", "DRC", "STOP SAHEL", "Norwegian Refugee Council", "Save the Children"]
    assert names_hold_acronyms(values, {}) is None
    assert names_hold_acronyms(values, {}, header_says_acronym=True).acronyms == 3


@pytest.mark.parametrize("text, expected", [
    ("UNICEF", True), ("AMADE-Mali", True), ("Educo", True), ("STOP SAHEL", True), ("ONU FEMME", True),
    ("ONG Espoir Sahel", False), ("Norwegian Refugee Council", False), ("HELP FOR SAHEL ET AUTRES", False),
])
def test_looks_like_acronym(text, expected):
    assert looks_like_acronym(text) is expected


def test_an_acronym_column_tagged_org_name_is_read_as_acronyms(tmp_path):
    path = write_workbook(tmp_path / "5W_MLI_Mar2022.xlsx", {"ML_5W": [
        ["Organisation Accronyme", "admin2Pcod", "Cluster"], ["#org+name", "#adm2+code", "#sector"],
        ["UNICEF", "ML0502", "Santé"], ["Unicef", "ML0502", "Santé"], ["ACF-E", "ML0502", "Santé"],
        ["ONG Espoir Sahel", "ML0502", "Santé"]]})
    table = read_table(path)
    mapping = map_columns(table)
    assert name_column_alone(table, mapping) == (0, True)  # tagged name, headed acronym
    reading = names_hold_acronyms([cells[0] for _, cells in table.numbered_rows()], DECEMBER, True)
    assert (reading.acronyms, reading.names) == (2, 1)  # UNICEF and ACF-E; ONG Espoir Sahel
    as_acronyms = names_read_as_acronyms(mapping)
    assert as_acronyms.fields == {"org_acronym": 0, "adm2_code": 1, "sector": 2}
    assert as_acronyms.method["org_acronym"] == "hxl (read as acronyms)"
    rows = [row_organisation({"org_acronym": cells[0]}) for _, cells in table.numbered_rows()]
    assignment, groups = group_organisations(rows, known(DECEMBER))
    assert assignment == [0, 0, 1, 2]
    assert [group.existing_id for group in groups] == [1, 3, None]
    assert groups[0].matches == {}  # registered acronyms resolve directly


def test_a_table_with_an_acronym_column_is_left_alone(tmp_path):
    path = write_workbook(tmp_path / "3w.xlsx", {"3W": [
        ["Organisation Accronyme", "Nom Organisation", "admin2Pcod"], ["#org+acronym", "#org+name", "#adm2+code"],
        ["UNICEF", "UNICEF", "ML0502"]]})
    table = read_table(path)
    assert name_column_alone(table, map_columns(table)) is None


def test_a_name_that_is_a_registered_acronym_is_that_organisation():
    assignment, groups = group_organisations([(None, "UNICEF", None), (None, "Unicef", "Agence UN")], known(DECEMBER))
    assert assignment == [0, 0] and groups[0].existing_id == 1
    match = groups[0].match_of(None, "UNICEF")
    assert (match.organisation_id, match.method, match.confidence) == (1, "known_acronym", 0.95)
    assert "name:unicef" in groups[0].keys  # kept as a spelling of UNICEF for later files


def test_a_french_full_name_is_matched_through_hapi_name_mapping():
    hapi_only = KnownOrganisations({"acronym:unicef": 1}, {1: "un_agency"},
                                   OrganisationReference.build([], [HAPI_UNICEF]))
    rows = [(None, "Fonds des Nations Unies pour l'Enfance", None), (None, "United Nations Children's Fund", None)]
    assignment, groups = group_organisations(rows, hapi_only)
    assert assignment == [0, 0] and groups[0].existing_id == 1
    match = groups[0].match_of(*rows[0][:2])
    assert (match.method, match.confidence, match.spelling) == ("hapi_mapping", 0.9,
                                                                "Fonds des Nations Unies pour l'Enfance")


def test_wfp_is_pam_and_so_is_world_food_programme():
    rows = [("WFP", None, "UN"), (None, "World Food Programme", None), ("OMS", None, None), ("WHO", None, None)]
    assignment, groups = group_organisations(rows, known(DECEMBER))
    assert assignment == [0, 0, 1, 1]
    assert groups[0].existing_id == 2 and groups[0].match_of("WFP", None).method == "equivalents"
    assert groups[1].existing_id is None  # OMS is not registered: WHO and OMS are one new organisation


def test_pam_and_wfp_met_first_in_one_file_are_one_new_organisation():
    assignment, groups = group_organisations([("PAM", None, None), ("WFP", None, None), ("PNUD", None, None)],
                                             known({}))
    assert assignment == [0, 0, 1] and [group.existing_id for group in groups] == [None, None]


def test_a_genuinely_new_organisation_is_not_matched():
    assignment, groups = group_organisations([("ONG Espoir Sahel", None, "ONG Nat"), ("AMADE-Mali", None, None)],
                                             known(DECEMBER))
    assert assignment == [0, 1] and [group.existing_id for group in groups] == [None, None]
    assert groups[0].matches == {} and groups[1].matches == {}


def test_a_close_spelling_is_not_matched():
    # one letter from MSF's registered name: proposed to a person later, never matched here
    _, groups = group_organisations([(None, "Medecins Sans Frontieres", None)], known(DECEMBER))
    assert groups[0].existing_id is None and groups[0].matches == {}


def test_a_spelling_naming_two_registered_organisations_is_not_matched():
    # PAM and WFP registered apart (say an IMO marked them distinct): World Food Programme may be either
    _, groups = group_organisations([(None, "World Food Programme", None)], known({"acronym:pam": 7, "acronym:wfp": 9}))
    assert groups[0].existing_id is None
    assert groups[0].match_of(None, "World Food Programme").candidates == (7, 9)


def test_the_rows_own_acronym_overrules_the_reference():
    islamic_relief = ReferenceEntry("hapi_mapping", "Islamic Relief Worldwide", "IR", "Islamic Relief",
                                    "ngo_international")
    registry = known({"acronym:ir": 1, "name:islamic relief": 1}, {1: "ngo_international"}, [islamic_relief])
    _, groups = group_organisations([("IRW", "Islamic Relief Worldwide", None)], registry)
    assert groups[0].existing_id is None  # the file says IRW, HAPI says IR: not matched
    _, groups = group_organisations([(None, "Islamic Relief Worldwide", None)], registry)
    assert groups[0].existing_id == 1  # without an acronym of its own, HAPI's word holds


def test_hapi_list_namesake_of_another_type_is_not_matched():
    namesake = ReferenceEntry("hapi_organisations", "Action pour le Bien-être Communautaire", "ABCOM",
                              "Action pour le Bien-être Communautaire", "ngo_national")
    registry = known({"acronym:abcom": 3}, {3: "ngo_international"}, [namesake])
    _, groups = group_organisations([(None, "Action pour le Bien-être Communautaire", None)], registry)
    assert groups[0].existing_id is None
    registry = known({"acronym:abcom": 3}, {3: "ngo_national"}, [namesake])
    _, groups = group_organisations([(None, "Action pour le Bien-être Communautaire", None)], registry)
    assert groups[0].existing_id == 3 and groups[0].match_of(None, "Action pour le Bien-être Communautaire").method \
        == "hapi_organisations"


def test_registered_spellings_are_never_rematched():
    # a row with a registered spelling keeps it, even if the reference would say otherwise
    assignment, groups = group_organisations([("PAM", "World Food Programme", None)],
                                             known({"acronym:pam": 2, "acronym:wfp": 9}))
    assert groups[0].existing_id == 2 and groups[0].matches == {}
