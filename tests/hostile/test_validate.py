"""`nbadq validate` never lies (issue 8): what it cannot check is exit 2 with one line and nothing written; bad
platform rows are findings; output paths are checked before any work.

"Nothing written" covers the warehouse (nbadq's own nba_dq.sqlite included) and the GX project's uncommitted/
(validation results, Data Docs). SQLite's -wal/-shm beside a WAL-mode platform file come with any read and are
left out of the warehouse comparison (README, "What nbadq writes"; test_warehouse.py holds their exact list).
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from nbadq.errors import WarehouseError
from nbadq.rules.project import load_project
from nbadq.schema import GAME_DATES
from nbadq.validation import preflight
from tests.hostile.harness import assert_one_line_error, run_nbadq, tree_hash
from tests.hostile.test_warehouse import (SIDECARS, gx_uncommitted, needs_unprivileged, run_unprivileged,
                                          shared_dir, stranger_warehouse, unprivileged_project)  # noqa: F401


@pytest.fixture
def wh(clean_template, tmp_path) -> Path:
    return stranger_warehouse(clean_template, tmp_path / "warehouse")


def _sql(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _state(root: Path) -> dict[str, str]:
    """The warehouse (without SQLite's read sidecars) and the GX project's generated files."""
    return {**tree_hash(root, ignore=SIDECARS), **tree_hash(gx_uncommitted())}


def _assert_refused(args: list[str], root: Path, *needles: str) -> None:
    """Exit 2, one line naming every needle, and nothing written in the warehouse or the GX project."""
    before = _state(root)
    result = run_nbadq(args, cwd=root.parent)
    assert_one_line_error(result, *needles)
    assert result.stdout == ""
    assert _state(root) == before  # nba_dq.sqlite included: not created, not rewritten


# -- preflight: what the rules read must be there before anything runs ---------------------------------------------

def test_missing_column_is_a_preflight_error(wh):
    _sql(wh / "nba_analytics.sqlite",
         "ALTER TABLE player_game_summary RENAME COLUMN minutes_played TO minutes_played_v2")
    _assert_refused(["validate", "--warehouse", str(wh)], wh,
                    "lacks column(s) nba_analytics.player_game_summary.minutes_played ")


def test_corrupt_page_leaves_no_gx_results(wh):
    passed = run_nbadq(["validate", "--warehouse", str(wh)], cwd=wh.parent)  # yesterday's run, before the damage
    assert passed.code == 0, passed
    path = wh / "nba_analytics.sqlite"
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # keep page 1 (the schema) readable, overwrite every page after it
        fh.seek(4096)
        fh.write(b"\xa5" * (size - 4096))
    # The raw layer runs (and used to be stored, with Data Docs) before analytics reads the broken pages.
    _assert_refused(["validate", "--warehouse", str(wh)], wh,
                    "rule analytics.", "could not run", "database disk image is malformed")


def test_empty_schedule_is_exit_2(wh):
    _sql(wh / "nba_raw.sqlite", "DELETE FROM nbac_schedule")
    _assert_refused(["validate", "--warehouse", str(wh)], wh,
                    "nba_raw.nbac_schedule holds no final regular-season, play-in or playoff game",
                    "nothing to validate against")


def test_bigquery_missing_calendar_is_a_preflight_error():
    """On BigQuery the calendar is a load job (`nbadq calendar`), not rebuilt per run: its absence is caught
    before any rule runs (and says what to run), not as 'rule raw.gamebook_completeness could not run: 404'."""

    class StandIn:  # the Warehouse protocol as BigQuery answers it: every platform table and column present
        kind, label = "bigquery", "bigquery://standin"
        asked: list[str] = []

        def missing_tables(self, tables):
            self.asked += [t.qualified for t in tables]
            return [t.qualified for t in tables if t.qualified == GAME_DATES.qualified]

        def missing_columns(self, table, columns):
            return []

        def __getattr__(self, name):  # query, replace_table, gx_*: preflight must not get that far
            raise AssertionError(f"preflight used {name}")

    project = load_project(Path(os.environ["NBADQ_PROJECT_ROOT"]))
    standin = StandIn()
    with pytest.raises(WarehouseError) as caught:
        preflight(standin, project, project.checkpoint_layers("nightly"))
    assert str(caught.value) == ("bigquery://standin has no nba_dq.game_dates: run `nbadq calendar --warehouse "
                                 "bigquery://standin` first")
    assert GAME_DATES.qualified in standin.asked


# -- bad rows are findings, an empty window is said ----------------------------------------------------------------

def test_impossible_schedule_dates_are_findings(wh, tmp_path):
    _sql(wh / "nba_raw.sqlite",
         "UPDATE nbac_schedule SET game_date = '2024-02-30' WHERE game_date = '2024-11-06'",
         "UPDATE nbac_schedule SET game_date = '2024/01/07' WHERE game_date = '2024-10-30'")
    out = tmp_path / "v.json"
    result = run_nbadq(["validate", "--warehouse", str(wh), "--checkpoint", "raw", "--json", str(out)],
                       cwd=tmp_path)
    assert (result.code, result.stderr) == (1, ""), result
    findings = ["nba_raw.nbac_schedule 0022400004: game_date '2024/01/07' is not a date",
                "nba_raw.nbac_schedule 0022400007: game_date '2024-02-30' is not a date"]
    doc = json.loads(out.read_text())
    entry = next(e for e in doc["layers"]["raw"]["expectations"] if e["rule"] == "raw.impossible_dates")
    assert (entry["success"], entry["observed_value"], entry["findings"]) == (False, 2, findings)
    assert [line.strip() for line in result.stdout.splitlines()[3:5]] == findings
    # The calendar skips both rows (5 of the clean season's 7 game dates remain) instead of crashing.
    assert [d["date"] for d in doc["calendar"]["game_dates"]] == [
        "2024-10-22", "2024-11-05", "2024-11-10", "2025-04-15", "2025-04-20"]
    calendar = run_nbadq(["calendar", "--warehouse", str(wh)], cwd=tmp_path)
    assert (calendar.code, calendar.stderr) == (0, ""), calendar
    assert f"nba_dq.game_dates on local:{wh}: 5 game dates" in calendar.stdout


def test_window_without_game_dates_says_so(wh, tmp_path):
    out = tmp_path / "v.json"
    result = run_nbadq(["validate", "--warehouse", str(wh), "--checkpoint", "raw", "--since", "2026-07-01",
                        "--until", "2026-07-07", "--json", str(out)], cwd=tmp_path)
    assert (result.code, result.stderr) == (0, ""), result
    assert result.stdout.splitlines()[1] == "  note: 0 game dates in 2026-07-01..2026-07-07"
    doc = json.loads(out.read_text())
    assert (doc["game_dates_in_window"], doc["notes"]) == (0, ["0 game dates in 2026-07-01..2026-07-07"])


# -- output paths: checked before any work ------------------------------------------------------------------------

def test_json_output_is_a_directory(wh, tmp_path):
    (tmp_path / "out").mkdir()
    _assert_refused(["validate", "--warehouse", str(wh), "--json", str(tmp_path / "out")], wh,
                    f"--json {tmp_path / 'out'}: is a directory")


def test_report_output_parent_missing(wh, tmp_path):
    report = tmp_path / "no" / "such" / "report.html"
    _assert_refused(["validate", "--warehouse", str(wh), "--report", str(report)], wh,
                    "--report", f"directory '{report.parent}' does not exist")
    assert not (tmp_path / "no").exists()


@needs_unprivileged
def test_junit_output_unwritable(clean_template, shared_dir):
    wh = stranger_warehouse(clean_template, shared_dir / "warehouse")
    os.chmod(wh, 0o777)  # the warehouse is writable by the user; only the output directory is not
    project = unprivileged_project(shared_dir)
    locked = shared_dir / "locked"
    locked.mkdir(mode=0o755)  # root's: user 65534 may not create files here
    before = {**tree_hash(wh), **tree_hash(project)}
    result = run_unprivileged(["validate", "--warehouse", str(wh), "--junit", str(locked / "junit.xml")],
                              shared_dir, project)
    assert_one_line_error(result, f"--junit {locked / 'junit.xml'}: not writable")
    assert {**tree_hash(wh), **tree_hash(project)} == before
    assert os.listdir(locked) == []


def test_json_to_standard_output(wh, tmp_path):
    result = run_nbadq(["validate", "--warehouse", str(wh), "--checkpoint", "raw", "--json", "-"], cwd=tmp_path)
    assert result.code == 0, result
    doc = json.loads(result.stdout)  # stdout is the JSON document and nothing else
    assert (doc["checkpoint"], doc["success"]) == ("raw", True)
    assert result.stderr.splitlines()[-1] == "result: all rules pass"  # the summary moved to stderr
    assert not (tmp_path / "-").exists()


def test_json_symlink_is_followed(wh, tmp_path):
    target = tmp_path / "results" / "validate.json"
    target.parent.mkdir()
    target.write_text("{}")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    result = run_nbadq(["validate", "--warehouse", str(wh), "--checkpoint", "raw", "--json", str(link)],
                       cwd=tmp_path)
    assert (result.code, result.stderr) == (0, ""), result
    assert link.is_symlink() and os.readlink(link) == str(target)  # the link stays; its target got the JSON
    assert json.loads(target.read_text())["checkpoint"] == "raw"


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/dev/full").exists(), reason="needs root and /dev/full")
def test_json_dev_full_is_refused(wh):
    _assert_refused(["validate", "--warehouse", str(wh), "--json", "/dev/full"], wh,
                    "--json /dev/full: is not a regular file")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
