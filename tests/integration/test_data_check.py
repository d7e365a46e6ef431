"""`python -m dashboard data-check` country by country: a mirror holding Mali's files only is usable (exit 0), the
other countries' missing files being information for their `setup --country`; a file present with another
checksum, whoever's, or a missing file of Mali's is a problem (exit 1). The temporary mirrors link the real
mirror's files one by one."""

from __future__ import annotations

import pytest

from dashboard import cli
from dashboard.manifest import load_manifest

NIGER_CPG = "ocha_cod_ab_ner_2023/NER_admbnda_adm1_IGNN_20230720.CPG"


def mirror_of(mirror, target, *, countries=(None,), leave_out=()):
    """A mirror folder in ``target`` linking the real mirror's files of the datasets of ``countries`` (None:
    Mali's and the shared ones), but those in ``leave_out`` (paths inside the mirror)."""
    for dataset in load_manifest().values():
        if dataset.country not in countries:
            continue
        for name in dataset.files:
            relative = f"{dataset.folder}/{name}"
            if relative in leave_out:
                continue
            link = target / relative
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(dataset.path(mirror, name))
    return target


def data_check(monkeypatch, capsys, folder) -> tuple[int, str]:
    monkeypatch.setenv("MALI3W_DATA_MIRROR", str(folder))
    code = cli.main(["data-check"])
    return code, capsys.readouterr().out


def country_line(said: str, name: str) -> str:
    return next(line for line in said.splitlines() if line.startswith(f"- {name}"))


def test_a_mirror_of_malis_files_only_is_usable(mirror, tmp_path, monkeypatch, capsys):
    code, said = data_check(monkeypatch, capsys, mirror_of(mirror, tmp_path))
    assert code == 0, said
    assert "problem:" not in said
    assert "all its files match the manifest" in country_line(said, "Mali (MLI)")
    assert country_line(said, "Niger (NER)") == (
        "- Niger (NER): not in this mirror (needed only for `python -m dashboard setup --country NER`)")
    assert country_line(said, "Burkina Faso (BFA)") == (
        "- Burkina Faso (BFA): not in this mirror (needed only for `python -m dashboard setup --country BFA`)")
    # each of Niger's 20 files (4 levels of 5 shapefile parts) is named, as information
    niger_files = len(load_manifest()["cod-ab-ner-2023"].files)
    assert sum("information: missing:" in line and "ocha_cod_ab_ner_2023" in line
               for line in said.splitlines()) == niger_files
    assert said.strip().endswith("the mirror is usable: Mali's files are complete and every file present matches "
                                 "the manifest")


def test_the_whole_mirror_is_complete(mirror, monkeypatch, capsys):
    code, said = data_check(monkeypatch, capsys, mirror)
    assert code == 0
    assert all(line.endswith("all its files match the manifest")
               for line in said.splitlines() if line.startswith("- "))


def test_another_countrys_file_with_a_wrong_checksum_is_a_problem(mirror, tmp_path, monkeypatch, capsys):
    folder = mirror_of(mirror, tmp_path)
    (folder / NIGER_CPG).parent.mkdir(parents=True)
    (folder / NIGER_CPG).write_text("not the file of the manifest\n", encoding="utf-8")
    code, said = data_check(monkeypatch, capsys, folder)
    assert code == 1
    assert "19 of 20 files not in this mirror" in country_line(said, "Niger (NER)")
    assert "1 files present differ from the manifest" in country_line(said, "Niger (NER)")
    problems = [line for line in said.splitlines() if "problem:" in line]
    assert len(problems) == 1 and "checksum differs" in problems[0] and NIGER_CPG in problems[0]


@pytest.mark.parametrize("left_out", ["ocha_cod_ab_mli_2021/mli_admbnda_adm3_1m_gov_20211220.dbf"])
def test_a_missing_file_of_malis_is_a_problem(mirror, tmp_path, monkeypatch, capsys, left_out):
    code, said = data_check(monkeypatch, capsys, mirror_of(mirror, tmp_path, leave_out={left_out}))
    assert code == 1
    assert "1 problems" in country_line(said, "Mali (MLI)")
    problems = [line for line in said.splitlines() if "problem:" in line]
    assert len(problems) == 1 and left_out in problems[0]
