"""`nbadq validate` from the command line: exit codes, the JSON shape, and bad input that changes nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from nbadq.cli.main import main


def snapshot(root: Path) -> dict[str, str]:
    """Database files and their bytes (SQLite's own -wal/-shm files come and go with any reader)."""
    if not root.exists():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir())
            if not p.name.endswith(("-wal", "-shm"))}


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_failing_rules_exit_1_with_complete_json(house, capsys, tmp_path):
    house.sql("DELETE FROM nba_analytics.player_game_summary WHERE game_date = '2024-11-06'")
    out_json = tmp_path / "out" / "v.json"
    out_json.parent.mkdir()  # a missing parent is exit 2 before any work (tests/hostile/test_validate.py)
    code, out, err = run_cli(capsys, "validate", "--warehouse", str(house.root), "--checkpoint", "analytics",
                             "--json", str(out_json))
    assert (code, err) == (1, "")
    doc = json.loads(out_json.read_text())
    assert set(doc) >= {"success", "checkpoint", "warehouse", "window", "layers"}
    assert doc["window"] == {"since": None, "until": None}
    layer = doc["layers"]["analytics"]
    assert (layer["success"], layer["failing_dates"]) == (False, ["2024-11-06"])
    entry = layer["expectations"][0]
    assert set(entry) >= {"rule", "expectation_type", "success", "observed_value", "failing_dates", "remediation"}
    assert (entry["rule"], entry["remediation"], entry["failing_dates"]) == (
        "analytics.completeness", "analytics", ["2024-11-06"])
    assert "  analytics    FAIL  1 failing date(s)" in out
    assert "analytics.completeness" in out and "2024-11-06" in out


def test_passing_run_exits_0(house, capsys):
    code, out, _ = run_cli(capsys, "validate", "--warehouse", str(house.root), "--checkpoint", "grading")
    assert code == 0
    assert out.splitlines()[-1] == "result: all rules pass"


def test_environment_variable_chooses_the_warehouse(house, capsys, monkeypatch):
    monkeypatch.setenv("NBADQ_WAREHOUSE", str(house.root))
    code, out, _ = run_cli(capsys, "validate", "--checkpoint", "raw")
    assert code == 0 and f"local:{house.root}" in out


def _drop_table(root: Path) -> None:
    with sqlite3.connect(root / "nba_predictions.sqlite") as c:
        c.execute("DROP TABLE prediction_accuracy")
    c.close()


def _garble(root: Path) -> None:
    (root / "nba_raw.sqlite").write_bytes(b"this is not a database" * 100)
    for extra in root.glob("nba_raw.sqlite-*"):
        extra.unlink()


BAD = [
    ("missing-table", _drop_table, ["--checkpoint", "grading"], "lacks table(s) nba_predictions.prediction_accuracy"),
    ("unreadable-file", _garble, [], "nba_raw.sqlite is not a readable SQLite database"),
    ("since-after-until", None, ["--since", "2024-12-01", "--until", "2024-11-01"],
     "--since 2024-12-01 is after --until 2024-11-01"),
    ("bad-date", None, ["--since", "2024-13-01"], "--since '2024-13-01' is not a date: use YYYY-MM-DD"),
    ("unknown-checkpoint", None, ["--checkpoint", "weekly"], "unknown checkpoint 'weekly': choose one of"),
    ("bad-as-of", None, ["--as-of", "yesterday"], "--as-of 'yesterday' is not a date or time: use YYYY-MM-DD"),
    ("impossible-as-of", None, ["--as-of", "2024-11-07T25:00"], "--as-of '2024-11-07T25:00' is not a date or time"),
    ("empty-as-of", None, ["--as-of", ""], "--as-of '' is not a date or time"),
]


@pytest.mark.parametrize("case,breaker,argv,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_and_changes_nothing(house, capsys, tmp_path, case, breaker, argv, message):
    house.conn.close()
    if breaker:
        breaker(house.root)
    before = snapshot(house.root)
    out_json = tmp_path / "v.json"
    code, out, err = run_cli(capsys, "validate", "--warehouse", str(house.root), "--json", str(out_json), *argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err
    assert snapshot(house.root) == before
    assert not out_json.exists()
    house.conn = sqlite3.connect(":memory:")  # the fixture closes it again


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_no_warehouse_exits_2_and_creates_nothing(tmp_path, capsys, make):
    root = tmp_path / "wh"
    if make == "empty":
        root.mkdir()
    code, _, err = run_cli(capsys, "validate", "--warehouse", str(root))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert ("does not exist" if make == "missing" else "holds none of") in err
    assert snapshot(root) == {}
    assert root.exists() == (make == "empty")


def test_unknown_flag_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--frobnicate"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


def test_as_of_sets_the_clock_of_raw_freshness(house, capsys, tmp_path):
    """In season a stale schedule is a warning (exit 0); past the data it is not applicable, said on stdout."""
    out_json = tmp_path / "v.json"
    code, out, err = run_cli(capsys, "validate", "--warehouse", str(house.root), "--checkpoint", "raw",
                             "--as-of", "2024-11-07T19:00", "--json", str(out_json))
    doc = json.loads(out_json.read_text())
    assert (code, err, doc["as_of"], doc["layers"]["raw"]["warning_dates"]) == \
        (0, "", "2024-11-07T19:00:00+00:00", ["2024-11-07"])
    assert "  WARN raw.freshness                        1  2024-11-07" in out.splitlines()
    code, out, _ = run_cli(capsys, "validate", "--warehouse", str(house.root), "--checkpoint", "raw",
                           "--as-of", "2026-01-01T08:00+01:00")
    assert code == 0
    assert ("  N/A  raw.freshness                     historical warehouse: the clock (2026-01-01 07:00 UTC) is "
            "past its last scheduled game (2025-04-22)") in out.splitlines()
