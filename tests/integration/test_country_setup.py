"""A Niger installation (`setup --country NER`): its boundaries in their own database, and 3Ws placed by their
three-digit codes, or by names within their parent (both back ends). Expected figures are counted by hand on the
small files below and on the Niger COD-AB's SOURCE.md."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard import cli
from dashboard.config import BOUNDARY_VERSION, Settings
from dashboard.country_setup import installed_country, setup_country
from dashboard.domain.country import ProfileError
from dashboard.ingest.errors import ImportRefused
from dashboard.i18n import render_message
from dashboard.ingest.importer import import_3w
from dashboard.store.models import Activity, AdminUnit, ImportIssue, SectorAlias
from tests.workbooks import write_workbook

NIGER = "cod-ab-ner-2023"

CODED = [
    ["Organisation Accronyme", "admin1Pcod", "admin2Pcod", "admin3Pcod", "Cluster"],
    ["NRC", "NE001", "NE001001", "NE001001001", "Multi-Secteur"],                # Aderbissinat
    ["MSF", "NE006", "NE006002", "NE006002002", "Protection - VGB"],             # Inatès
    ["SCI", "NE004", "NE004004", "NE004004001", "Services humanitaires communs"],  # Gangara (Maradi)
    ["ACF", "NE006", "NE006006", None, "Protection - PE"],                       # Filingué, no commune
    ["IRC", "NE009", "NE009001", "NE009001001", "ABNA"],                         # no region NE009
    ["CARE", "NE006", "NE006001", "ne006001002", "Abris/AME"],                   # Sanam, written in lower case
]
#: by hand: row → (level, P-code, sector) of the five rows placed
CODED_PLACED = {2: (3, "NE001001001", "multisector"), 3: (3, "NE006002002", "gbv"),
                4: (3, "NE004004001", "coordination"), 5: (2, "NE006006", "child_protection"),
                7: (3, "NE006001002", "shelter_nfi")}

NAMES_ONLY = [
    ["Organisation Accronyme", "Région", "Département", "Commune", "Secteur"],
    ["NRC", "Maradi", "Gazaoua", "Gangara", "Santé"],        # Gangara is also a commune of Tanout (Zinder)
    ["NRC", "Zinder", "Tanout", "Gangara", "Santé"],
    ["MSF", "Tillabéri", "Filingué", "Kourfeye Centre", "Nutrition"],
    ["MSF", "TILLABERI", "Ayerou", "Inates", "Nutrition"],  # no accents, capitals
    ["ACF", "Tillabéri", "Abala", "Sanaam", "EHA"],          # misspelt Sanam: close, for review
    ["ACF", "Dosso", "Tibiri", "Tibiri", "EHA"],             # Tibiri is also a commune of Guidan Roumdji (Maradi)
]
NAMES_PLACED = {2: (3, "NE004004001"), 3: (3, "NE007009002"), 4: (3, "NE006006003"), 5: (3, "NE006002002"),
                6: (2, "NE006001"), 7: (3, "NE003008004")}


@pytest.fixture
def niger_settings(mirror, tmp_path, empty_engine):
    return Settings(data_mirror=mirror, geo_dir=tmp_path / "geo", database_url=str(empty_engine.url))


@pytest.fixture
def niger_engine(empty_engine, niger_settings):
    setup_country(empty_engine, niger_settings, "NER")
    return empty_engine


def placed(engine, batch_id):
    with Session(engine) as session:
        rows = session.execute(select(Activity.source_row, Activity.location_level, Activity.pcode,
                                      Activity.sector_code).where(Activity.batch_id == batch_id)).all()
    return {row.source_row: (row.location_level, row.pcode, row.sector_code) for row in rows}


def test_setup_loads_nigers_units_and_no_malis(niger_engine):
    with Session(niger_engine) as session:
        levels = dict(session.execute(select(AdminUnit.level, func.count()).where(AdminUnit.boundary_version == NIGER)
                                      .group_by(AdminUnit.level)).all())
        mali = session.scalar(select(func.count()).select_from(AdminUnit)
                              .where(AdminUnit.boundary_version == BOUNDARY_VERSION))
        taught = dict(session.execute(select(SectorAlias.spelling, SectorAlias.added_by)).all())
    assert levels == {0: 1, 1: 8, 2: 67, 3: 266}
    assert mali == 0
    # the three of the issue's ten spellings the vocabulary did not know
    assert taught == {"Services humanitaires communs": "profile NER", "Protection - VGB": "profile NER",
                      "Protection - PE": "profile NER"}


def test_the_installation_knows_its_country(niger_engine):
    assert installed_country(niger_engine).iso3 == "NER"


def test_a_mali_installation_is_malis(prepared_engine):
    assert installed_country(prepared_engine).iso3 == "MLI"


def test_setup_twice_changes_nothing(niger_engine, niger_settings):
    again = setup_country(niger_engine, niger_settings, "NER")
    assert again == {"level_0": 1, "level_1": 8, "level_2": 67, "level_3": 266, "sector_spellings": 0}


def test_a_niger_3w_is_placed_by_its_three_digit_codes(niger_engine, tmp_path):
    path = write_workbook(tmp_path / "3W_Niger_2024-03.xlsx", {"3W": CODED})
    result = import_3w(niger_engine, path, boundary_version=NIGER)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (6, 5, 1)
    assert placed(niger_engine, result.batch_id) == {row: (level, code, sector) for row, (level, code, sector)
                                                     in CODED_PLACED.items()}


def test_a_names_only_niger_3w_is_placed_within_each_parent(niger_engine, tmp_path):
    path = write_workbook(tmp_path / "3W_Niger_2024-03.xlsx", {"3W": NAMES_ONLY})
    result = import_3w(niger_engine, path, boundary_version=NIGER)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (6, 6, 0)
    assert {row: place[:2] for row, place in placed(niger_engine, result.batch_id).items()} == NAMES_PLACED
    with Session(niger_engine) as session:
        review = session.execute(select(ImportIssue.source_row, ImportIssue.suggestion)
                                 .where(ImportIssue.batch_id == result.batch_id,
                                        ImportIssue.severity == "review")).all()
    assert [(row.source_row, row.suggestion) for row in review] == [(6, "NE006001002")]  # Sanaam → Sanam


def test_the_messages_name_nigers_levels_and_niger(niger_engine, tmp_path):
    result = import_3w(niger_engine, write_workbook(tmp_path / "3W_Niger_2024-03.xlsx", {"3W": NAMES_ONLY[:2]}),
                       boundary_version=NIGER)
    coded = import_3w(niger_engine, write_workbook(tmp_path / "3W_Niger_2024-04.xlsx", {"3W": CODED}),
                      boundary_version=NIGER)
    with Session(niger_engine) as session:
        messages = session.execute(select(ImportIssue.source_row, ImportIssue.column, ImportIssue.message)
                                   .where(ImportIssue.batch_id.in_([result.batch_id, coded.batch_id]))
                                   .order_by(ImportIssue.id)).all()
    texts = {(row.source_row, row.column): {lang: render_message(row.message, "problem", lang) for lang in ("fr", "en")}
             for row in messages if row.message}
    # the region is found within the country, the department within the region
    assert texts[(2, "Région")] == {"fr": "pas de P-code : l'unité de niveau région 'Maradi' dans le pays (Niger) "
                                           "est NE004",
                                    "en": "no P-code: the region 'Maradi' of Niger is NE004"}
    assert texts[(2, "Département")]["en"] == "no P-code: the department 'Gazaoua' of Maradi is NE004004"
    assert texts[(2, "Département")]["fr"] == ("pas de P-code : l'unité de niveau département 'Gazaoua' dans Maradi "
                                               "est NE004004")
    assert texts[(6, "admin2Pcod")]["en"] == "P-code NE009001 is not a department of boundary version cod-ab-ner-2023"
    advice = next(row.message for row in messages if row.source_row == 6 and row.column == "admin2Pcod")
    assert render_message(advice, "advice", "en") == ("correct the code against the country's OCHA COD-AB P-code "
                                                      "list, the one this installation was set up with")


def test_a_mali_file_is_refused_by_a_niger_installation(niger_engine, tmp_path):
    path = write_workbook(tmp_path / "3W_2024-03.xlsx", {"3W": [
        CODED[0], ["NRC", "ML05", "ML0502", None, "Santé"], ["NRC", "ML01", "ML0101", None, "Santé"]]})
    with pytest.raises(ImportRefused) as refused:
        import_3w(niger_engine, path, boundary_version=NIGER)
    assert "Mali (ML): 4 codes of 4" in refused.value.in_language("en")
    assert "Countries this installation knows: Niger (NE)" in refused.value.in_language("en")


def test_the_command_line_sets_up_niger_and_imports_with_country(empty_engine, mirror, tmp_path, monkeypatch,
                                                                  capsys):
    monkeypatch.setenv("DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MALI3W_DATA_MIRROR", str(mirror))
    assert cli.main(["setup", "--country", "NER"]) == 0
    assert "units loaded: region 8, department 67, commune 266; 3 sector spellings" in capsys.readouterr().out
    path = write_workbook(tmp_path / "3W_Niger_2024-03.xlsx", {"3W": CODED})
    assert cli.main(["import", str(path), "--country", "ner"]) == 0
    assert "read 6, accepted 5, rejected 1" in capsys.readouterr().out
    # without --country, the country the installation was set up for: Niger's boundaries, not Mali's
    other = write_workbook(tmp_path / "3W_Niger_2024-04.xlsx", {"3W": CODED[:3]})
    assert cli.main(["import", str(other)]) == 0
    assert "read 2, accepted 2, rejected 0" in capsys.readouterr().out
    # a country the installation does not hold
    burkina = write_workbook(tmp_path / "3W_Niger_2024-05.xlsx", {"3W": CODED[:4]})
    assert cli.main(["import", str(burkina), "--country", "BFA"]) == 2
    assert "the boundaries cod-ab-bfa-2020 are not loaded; run `python -m dashboard setup --country BFA`" in \
        capsys.readouterr().err


def test_an_unconfigured_country_is_refused(empty_engine, niger_settings, capsys, monkeypatch):
    with pytest.raises(ProfileError, match="the countries configured are BFA, MLI, NER"):
        setup_country(empty_engine, niger_settings, "TCD")
    monkeypatch.setenv("DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    assert cli.main(["setup", "--country", "TCD"]) == 2
    assert "no country profile TCD.toml" in capsys.readouterr().err


def test_burkina_faso_is_set_up_from_its_attribute_tables(empty_engine, niger_settings, tmp_path):
    done = setup_country(empty_engine, niger_settings, "BFA")
    assert done == {"level_0": 1, "level_1": 13, "level_2": 45, "level_3": 351, "sector_spellings": 3}
    coded = write_workbook(tmp_path / "5W_BFA_2024-03.xlsx", {"5W": [
        CODED[0], ["NRC", "BF55", "BF5503", "BF550301", "Rélevement Précoce"],   # Ambsouya
        ["MSF", "BF48", "BF4803", "BF480301", "Sécurite Alimentaire"],            # Andemtenga
        ["ACF", "BF46", "BF4601", None, "Protection - VGB"]]})                     # Balé, no commune
    result = import_3w(empty_engine, coded, boundary_version="cod-ab-bfa-2020")
    assert placed(empty_engine, result.batch_id) == {2: (3, "BF550301", "early_recovery"),
                                                     3: (3, "BF480301", "food_security"), 4: (2, "BF4601", "gbv")}
    names = write_workbook(tmp_path / "5W_BFA_2024-04.xlsx", {"5W": [
        ["Organisation Accronyme", "Région", "Province", "Commune", "Secteur"],
        ["NRC", "Plateau-Central", "Oubritenga", "Ambsouya", "Santé"]]})
    result = import_3w(empty_engine, names, boundary_version="cod-ab-bfa-2020")
    assert placed(empty_engine, result.batch_id) == {2: (3, "BF550301", "health")}
