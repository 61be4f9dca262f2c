"""Issue 8 cases for `nbadq audit`: what it could not read stops the run (exit 2) or is listed (--skip-unreadable),
a symlink loop is a usage error, outputs are checked up front, and the Markdown summary says what it cut.

Unreadable folders are real: the tests run as root, which reads through mode 000, so the audit runs as the
unprivileged user 65534 (`setpriv --reuid=65534 --regid=65534 --clear-groups`) on a tree in a world-accessible
temporary directory; os.scandir then raises a genuine PermissionError inside nbadq. When the tests do not run as
root, the mode alone does it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from tests.hostile.harness import ROOT, Result, assert_one_line_error, run_nbadq, tree_hash

PROCESSOR = """\
class ProcessorBase:
    pass


class GamesProcessor(ProcessorBase):
    def save_data(self):
        self.stats["rows_inserted"] = 1
"""
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def _run_unprivileged(args: list[str], cwd: Path) -> Result:
    prefix = NOBODY if os.geteuid() == 0 else []
    env = {k: v for k, v in os.environ.items() if k != "NBADQ_DEBUG"}
    proc = subprocess.run([*prefix, sys.executable, "-m", "nbadq.cli.main", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A project the unprivileged user can reach (pytest's tmp_path is private to root)."""
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to run the audit as an unprivileged user")
        probe = subprocess.run([*NOBODY, sys.executable, "-c", "import nbadq.cli.main"], cwd="/",
                               capture_output=True, timeout=60)
        if probe.returncode != 0:
            pytest.skip(f"user 65534 cannot import nbadq from {ROOT}")
    root = Path(tempfile.mkdtemp(prefix="nbadq-audit-"))
    root.chmod(0o777)
    (root / "proj" / "ok").mkdir(parents=True)
    (root / "proj" / "ok" / "games.py").write_text(PROCESSOR)
    (root / "proj" / "locked").mkdir()
    (root / "proj" / "locked" / "hidden.py").write_text(PROCESSOR)
    yield root
    (root / "proj" / "locked").chmod(0o755)
    shutil.rmtree(root)


@pytest.mark.parametrize("mode", [0o000, 0o111])  # 000 crashed; --x (searchable, not listable) was skipped silently
def test_audit_unreadable_directory(shared_dir, mode):
    (shared_dir / "proj" / "locked").chmod(mode)
    before = tree_hash(shared_dir)
    args = ["audit", "proj", "--output", "out.json", "--format", "json", "--summary-md", "summary.md"]
    result = _run_unprivileged(args, shared_dir)
    assert_one_line_error(result, "cannot read proj/locked (Permission denied)", "--skip-unreadable")
    assert tree_hash(shared_dir) == before  # nothing written
    listed = _run_unprivileged([*args, "--skip-unreadable"], shared_dir)
    assert (listed.code, listed.stderr) == (1, "")
    errors = json.loads((shared_dir / "out.json").read_text())["errors"]
    assert errors == [{"path": "proj/locked", "line": 1, "column": 1, "message": "Permission denied",
                       "unreadable": True}]
    assert "- `proj/locked:1`: cannot read: Permission denied" in (shared_dir / "summary.md").read_text()


def test_audit_unreadable_directory_given_as_the_path(shared_dir):
    (shared_dir / "proj" / "locked").chmod(0o000)
    before = tree_hash(shared_dir)
    result = _run_unprivileged(["audit", "proj/locked"], shared_dir)
    assert_one_line_error(result, "cannot read proj/locked (Permission denied)", "--skip-unreadable")
    assert tree_hash(shared_dir) == before


def test_audit_symlink_loop_as_path(tmp_path):
    (tmp_path / "loop_a").symlink_to("loop_b")
    (tmp_path / "loop_b").symlink_to("loop_a")
    before = tree_hash(tmp_path)
    result = run_nbadq(["audit", "loop_a", "--output", "out.txt"], cwd=tmp_path)
    assert_one_line_error(result, "loop_a: a symlink loop; give a real file or folder")
    assert tree_hash(tmp_path) == before


@pytest.mark.parametrize("option", ["--output", "--junit", "--summary-md"])
@pytest.mark.parametrize("target, needle", [(".", "is a directory"), ("nowhere/r.txt", "does not exist")])
def test_audit_outputs_checked_up_front(tmp_path, option, target, needle):
    """Checked before the audit reads a file: before, the other reports were written (or printed) and then the run
    failed on the bad one."""
    (tmp_path / "games.py").write_text(PROCESSOR)
    outputs = {"--output": "report.txt", "--junit": "junit.xml", "--summary-md": "summary.md", option: target}
    before = tree_hash(tmp_path)
    result = run_nbadq(["audit", ".", *[word for pair in outputs.items() for word in pair]], cwd=tmp_path)
    assert_one_line_error(result, f"{option} {target}", needle)
    assert result.stdout == "" and tree_hash(tmp_path) == before  # not one of the other reports either


def test_audit_markdown_says_how_many_it_cut(tmp_path):
    """The step summary lists 50 items per list; the rest must be counted, not silently dropped."""
    for i in range(57):
        (tmp_path / f"broken_{i:02d}.py").write_text("def save_data(:\n")
    result = run_nbadq(["audit", ".", "--summary-md", "summary.md"], cwd=tmp_path)
    assert result.code == 1, result.stderr
    text = (tmp_path / "summary.md").read_text()
    assert text.count("- `broken_") == 50
    assert "... and 7 more files not audited (see the full report)." in text
