"""Bad input to `nbadq sample`: one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import pytest

from nbadq.cli.main import main


@pytest.mark.parametrize("seasons, message", [
    ("20x4", "--seasons '20x4': use a season year like 2024 or a range like 2021-2025"),
    ("2025-2021", "--seasons '2025-2021': the range starts after it ends (write 2021-2025)"),
    ("1999", "--seasons '1999': seasons must lie within 2004-2026"),
    ("2021-2030", "--seasons '2021-2030': seasons must lie within 2004-2026"),
    ("", "--seasons '': use a season year like 2024 or a range like 2021-2025"),
])
def test_bad_seasons(tmp_path, capsys, seasons, message):
    out = tmp_path / "w"
    assert main(["sample", "--out", str(out), "--seasons", seasons]) == 2
    assert capsys.readouterr().err == f"nbadq sample: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_non_empty_directory_that_is_not_a_sample(tmp_path, capsys):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["sample", "--out", str(out), "--seasons", "2024"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not empty and holds no nbadq sample manifest listing its files" in err
    assert [p.name for p in tmp_path.iterdir()] == ["precious"] and (out / "notes.txt").read_text() == "keep me"


def test_refuses_a_file_and_a_bigquery_target(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["sample", "--out", str(target)]) == 2
    assert capsys.readouterr().err == (f"nbadq sample: error: --out {target} is a file: "
                                       "give a directory for the warehouse\n")
    assert main(["sample", "--out", "bigquery://some-project"]) == 2
    assert "give a directory" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:  # argparse's own errors exit from the parser
        main(["sample", "--out", str(tmp_path / "w"), "--seed", "seven"])
    assert stopped.value.code == 2 and "invalid int value: 'seven'" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
