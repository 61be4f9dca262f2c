"""nbadq as people install it: build the wheel, install it into a fresh venv outside the repository, `nbadq init` a
platform directory and run sample, validate, report, audit and doctor from there; then run the `run:` steps of
both example workflows the same way.

One test, on purpose: the venv costs ~30 s (dependencies come from pip's cache after the first run), and pytest-xdist
would build one per worker if the steps were separate tests. Each step asserts exact outcomes and says which step
failed.

BigQuery: the nightly workflow's steps target `bigquery://${{ vars.GCP_PROJECT }}`. They run against the BigQuery
emulator of tests/bigquery (`emulator.shared`: one per test process, which is why this test is in xdist_group
"bigquery", like the tests there), with the init project's sample loaded into a project of its own, every
date-partitioned table under require_partition_filter. Without the emulator (`make bq-emulator` not run) everything
else runs, then the test skips saying why; under CI=true it fails instead.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from nbadq import __version__
from tests.bigquery import emulator as emu
from tests.hostile.harness import tree_hash
from tests.install import workflows

ROOT = Path(__file__).resolve().parents[2]
# What building the wheel reads: the packaging files, the code, and the GX project that becomes package data.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "nbadq", "backfill", "audits",
           "great_expectations.yml", "expectations", "checkpoints", "validation_definitions", "examples")
SAMPLE = ("--seasons", "2024-2024", "--seed", "3")
GCP_PROJECT = "nbadq-wheel-emulator"  # the nightly workflow's vars.GCP_PROJECT: a project only the emulator holds
UNSET_EXIT = '''class ProcessorBase:
    pass


class PropsProcessor(ProcessorBase):
    def save_data(self, rows):
        if not rows:
            return
        self.stats["rows_inserted"] = len(rows)
'''
FINDING = ('data_processors/raw/props.py:8:13: NBQ001 PropsProcessor.save_data leaves self.stats["rows_inserted"] '
           "unset on this return (empty data)")


def run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def ok(proc: subprocess.CompletedProcess, code: int = 0) -> subprocess.CompletedProcess:
    assert proc.returncode == code, (proc.args, proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


def clean_env(tmp: Path) -> dict[str, str]:
    """The environment of someone who never saw this repository: no project, warehouse or path hints."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NBADQ_PROJECT_ROOT", "NBADQ_WAREHOUSE", "NBADQ_MAXIMUM_BYTES_BILLED", "PYTHONPATH",
                        "VIRTUAL_ENV", "PYTHONHOME", "NBADQ_DEBUG")}
    tmpdir = tmp / "tmpdir"
    tmpdir.mkdir(exist_ok=True)
    return {**env, "TMPDIR": str(tmpdir), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}


def checkout(tmp: Path) -> Path:
    """A copy of what a `git clone` holds for the build (never build in the repository: no build/ left there)."""
    src = tmp / "checkout"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "uncommitted", "build")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    return src


def fresh_venv(tmp: Path, env: dict[str, str]) -> Path:
    venv = tmp / "venv"
    proc = run([sys.executable, "-m", "venv", venv], tmp, env)
    if proc.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot create a venv under CI: {proc.stderr.strip()[-500:]}")
        pytest.skip(f"cannot create a venv here: {proc.stderr.strip()[-300:]}")
    return venv / "bin"


def build_and_install(tmp: Path, env: dict[str, str]) -> tuple[Path, Path]:
    src = checkout(tmp)
    dist = tmp / "dist"
    ok(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src], tmp, env))
    (wheel,) = dist.glob("nbadq-*.whl")
    bin_ = fresh_venv(tmp, env)
    ok(run([bin_ / "python", "-m", "pip", "install", "-q", wheel], tmp, env))
    return src, bin_


def check_layout(bin_: Path, tmp: Path, env: dict[str, str]) -> Path:
    """nbadq, nbadq.backfill and nbadq.audits come from the venv; nothing generic is installed at the top level."""
    probe = ("import json, nbadq, nbadq.backfill.runner, nbadq.audits.runner, nbadq.cli.doctor, importlib.util;"
             "print(json.dumps([nbadq.__file__, nbadq.backfill.__file__, nbadq.audits.__file__,"
             " importlib.util.find_spec('backfill'), importlib.util.find_spec('audits')], default=str))")
    files = json.loads(ok(run([bin_ / "python", "-c", probe], tmp, env)).stdout)
    site = Path(files[0]).parent.parent
    assert site.name == "site-packages" and site.is_relative_to(tmp / "venv"), files
    assert files[1:] == [str(site / "nbadq/backfill/__init__.py"), str(site / "nbadq/audits/__init__.py"), None, None]
    assert not {"backfill", "audits"} & {p.name for p in site.iterdir()}
    packaged = site / "nbadq" / "_project"
    assert sorted(p.name for p in packaged.iterdir()) == sorted(
        ["great_expectations.yml", "expectations", "checkpoints", "validation_definitions"])
    assert sorted(p.name for p in (packaged / "expectations").iterdir()) == sorted(
        p.name for p in (ROOT / "expectations").glob("*.json"))
    version = ok(run([bin_ / "nbadq", "--version"], tmp, env)).stdout
    assert version == f"nbadq {__version__}\n"
    return packaged


def from_an_init_project(bin_: Path, tmp: Path, env: dict[str, str]) -> tuple[Path, dict]:
    platform = tmp / "platform"
    platform.mkdir()
    (platform / "pyproject.toml").write_text('[project]\nname = "platform"\n')
    out = ok(run([bin_ / "nbadq", "init"], platform, env)).stdout
    assert "[tool.nbadq] appended to pyproject.toml" in out
    tool = tomllib.loads((platform / "pyproject.toml").read_text())["tool"]["nbadq"]
    assert tool["fill"]["precompute"]["kind"] == "phase4"
    ok(run([bin_ / "nbadq", "sample", "--out", "warehouse", *SAMPLE], platform, env))
    manifest = json.loads((platform / "warehouse" / "nbadq_sample.json").read_text())
    expected = {rule: sorted(dates) for rule, dates in manifest["expected_failing_dates"].items() if dates}

    doctor = ok(run([bin_ / "nbadq", "doctor"], platform, env)).stdout
    assert f"project    {platform.resolve()} (found at or above the working directory)" in doctor
    assert "warehouse  local:warehouse: reachable" in doctor

    (platform / "out").mkdir()
    ok(run([bin_ / "nbadq", "validate", "--json", "out/validate.json"], platform, env), code=1)
    assert failing_dates(platform / "out" / "validate.json") == expected
    # GX wrote its results into this project, not into site-packages
    assert sorted(p.name for p in (platform / "uncommitted").iterdir()) == [".gitignore", "data_docs", "validations"]

    report = ok(run([bin_ / "nbadq", "report", "--from-json", "out/validate.json", "--out", "out/report.html"],
                    platform, env))
    html = (platform / "out" / "report.html").read_text()
    assert "out/report.html" in report.stdout and expected["raw.gamebook_completeness"][0] in html

    (platform / "data_processors" / "raw").mkdir(parents=True)
    (platform / "data_processors" / "raw" / "props.py").write_text(UNSET_EXIT)
    audit = ok(run([bin_ / "nbadq", "audit", "data_processors"], platform, env), code=1)
    assert audit.stdout.splitlines()[0] == FINDING
    return platform, expected


def on_the_packaged_default(bin_: Path, packaged: Path, platform: Path, expected: dict, tmp: Path,
                            env: dict[str, str]) -> None:
    """Outside any project the packaged default runs, and neither it nor the temp directory keeps anything."""
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    before = tree_hash(packaged)
    doctor = ok(run([bin_ / "nbadq", "doctor", "--warehouse", platform / "warehouse"], elsewhere, env)).stdout
    assert f"project    {packaged} (the packaged default" in doctor
    ok(run([bin_ / "nbadq", "validate", "--checkpoint", "raw", "--warehouse", platform / "warehouse",
            "--json", "raw.json"], elsewhere, env), code=1)
    raw_rules = {rule: dates for rule, dates in expected.items() if rule.startswith("raw.") and dates}
    assert "raw.gamebook_completeness" in raw_rules
    assert failing_dates(elsewhere / "raw.json") == raw_rules
    assert tree_hash(packaged) == before
    assert sorted(p.name for p in elsewhere.iterdir()) == ["raw.json"]
    assert list(Path(env["TMPDIR"]).glob("nbadq-project-*")) == []


def bigquery_emulator(platform: Path, basetemp: Path) -> dict[str, str]:
    """Where the nightly workflow's BigQuery steps point: the test process's emulator, holding the init project's
    sample in GCP_PROJECT as production lays it out. Returns the environment that sends requests there."""
    emulator = emu.shared(basetemp / "bigquery-emulator")
    client = emu.client(emulator, GCP_PROJECT)
    try:
        loaded = emu.load_warehouse(client, platform / "warehouse", project=GCP_PROJECT)
    finally:
        client.close()
    assert min(loaded.values()) > 0, loaded
    return emulator.env()


def the_example_workflows(bin_: Path, src: Path, platform: Path, expected: dict, tmp: Path, env: dict[str, str],
                          basetemp: Path) -> None:
    # A look-back reaching the sample's season, so the nightly step finds its defects.
    today = dt.datetime.now(dt.timezone.utc).date()
    lookback = (today - dt.date(2024, 10, 1)).days
    since = str(today - dt.timedelta(days=lookback))
    variables = {"GCP_PROJECT": GCP_PROJECT, "NBADQ_LOOKBACK_DAYS": str(lookback)}
    summary = tmp / "step-summary.md"
    steps = {(s.workflow, s.name): s for name in ("nightly.yml", "predeploy.yml")
             for s in workflows.run_steps(name, variables)}
    assert sorted(steps) == [("nightly.yml", "Install nbadq"), ("nightly.yml", "Refresh the game-date calendar"),
                             ("nightly.yml", "Validate the nightly checkpoint"),
                             ("predeploy.yml", "Audit save overrides"), ("predeploy.yml", "Install nbadq")]
    warehouse = f"bigquery://{GCP_PROJECT}"
    assert steps[("nightly.yml", "Validate the nightly checkpoint")].env["NBADQ_WAREHOUSE"] == warehouse
    step_env = {**env, "GITHUB_STEP_SUMMARY": str(summary)}

    for workflow in ("nightly.yml", "predeploy.yml"):  # `pip install .` in the checkout, into the same venv
        done = workflows.execute(steps[(workflow, "Install nbadq")], src, bin_, step_env)
        assert done.code == 0, (workflow, done.stdout[-2000:], done.stderr[-2000:])

    audit = workflows.execute(steps[("predeploy.yml", "Audit save overrides")], platform, bin_, step_env)
    assert audit.code == 1, (audit.stdout[-2000:], audit.stderr[-2000:])  # the finding blocks the deploy
    sarif = json.loads((platform / "audit.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["NBQ001"]

    emu.require()  # the nightly workflow's BigQuery steps, last: without the emulator, skip (fail under CI=true)
    local = json.loads((platform / "out" / "validate.json").read_text())  # the init project's run on SQLite
    step_env.update(bigquery_emulator(platform, basetemp))
    calendar = workflows.execute(steps[("nightly.yml", "Refresh the game-date calendar")], platform, bin_, step_env)
    assert calendar.code == 0, (calendar.stdout[-2000:], calendar.stderr[-2000:])
    game_dates = local["calendar"]["game_dates"]
    assert calendar.stdout.splitlines()[0] == f"nba_dq.game_dates on {warehouse}: {len(game_dates)} game dates"

    validations = platform / "uncommitted" / "validations"
    before = sorted(p.relative_to(validations) for p in validations.rglob("*.json"))
    nightly = workflows.execute(steps[("nightly.yml", "Validate the nightly checkpoint")], platform, bin_, step_env)
    assert nightly.code == 1, (nightly.stdout[-2000:], nightly.stderr[-2000:])  # rules failed: the job fails
    out = platform / "nbadq-out"
    doc = json.loads((out / "validate.json").read_text())
    assert (doc["warehouse"], doc["window"]["since"]) == (warehouse, since)
    in_window = {rule: [d for d in dates if d >= since] for rule, dates in expected.items()}
    assert failing_dates(out / "validate.json") == {rule: dates for rule, dates in in_window.items() if dates}
    assert doc["calendar"] == local["calendar"]
    assert (out / "report.html").is_file() and "<testsuite" in (out / "junit.xml").read_text()
    assert "raw.gamebook_completeness" in summary.read_text()
    # the platform's init project ran it: GX stored one more result per layer there
    after = sorted(p.relative_to(validations) for p in validations.rglob("*.json"))
    assert len(after) - len(before) == len(doc["layers"]) and set(before) < set(after)


def failing_dates(validate_json: Path) -> dict[str, list[str]]:
    doc = json.loads(validate_json.read_text())
    return {e["rule"]: e["failing_dates"] for layer in doc["layers"].values() for e in layer["expectations"]
            if e["failing_dates"]}


@pytest.mark.xdist_group("bigquery")  # the nightly workflow's steps use the test process's BigQuery emulator
def test_the_wheel_in_a_fresh_venv_runs_an_init_project_and_the_example_workflows(tmp_path, tmp_path_factory):
    tmp = tmp_path.resolve()
    assert not tmp.is_relative_to(ROOT)
    env = clean_env(tmp)
    src, bin_ = build_and_install(tmp, env)
    packaged = check_layout(bin_, tmp, env)
    platform, expected = from_an_init_project(bin_, tmp, env)
    on_the_packaged_default(bin_, packaged, platform, expected, tmp, env)
    the_example_workflows(bin_, src, platform, expected, tmp, env, tmp_path_factory.getbasetemp())
