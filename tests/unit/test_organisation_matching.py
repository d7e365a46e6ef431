"""Which registered organisations are proposed as possibly one (pairs worked out by hand)."""

import pandas as pd

from dashboard.ingest.organisation_matching import candidate_pairs

ORGANISATIONS = pd.DataFrame([
    (1, "SAD", "Social Action for Development"),
    (2, "S.A.D", "Appui à l'amélioration de l'accès aux services"),
    (3, "IR", "Islamic Relief"),
    (4, "IRW", "Islamic Relief Worldwide"),
    (5, "IRC", "International Rescue Committee"),
    (6, "MSF-E", "Médecins Sans Frontières Espagne"),
    (7, "MSF-B", "Médecins Sans Frontières Belgique"),
    (8, "MSF", "Médecins Sans Frontières"),
    (9, "Solidarités International", None),
    (10, "SI", "Solidarites International"),
    (11, "AMSS", "Association Malienne pour la Survie au Sahel"),
    (12, None, "Association malienne pour la survie du Sahel"),
    (13, "HI", "Humanité & Inclusion"),
], columns=["organisation_id", "acronym", "name"])


def pairs(frame=ORGANISATIONS, among=None):
    found = candidate_pairs(frame, among)
    return {(first, second): reasons for first, second, reasons in
            zip(found["first_id"], found["second_id"], found["reasons"])}


def test_each_rule_proposes_its_pair_and_nothing_else():
    assert pairs() == {
        (1, 2): ["acronym_punctuation"],                 # SAD / S.A.D
        (3, 4): ["name_within"],                         # Islamic Relief / ... Worldwide, IR starts IRW
        (6, 8): ["name_within", "acronym_within"],       # MSF in MSF-E, and its name starts MSF-E's
        (7, 8): ["name_within", "acronym_within"],       # the same with MSF-B
        (9, 10): ["acronym_is_name"],                    # the name written in the acronym column
        (11, 12): ["similar_names"],                     # "au" / "du": one letter apart
    }
    # Not proposed: IR / IRC (different acronym words, different names); MSF-E / MSF-B (two sections whose
    # names differ by a country); HI with anyone.


def test_the_surest_come_first():
    found = candidate_pairs(ORGANISATIONS)
    assert found["score"].tolist() == sorted(found["score"], reverse=True)
    assert found.iloc[0][["first_id", "second_id", "score"]].tolist() == [1, 2, 100]
    assert found.set_index(["first_id", "second_id"]).loc[(11, 12), "score"] >= 90


def test_among_keeps_the_pairs_of_the_organisations_named():
    assert set(pairs(among={4, 12})) == {(3, 4), (11, 12)}
    assert pairs(among={13}) == {}


def test_no_organisations_or_one_gives_no_pair():
    assert pairs(ORGANISATIONS.head(0)) == {}
    assert pairs(ORGANISATIONS.head(1)) == {}
