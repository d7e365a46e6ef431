from dashboard.ingest.organisations import group_organisations


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
