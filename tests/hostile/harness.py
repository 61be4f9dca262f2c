"""The contract every hostile case asserts: the exit code, one stderr line naming what to fix (no traceback), and
nothing changed outside the documented outputs.

    result = run_nbadq(["validate", "--warehouse", str(wh)], cwd=tmp_path)
    assert_one_line_error(result, "must name this")
    before = tree_hash(tmp_path); ...; assert tree_hash(tmp_path) == before
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run_nbadq(args: Iterable[str], cwd: Path | None = None, env: Mapping[str, str] | None = None,
              timeout: float = 180, stdin: str | None = None) -> Result:
    """`nbadq ARGS` in a subprocess, as a user would run it (python -m keeps it on this interpreter)."""
    # A developer's NBADQ_DEBUG would add tracebacks to stderr; a test that wants them passes it in `env`.
    full_env = {**{k: v for k, v in os.environ.items() if k != "NBADQ_DEBUG"}, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "nbadq.cli.main", *map(str, args)], cwd=cwd or ROOT,
                          env=full_env, capture_output=True, text=True, timeout=timeout, input=stdin)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def assert_one_line_error(result: Result, *needles: str, code: int = 2) -> None:
    """Exit `code`, stderr exactly one line containing every needle, and no traceback anywhere."""
    assert result.code == code, (result.code, result.stdout[-2000:], result.stderr[-2000:])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def tree_hash(*roots: Path, ignore: Iterable[str] = ()) -> dict[str, str]:
    """path -> sha256 (or the link target / file type) for every entry under the roots; compare before and after."""
    skip = set(ignore)
    out: dict[str, str] = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in skip)
            for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
                if name in skip:
                    continue
                path = os.path.join(dirpath, name)
                if os.path.islink(path):
                    out[path] = "link->" + os.readlink(path)
                elif os.path.isfile(path):
                    with open(path, "rb") as fh:
                        out[path] = hashlib.sha256(fh.read()).hexdigest()
                else:
                    out[path] = "special"
            out[dirpath + "/"] = "dir"
    return out


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Poll `predicate` until it returns something truthy (returned), or fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
