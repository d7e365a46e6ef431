"""The data-responsibility policy: its file, sensitive sectors moved up to the cercle, names hidden below k."""

import pandas as pd
import pytest

from dashboard.security.policy import Policy, PolicyError, hide_names, load_policy, public_activities
from dashboard.store.queries import ACTIVITY_COLUMNS


def keys(rows):
    # the physical-presence cell, not stated, before the row count
    frame = pd.DataFrame([[*row[:-1], None, row[-1]] for row in rows], columns=ACTIVITY_COLUMNS)
    for column in ("period", "org_type", "sector_code", "adm1_pcode", "adm2_pcode", "adm3_pcode"):
        frame[column] = frame[column].astype("category")
    return frame


def test_sensitive_commune_rows_count_in_their_cercle_and_merge():
    frame = keys([
        # batch, period, org, type, sector, level, adm1, adm2, adm3, rows
        [1, "2024-03", 10, "ngo_national", "gbv", 3, "ML05", "ML0502", "ML050202", 2],
        [1, "2024-03", 10, "ngo_national", "gbv", 3, "ML05", "ML0502", "ML050203", 1],
        [1, "2024-03", 10, "ngo_national", "gbv", 2, "ML05", "ML0502", None, 4],
        [1, "2024-03", 11, "ngo_international", "child_protection", 3, "ML06", "ML0601", "ML060101", 5],
        [1, "2024-03", 11, "ngo_international", "health", 3, "ML06", "ML0601", "ML060101", 7],
    ])
    public = public_activities(frame, Policy())
    # By hand: organisation 10's three GBV keys become one cercle key of 2 + 1 + 4 rows; organisation 11's
    # child protection key moves to its cercle; its health key stays at the commune.
    assert public["rows"].sum() == 19
    as_tuples = sorted(tuple(None if pd.isna(value) else value for value in row)
                       for row in public[["organisation_id", "sector_code", "location_level", "adm2_pcode",
                                          "adm3_pcode", "rows"]].itertuples(index=False))
    assert as_tuples == [(10, "gbv", 2, "ML0502", None, 7),
                         (11, "child_protection", 2, "ML0601", None, 5),
                         (11, "health", 3, "ML0601", "ML060101", 7)]
    assert list(public.columns) == ACTIVITY_COLUMNS
    assert isinstance(public["adm3_pcode"].dtype, pd.CategoricalDtype)


def test_a_policy_at_region_level_drops_the_cercle_too():
    frame = keys([[1, "2024-03", 10, "ngo_national", "gbv", 3, "ML05", "ML0502", "ML050202", 1]])
    public = public_activities(frame, Policy(frozenset({"gbv"}), sensitive_finest_level=1))
    row = public.iloc[0]
    assert (row["location_level"], row["adm1_pcode"], pd.isna(row["adm2_pcode"]), pd.isna(row["adm3_pcode"])) == (
        1, "ML05", True, True)


def test_names_hidden_below_k():
    names = pd.Series(["A, B", "A, B, C", "D"])
    counts = pd.Series([2, 3, 1])
    assert hide_names(names, counts, Policy(), "hidden").tolist() == ["hidden", "A, B, C", "hidden"]


def test_policy_file(tmp_path):
    assert load_policy(tmp_path / "missing.toml") == Policy()  # safe defaults
    path = tmp_path / "policy.toml"
    path.write_text('[public]\nsensitive_sectors = ["gbv", "protection"]\nmin_organisations_named = 5\n')
    assert load_policy(path) == Policy(frozenset({"gbv", "protection"}), 2, 5)
    path.write_text('[public]\nsensitive_sectors = ["vbg"]\n')
    with pytest.raises(PolicyError, match="unknown sector codes vbg"):
        load_policy(path)
    path.write_text('[public]\nsensitive_finest_level = 4\n')
    with pytest.raises(PolicyError, match="sensitive_finest_level"):
        load_policy(path)


def test_the_shipped_policy_has_the_safe_defaults():
    assert load_policy() == Policy(frozenset({"gbv", "child_protection"}), 2, 3)


def test_the_policy_file_switches_the_access_and_incident_layers_off_for_the_public(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[public]\nincidents = false\n")
    policy = load_policy(path)
    assert (policy.show_access, policy.show_incidents) == (True, False)
    assert policy.key != Policy().key  # the public views are cached apart
    path.write_text('[public]\naccess = "no"\n')
    with pytest.raises(PolicyError, match="access and incidents must be true or false"):
        load_policy(path)
