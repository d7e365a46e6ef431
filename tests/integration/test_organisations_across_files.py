"""Organisations are the same across files, on both back ends.

OCHA Mali's March 2022 5W (acronyms in a column tagged ``#org+name``) imported after the December 2023 sample
creates only the organisations December does not have, and each of its rows lands on the organisation that row's
acronym names in December (worked out from the raw sample in :mod:`tests.independent`, not by the importer).
Spellings no file used before are matched through the curated UN table and HDX HAPI's reference, kept for later
files and reported; close spellings are proposed, never merged; no stored name or message says "nan".
"""

import csv
import re

import openpyxl
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.config import Settings
from dashboard.i18n import render_message
from dashboard.ingest.importer import import_3w
from dashboard.ingest.membership import import_memberships
from dashboard.reports.imports import recognition_label
from dashboard.setup import prepare_database
from dashboard.store.models import Activity, ClusterMembership, ImportBatch, ImportIssue, Organisation, OrgReference
from dashboard.ingest.organisation_matching import merge_proposals
from tests.independent import organisation_labels, read_sample
from tests.releases import NEW_ORGANISATIONS, march_2022_release, organisation_key
from tests.workbooks import write_workbook

NAN = re.compile(r"\bnan\b", re.IGNORECASE)


def with_sector_column(path, target):
    """The release with a cluster column (every row Santé), so that its rows are accepted whatever the rule
    for rows without a sector."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["ML_5W"]
    column = sheet.max_column + 1
    sheet.cell(1, column, "Cluster")
    sheet.cell(2, column, "#sector")
    for row in range(3, sheet.max_row + 1):
        sheet.cell(row, column, "Santé")
    workbook.save(target)
    return target


def rows_of(engine, batch_id) -> pd.DataFrame:
    with engine.connect() as connection:
        rows = connection.execute(select(Activity.source_row, Activity.organisation_id)
                                  .where(Activity.batch_id == batch_id).order_by(Activity.source_row)).all()
    return pd.DataFrame(rows, columns=["source_row", "organisation_id"])


def test_march_2022_after_december_creates_only_the_new_organisations(prepared_engine, sample_path, tmp_path):
    december = import_3w(prepared_engine, sample_path, period="2023-12")
    assert (december.rows_accepted, december.organisations_created) == (24_088, 154)
    written = march_2022_release(sample_path, tmp_path / "5W_MLI_Mar2022.xlsx")
    with_sector = with_sector_column(tmp_path / "5W_MLI_Mar2022.xlsx", tmp_path / "5W_sector.xlsx")
    march = import_3w(prepared_engine, with_sector, period="2022-03")
    assert march.organisations_created == len(NEW_ORGANISATIONS) == 3
    assert march.rows_accepted > 0.95 * len(written)  # the few rows with a wrong region code are rejected

    # December: each connected organisation of the raw sample (label) is one registered organisation
    raw = read_sample(sample_path)
    december_rows = pd.DataFrame({"source_row": raw.index + 3, "label": organisation_labels(raw).to_numpy()})
    december_rows = december_rows.merge(rows_of(prepared_engine, december.batch_id), on="source_row")
    assert len(december_rows) == 24_088
    by_label = december_rows.groupby("label")["organisation_id"].unique()
    assert by_label.map(len).eq(1).all()
    organisation_of_label = by_label.map(lambda ids: ids[0])

    # March: every accepted row is the organisation its acronym names in December, or one of the three new ones
    march_rows = written.assign(label=organisation_key(written["acronym"], sample_path).to_numpy())
    march_rows = march_rows.merge(rows_of(prepared_engine, march.batch_id), left_on="row", right_on="source_row")
    assert len(march_rows) == march.rows_accepted
    known = march_rows[march_rows["label"].isin(organisation_of_label.index)]
    assert (known["organisation_id"] == known["label"].map(organisation_of_label)).all()
    new = march_rows[~march_rows["label"].isin(organisation_of_label.index)]
    assert set(new["acronym"]) == set(NEW_ORGANISATIONS)
    assert new.groupby("acronym")["organisation_id"].nunique().eq(1).all()
    assert not set(new["organisation_id"]) & set(organisation_of_label)
    with Session(prepared_engine) as session:
        created = session.scalars(select(Organisation.acronym).where(Organisation.id.in_(set(new["organisation_id"]))))
        assert set(created) == set(NEW_ORGANISATIONS)
        assert session.scalar(select(func.count()).select_from(Organisation)) == 154 + 3
        batch = session.get(ImportBatch, march.batch_id)
        assert batch.column_mapping["org_acronym"]["method"] == "hxl (read as acronyms)"
        method = batch.column_mapping["org_acronym"]["method"]
        assert recognition_label(method, "fr") == "étiquette HXL, lue comme sigles"
        note = session.scalars(select(ImportIssue).where(
            ImportIssue.batch_id == march.batch_id, ImportIssue.method == "organisation names read as acronyms")).one()
        assert note.source_row is None and note.severity == "warning"
        assert "Organisation Accronyme" in render_message(note.message, "problem", "fr")
    assert len(merge_proposals(prepared_engine)) == 8  # the sample's proposals, none added by March


def test_the_march_layout_reads_its_name_column_as_acronyms_before_anything_is_kept(prepared_engine, sample_path,
                                                                                     tmp_path):
    """The file as OCHA Mali released it (no cluster column), only checked: its column is read as acronyms
    whatever becomes of rows without a sector."""
    import_3w(prepared_engine, sample_path, period="2023-12")
    march_2022_release(sample_path, tmp_path / "5W_MLI_Mar2022.xlsx")
    preview = import_3w(prepared_engine, tmp_path / "5W_MLI_Mar2022.xlsx", period="2022-03", check_only=True).preview
    assert preview["columns"]["org_acronym"]["method"] == "hxl (read as acronyms)"
    assert "org_name" not in preview["columns"]
    assert any(group["method"] == "organisation names read as acronyms" for group in preview["groups"])


def test_hapi_reference_is_loaded_from_the_mirror_once(prepared_engine, mirror, tmp_path):
    folder = mirror / "hdx_hapi_reference"
    with (folder / "hapi_organisation_mapping.csv").open(encoding="utf-8") as stream:
        mapping = list(csv.reader(stream))[2:]  # header, HXL row
    # by hand: one line is limited to Afghanistan, one to Mali; none to a sector
    assert sum(line[4] not in ("", "Mali") for line in mapping) == 1
    with (folder / "hdx_hapi_organisations_global.csv").open(encoding="utf-8") as stream:
        listed = [line for line in csv.DictReader(stream)
                  if line["acronym"] and line["name"] and line["acronym"].casefold() != line["name"].casefold()]
    with Session(prepared_engine) as session:
        stored = session.execute(select(OrgReference.source, OrgReference.spelling, OrgReference.acronym)).all()
    assert sum(source == "hapi_mapping" for source, _, _ in stored) == len(mapping) - 1
    assert sum(source == "hapi_organisations" for source, _, _ in stored) == len(listed)
    assert ("hapi_mapping", "Fonds des Nations Unies pour l'Enfance", "UNICEF") in stored
    assert ("hapi_mapping", "ONG MUSO", None) in stored
    assert not any(spelling == "Organization for Coordination of Humanitarian Relief" for _, spelling, _ in stored)
    prepare_database(prepared_engine, Settings(data_mirror=mirror, geo_dir=tmp_path / "geo",
                                               database_url=str(prepared_engine.url)))
    with Session(prepared_engine) as session:
        assert session.scalar(select(func.count()).select_from(OrgReference)) == len(stored)


HEADERS = ["Organisation Accronyme", "Nom Organisation", "Type Organisation", "admin1Pcod", "admin2Pcod", "Cluster"]
FIRST = [
    ["UNICEF", None, "Agence UN", "ML05", "ML0502", "Santé"],
    ["PAM", "Programme Alimentaire Modial", "Agence UN", "ML05", "ML0502", "Sécurité alimentaire"],
    ["CICR", None, "Mouv. CR", "ML05", "ML0502", "Protection"],
    ["MSF", "Médecins Sans Frontière", "ONG Int", "ML05", "ML0502", "Santé"],
]
SECOND = [  # spreadsheet rows 2 to 7 (no HXL row)
    [None, "United Nations Children's Emergency Fund", None, "ML06", "ML0601", "Santé"],  # HAPI → UNICEF
    ["WFP", None, None, "ML06", "ML0601", "Sécurité alimentaire"],  # UN table → PAM
    [None, "Comité International de la Croix Rouge", None, "ML06", "ML0601", "Protection"],  # HAPI: ICRC = CICR
    [None, "Medecins Sans Frontieres", None, "ML06", "ML0601", "Santé"],  # close to MSF: new, proposed
    ["ONG Espoir Sahel", None, "ONG Nat", "ML06", "ML0601", "Protection"],  # new
    [None, "UNICEF", None, "ML06", "ML0601", "Nutrition"],  # a known acronym in the name column
]


def import_rows(engine, tmp_path, name, rows, period):
    return import_3w(engine, write_workbook(tmp_path / name, {"3W": [HEADERS, *rows]}), period=period)


def test_new_spellings_are_matched_kept_and_reported(prepared_engine, tmp_path):
    first = import_rows(prepared_engine, tmp_path, "first.xlsx", FIRST, "2024-01")
    assert first.organisations_created == 4
    with Session(prepared_engine) as session:
        ids = dict(session.execute(select(Organisation.acronym, Organisation.id)).all())
    second = import_rows(prepared_engine, tmp_path, "second.xlsx", SECOND, "2024-02")
    assert second.organisations_created == 2  # Medecins Sans Frontieres, ONG Espoir Sahel
    landed = rows_of(prepared_engine, second.batch_id).set_index("source_row")["organisation_id"].to_dict()
    assert [landed[row] for row in (2, 3, 4, 7)] == [ids["UNICEF"], ids["PAM"], ids["CICR"], ids["UNICEF"]]
    assert not {landed[5], landed[6]} & set(ids.values())
    with Session(prepared_engine) as session:
        repairs = session.execute(select(ImportIssue.source_row, ImportIssue.suggestion, ImportIssue.method,
                                         ImportIssue.confidence)
                                  .where(ImportIssue.batch_id == second.batch_id, ImportIssue.severity == "repair")
                                  .order_by(ImportIssue.source_row)).all()
        message = session.scalars(select(ImportIssue.message).where(ImportIssue.batch_id == second.batch_id,
                                                                    ImportIssue.source_row == 3)).one()
    assert [tuple(repair) for repair in repairs] == [
        (2, "UNICEF", "HDX HAPI name mapping", 0.9),
        (3, "PAM (Programme Alimentaire Modial)", "UN acronyms in French and English", 0.95),
        (4, "CICR", "HDX HAPI name mapping", 0.9),
        (7, "UNICEF", "known acronym written as a name", 0.95),
    ]
    assert render_message(message, "problem", "fr").startswith("'WFP' n'était encore dans aucun fichier : c'est PAM")

    # the close spelling is proposed, not merged; the message names it without "nan"
    proposals = merge_proposals(prepared_engine)
    pair = proposals[(proposals["first_id"].isin([ids["MSF"], landed[5]]))
                     & (proposals["second_id"].isin([ids["MSF"], landed[5]]))]
    assert len(pair) == 1 and "similar_names" in pair.iloc[0]["reasons"]
    # what the Registry page writes: a missing acronym is None, not NaN (which a page shows as 'nan')
    sides = pair.iloc[0][["first_acronym", "second_acronym"]].tolist()
    assert sorted(sides, key=str) == ["MSF", None]
    with Session(prepared_engine) as session:
        resembles = session.scalars(select(ImportIssue).where(ImportIssue.batch_id == second.batch_id,
                                                              ImportIssue.method == "organisation matching")).all()
    assert [issue.value for issue in resembles] == ["Medecins Sans Frontieres"]
    assert render_message(resembles[0].message, "problem", "en") == (
        "new organisation 'Medecins Sans Frontieres' resembles 'MSF Médecins Sans Frontière' (very similar names); "
        "the rows were kept under the new organisation")

    # the matched spellings are kept: a later file resolves them directly, with nothing to report
    third = import_rows(prepared_engine, tmp_path, "third.xlsx", SECOND[:3], "2024-03")
    assert third.organisations_created == 0
    assert rows_of(prepared_engine, third.batch_id)["organisation_id"].tolist() == [ids["UNICEF"], ids["PAM"],
                                                                                    ids["CICR"]]
    with Session(prepared_engine) as session:
        assert not session.scalar(select(func.count()).select_from(ImportIssue).where(
            ImportIssue.batch_id == third.batch_id, ImportIssue.severity == "repair"))

    # memberships meet the same organisations
    members = write_workbook(tmp_path / "membres.xlsx", {"Membres": [
        ["Organisation", "Cluster", "Rôle"], ["#org+name", "#sector", "#org+role"],
        ["WFP", "Sécurité alimentaire", "Chef de file"], ["OMS", "Santé", "Chef de file"]]})
    result = import_memberships(prepared_engine, members)
    assert result.organisations_created == 1  # OMS: nobody had it
    with Session(prepared_engine) as session:
        assert session.scalar(select(ClusterMembership.organisation_id).where(
            ClusterMembership.sector_code == "food_security")) == ids["PAM"]
    assert_no_nan(prepared_engine)


def assert_no_nan(engine):
    with Session(engine) as session:
        for acronym, name in session.execute(select(Organisation.acronym, Organisation.name)):
            assert not NAN.search(f"{acronym} {name}".replace("None", ""))
        for issue in session.scalars(select(ImportIssue)):
            texts = [issue.value, issue.problem, issue.suggestion]
            if issue.message:
                texts += [render_message(issue.message, part, lang) for part in ("problem", "advice")
                          for lang in ("fr", "en")]
            for text in filter(None, texts):
                assert not NAN.search(text), text


def test_organisations_without_acronym_are_told_without_nan(prepared_engine, tmp_path):
    """Both organisations of a proposal known by their names only, beside one with an acronym (pandas then
    reads the missing acronyms as NaN): the warning names them, never 'nan'."""
    import_rows(prepared_engine, tmp_path, "first.xlsx", [
        [None, "Médecins Sans Frontière", "ONG Int", "ML05", "ML0502", "Santé"],
        ["NRC", "Norwegian Refugee Council", "ONG Int", "ML05", "ML0502", "Santé"]], "2024-01")
    result = import_rows(prepared_engine, tmp_path, "second.xlsx", [[None, "Medecins Sans Frontieres", None, "ML05",
                                                                     "ML0502", "Santé"]], "2024-02")
    assert (result.organisations_created, result.warnings) == (1, 1)
    with Session(prepared_engine) as session:
        warning = session.scalars(select(ImportIssue).where(ImportIssue.batch_id == result.batch_id)).one()
    assert render_message(warning.message, "problem", "fr") == (
        "la nouvelle organisation 'Medecins Sans Frontieres' ressemble à 'Médecins Sans Frontière' (noms très "
        "proches) ; les lignes ont été gardées sous la nouvelle organisation")
    assert_no_nan(prepared_engine)
