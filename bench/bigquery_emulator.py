"""Time the BigQuery emulator suite (tests/bigquery) as `make test` runs it, and where its time goes.

Runs the suite in a subprocess (so its numbers include pytest start-up and the GX imports), `--runs` times, and prints
the wall time and the per-phase seconds the suite's session fixture records (sample, emulator start, load, each
nbadq run), as a Markdown section for bench/RESULTS.md. Needs the emulator: `make bq-emulator` first.
Run: .venv/bin/python bench/bigquery_emulator.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.bigquery import emulator  # noqa: E402


def one_run() -> tuple[float, dict[str, float], str]:
    with tempfile.TemporaryDirectory() as tmp:
        timings = Path(tmp) / "timings.json"
        env = {**os.environ, "NBADQ_BQ_TIMINGS": str(timings), "CI": "true"}  # CI=true: a missing emulator fails
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/bigquery"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.monotonic() - started
        if proc.returncode != 0:
            raise SystemExit(f"the suite failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}")
        summary = proc.stdout.strip().splitlines()[-1]
        return wall, json.loads(timings.read_text()), summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if why := emulator.missing():
        raise SystemExit(why)
    load_before = os.getloadavg()[0]
    runs = [one_run() for _ in range(args.runs)]
    walls = [w for w, _, _ in runs]
    phases = {k: statistics.median(r[1][k] for r in runs) for k in runs[0][1]}
    reqs = (ROOT / "tests/bigquery/emulator-requirements.txt").read_text().splitlines()
    version = next(line.split("==")[1] for line in reqs if line.startswith("local-bigquery=="))
    print("## BigQuery emulator suite (issue 9)\n")
    print(f"`tests/bigquery` against local-bigquery {version} on 127.0.0.1 (Python 3.13, own venv), "
          f"{platform.python_implementation()} {platform.python_version()} for nbadq; "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; {args.runs} run(s).\n")
    print("| measured | seconds |\n|---|---|")
    print(f"| whole suite, wall ({runs[-1][2]}) | **{statistics.median(walls):.1f}**"
          + (f" (runs: {', '.join(f'{w:.1f}' for w in walls)})" if len(walls) > 1 else "") + " |")
    for name, seconds in phases.items():
        print(f"| {name} | {seconds:.2f} |")
    print("\nCommand: `.venv/bin/python bench/bigquery_emulator.py [--runs 2]` (after `make bq-emulator`). Under "
          "`make test` the suite runs on one xdist worker (`--dist loadgroup`) while the other tests spread over "
          "the rest.")


if __name__ == "__main__":
    main()
