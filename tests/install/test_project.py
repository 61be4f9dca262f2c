"""Finding the project (--project, NBADQ_PROJECT_ROOT, the nearest one above, the packaged default), `nbadq init`,
`nbadq doctor` and `nbadq --version`, on the installed (editable) nbadq of this repository."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from nbadq import __version__, project_files
from nbadq.project_files import DEFAULT, ENV, FLAG, FOUND, locate, use_project
from tests.hostile.harness import assert_one_line_error, run_nbadq, tree_hash

ROOT = Path(__file__).resolve().parents[2]
PROJECT_FILES = ["checkpoints", "expectations", "great_expectations.yml", "validation_definitions"]


@pytest.fixture(autouse=True)
def _no_project_hints(monkeypatch):
    """conftest points NBADQ_PROJECT_ROOT at a private copy; these tests choose the project themselves."""
    monkeypatch.delenv("NBADQ_PROJECT_ROOT", raising=False)
    yield
    use_project(None)


def init(directory: Path) -> Path:
    result = run_nbadq(["init", directory], cwd=directory.parent if directory.parent.is_dir() else None)
    assert (result.code, result.stderr) == (0, ""), result
    return directory


def generic_gx_project(folder: Path) -> Path:
    """A GX project that is not nbadq's: its suite's expectations carry no meta.rule."""
    (folder / "expectations").mkdir(parents=True)
    (folder / "great_expectations.yml").write_text("config_version: 4.0\n")
    (folder / "expectations" / "orders.json").write_text(json.dumps(
        {"name": "orders", "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "id"}}]}))
    return folder


def test_the_project_is_found_flag_then_environment_then_above_then_packaged(tmp_path, monkeypatch):
    a, b = init(tmp_path / "a"), init(tmp_path / "b")
    deep = generic_gx_project(a / "services" / "orders") / "src"
    deep.mkdir()
    empty = tmp_path / "empty"
    empty.mkdir()

    assert locate(deep) == project_files.Located(a, FOUND, a)  # the generic GX project on the way is passed over
    assert locate(a) == project_files.Located(a, FOUND, a)
    monkeypatch.setenv("NBADQ_PROJECT_ROOT", str(b))
    assert locate(deep) == project_files.Located(b, ENV, b)
    use_project(str(a))
    assert locate(empty) == project_files.Located(a, FLAG, a)
    use_project(None)
    monkeypatch.delenv("NBADQ_PROJECT_ROOT")

    default = locate(empty)
    assert (default.source, default.origin) == (DEFAULT, ROOT)  # an editable install's default: this repository
    assert default.root != ROOT and sorted(p.name for p in default.root.iterdir()) == PROJECT_FILES
    assert locate(empty).root == default.root  # one private copy per process


def test_the_packaged_default_is_copied_and_the_copy_removed_at_exit(tmp_path):
    private_tmp, empty = tmp_path / "tmp", tmp_path / "empty"
    private_tmp.mkdir(), empty.mkdir()
    before = tree_hash(ROOT / "expectations", ROOT / "checkpoints", ROOT / "validation_definitions")
    env = {k: v for k, v in os.environ.items() if k != "NBADQ_PROJECT_ROOT"}
    code = ("import json; from nbadq.config import project_root; r = project_root();"
            "print(json.dumps([str(r), sorted(p.name for p in r.iterdir())]))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=empty, env={**env, "TMPDIR": str(private_tmp)},
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (0, "")
    copy, names = json.loads(proc.stdout)
    assert (Path(copy).parent, names) == (private_tmp, PROJECT_FILES)
    assert list(private_tmp.iterdir()) == []
    assert tree_hash(ROOT / "expectations", ROOT / "checkpoints", ROOT / "validation_definitions") == before


@pytest.mark.parametrize("where", ["before", "after", "equals"])
def test_project_flag_is_accepted_anywhere(tmp_path, where):
    project = init(tmp_path / "p")
    argv = {"before": ["--project", project, "doctor", "--warehouse", tmp_path / "none"],
            "after": ["doctor", "--warehouse", tmp_path / "none", "--project", project],
            "equals": ["doctor", f"--project={project}", "--warehouse", tmp_path / "none"]}[where]
    result = run_nbadq(argv, cwd=tmp_path)
    assert f"project    {project} (from --project)\n" in result.stdout
    assert_one_line_error(result, "nbadq doctor: error: missing: warehouse: warehouse directory")


@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_named_project_without_great_expectations_yml_is_exit_2(tmp_path, how):
    bad = tmp_path / "not-a-project"
    bad.mkdir()
    if how == "flag":
        argv, env = ["--project", bad, "validate"], None
    else:
        argv, env = ["validate"], {"NBADQ_PROJECT_ROOT": str(bad)}
    before = tree_hash(tmp_path)
    result = run_nbadq(argv, cwd=tmp_path, env=env)
    where = "--project" if how == "flag" else "NBADQ_PROJECT_ROOT"
    assert_one_line_error(result, f"{where} '{bad}': no great_expectations.yml there", f"`nbadq init {bad}`")
    assert tree_hash(tmp_path) == before


def test_project_flag_without_a_directory_is_exit_2():
    assert_one_line_error(run_nbadq(["validate", "--project"]), "--project needs a directory")


def test_version():
    result = run_nbadq(["--version"])
    assert (result.code, result.stdout, result.stderr) == (0, f"nbadq {__version__}\n", "")


def test_init_writes_a_project_that_validates_and_keeps_its_results(tmp_path, clean_template):
    platform = init(tmp_path / "platform")
    assert sorted(p.name for p in platform.iterdir()) == sorted([*PROJECT_FILES, "pyproject.toml", "uncommitted"])
    for name in ("expectations", "checkpoints", "validation_definitions"):
        assert sorted(p.read_bytes() for p in (platform / name).iterdir()) == sorted(
            p.read_bytes() for p in (ROOT / name).glob("*.json"))
    assert (platform / "uncommitted" / ".gitignore").read_text().splitlines()[-1] == "*"
    result = run_nbadq(["validate", "--checkpoint", "raw", "--warehouse", clean_template], cwd=platform)
    assert (result.code, result.stderr) == (0, ""), result
    assert sorted(p.name for p in (platform / "uncommitted").iterdir()) == [".gitignore", "data_docs", "validations"]


def test_init_config_is_read_by_fill_and_audit(tmp_path, monkeypatch):
    from nbadq.audits.config import load_config
    from nbadq.backfill.config import load_fill_config

    platform = init(tmp_path / "platform")
    monkeypatch.chdir(platform)
    fill = load_fill_config()
    assert {layer: (f.kind, f.url_env) for layer, f in fill.fillers.items()} == {
        "analytics": ("phase3", "NBADQ_PHASE3_URL"), "precompute": ("phase4", "NBADQ_PHASE4_URL"),
        "predictions": ("coordinator", "NBADQ_PREDICTIONS_URL"), "grading": ("grading", "NBADQ_GRADING_URL")}
    audit = load_config(None, [str(platform)])
    assert audit.methods == ("save_data", "save_analytics", "save_precompute")


def test_init_appends_to_an_existing_pyproject_keeping_its_bytes_and_mode(tmp_path):
    platform = tmp_path / "platform"
    platform.mkdir()
    original = b'[project]\nname = "platform"\n\n[tool.black]\nline-length = 100'  # no final newline
    (platform / "pyproject.toml").write_bytes(original)
    os.chmod(platform / "pyproject.toml", 0o664)
    init(platform)
    written = (platform / "pyproject.toml").read_bytes()
    assert written.startswith(original + b"\n\n# nbadq (written by `nbadq init`)")
    assert stat.S_IMODE((platform / "pyproject.toml").stat().st_mode) == 0o664
    doc = tomllib.loads(written.decode())
    assert (doc["tool"]["black"], doc["project"]) == ({"line-length": 100}, {"name": "platform"})
    assert doc["tool"]["nbadq"]["fill"]["analytics"]["max_days_per_request"] == 10


@pytest.mark.parametrize("case, needle", [
    ("project-exists", "already holds great_expectations.yml, expectations: nbadq init never overwrites"),
    ("tool-nbadq", "already has [tool.nbadq]; nbadq init never overwrites"),
    ("bad-toml", "pyproject.toml: not valid TOML"),
    ("inline-tool", "pyproject.toml: cannot take [tool.nbadq]"),
    ("is-a-file", "exists and is not a directory"),
    ("no-parent", "its parent directory does not exist"),
])
def test_init_refuses_and_writes_nothing(tmp_path, case, needle):
    target = tmp_path / "platform"
    target.mkdir()
    if case == "project-exists":
        (target / "great_expectations.yml").write_text("mine\n")
        (target / "expectations").mkdir()
    elif case == "tool-nbadq":
        (target / "pyproject.toml").write_text('[tool.nbadq]\nwarehouse = "bigquery://mine"\n')
    elif case == "bad-toml":
        (target / "pyproject.toml").write_text("[project\n")
    elif case == "inline-tool":
        (target / "pyproject.toml").write_text('tool = { black = { line-length = 100 } }\n')
    elif case == "is-a-file":
        target = target / "file"
        target.write_text("x")
    elif case == "no-parent":
        target = target / "missing" / "deeper"
    before = tree_hash(tmp_path)
    assert_one_line_error(run_nbadq(["init", target], cwd=tmp_path), "nbadq init: error:", needle)
    assert tree_hash(tmp_path) == before


def test_doctor_on_a_ready_project(tmp_path, clean_template):
    platform = init(tmp_path / "platform")
    shutil.copytree(clean_template, platform / "warehouse")
    result = run_nbadq(["doctor"], cwd=platform, env={"NBADQ_PHASE3_URL": "http://127.0.0.1:9", "NBADQ_PHASE4_URL": ""})
    assert (result.code, result.stderr) == (0, ""), result
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"nbadq      {__version__} (Great Expectations 1.24.1, Python 3.11.")
    assert lines[1] == f"project    {platform} (found at or above the working directory)"
    assert lines[3:] == [
        f"settings   {platform / 'pyproject.toml'} [tool.nbadq]",
        "warehouse  local:warehouse: reachable; every table the rules read is there",
        "services   analytics   phase3 via NBADQ_PHASE3_URL: set",
        "           precompute  phase4 via NBADQ_PHASE4_URL: NOT SET (nbadq fill needs it)",
        "           predictions coordinator via NBADQ_PREDICTIONS_URL: NOT SET (nbadq fill needs it)",
        "           grading     grading via NBADQ_GRADING_URL: NOT SET (nbadq fill needs it)",
        "slack      NBADQ_SLACK_WEBHOOK not set (nightly failures post nothing)",
        "missing    nothing: `nbadq validate` can run",
    ]


def test_doctor_names_missing_tables_and_exits_2(tmp_path, clean_template):
    platform = init(tmp_path / "platform")
    shutil.copytree(clean_template, platform / "warehouse")
    (platform / "warehouse" / "nba_predictions.sqlite").unlink()
    before = _without_sqlite_sidecars(tree_hash(platform))
    result = run_nbadq(["doctor"], cwd=platform)
    assert_one_line_error(result, "missing: warehouse: local:warehouse lacks table(s) "
                                  "nba_predictions.ml_feature_store_v2, nba_predictions.player_prop_predictions, "
                                  "nba_predictions.prediction_accuracy needed")
    assert "warehouse  local:warehouse: NOT READY" in result.stdout
    assert _without_sqlite_sidecars(tree_hash(platform)) == before


def _without_sqlite_sidecars(tree: dict[str, str]) -> dict[str, str]:
    """SQLite's own -wal/-shm files come and go with any reader of a WAL database."""
    return {path: digest for path, digest in tree.items() if not path.endswith(("-wal", "-shm"))}


def test_doctor_reports_a_broken_project(tmp_path, clean_template):
    platform = init(tmp_path / "platform")
    (platform / "expectations" / "raw.json").write_text("{")
    result = run_nbadq(["doctor", "--warehouse", clean_template], cwd=platform)
    assert_one_line_error(result, "missing: project:", "raw.json: cannot read GX project file")


def test_a_project_flag_does_not_outlive_its_run(tmp_path, capsys, monkeypatch):
    from nbadq.cli.main import main

    project, elsewhere = init(tmp_path / "p"), tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["--project", str(project), "doctor", "--warehouse", str(tmp_path / "none")]) == 2
    assert f"project    {project} (from --project)" in capsys.readouterr().out
    assert main(["doctor", "--warehouse", str(tmp_path / "none")]) == 2
    assert f"project    {ROOT} (the packaged default" in capsys.readouterr().out


def test_init_leaves_nothing_when_the_last_write_fails(tmp_path, monkeypatch, capsys):
    """Fault injection, because tests run as root and a real permission failure cannot be arranged: the config
    write (the last one) fails, and init removes the project it had moved in, and the directory it created."""
    from nbadq.cli import init as init_module
    from nbadq.cli.main import main
    from nbadq.errors import UsageError

    def disk_full(path, text):
        raise UsageError(f"cannot write {path}: No space left on device")

    monkeypatch.setattr(init_module, "write_text_atomic", disk_full)
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "pyproject.toml").write_text('[project]\nname = "platform"\n')
    before = tree_hash(tmp_path)
    assert main(["init", str(tmp_path / "new")]) == 2
    assert main(["init", str(existing)]) == 2
    assert tree_hash(tmp_path) == before
    assert capsys.readouterr().err.count("No space left on device") == 2
