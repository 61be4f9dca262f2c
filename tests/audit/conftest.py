"""Shared helpers for the audit tests. The corpus holds data (one file does not even parse): never collect it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbadq.cli.main import main

collect_ignore_glob = ["corpus/*"]

CORPUS = Path(__file__).parent / "corpus"
REPO = Path(__file__).resolve().parents[2]


class Run:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def audit(capsys, monkeypatch):
    """Run `nbadq audit ARGS` in-process from `cwd`; returns exit code and captured output."""

    def run(*args: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(["audit", *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def run_subprocess(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command, as CI runs it, with this checkout first on the path."""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "nbadq.cli.main", "audit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
