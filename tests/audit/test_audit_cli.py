"""`nbadq audit` as a command: exit codes, usage errors, files it reads and skips, outputs, and its start-up."""

from __future__ import annotations

import textwrap

import yaml

from tests.audit.conftest import REPO, run_subprocess, write

CLEAN = "class P(ProcessorBase):\n    def save_data(self):\n        self.stats['rows_inserted'] = 1\n"
DIRTY = "class Q(ProcessorBase):\n    def save_data(self):\n        return\n"


def test_exit_codes_0_nothing_found_1_found(audit, tmp_path):
    write(tmp_path, "ok.py", CLEAN)
    assert audit(cwd=tmp_path).code == 0
    write(tmp_path, "bad.py", DIRTY)
    assert audit(cwd=tmp_path).code == 1
    assert audit("ok.py", cwd=tmp_path).code == 0


def test_a_file_that_does_not_parse_fails_the_run_but_not_the_others(audit, tmp_path):
    write(tmp_path, "ok.py", CLEAN)
    write(tmp_path, "broken.py", "class P(ProcessorBase):\n    def save_data(self)\n        return\n")
    run = audit("--format", "json", cwd=tmp_path)
    assert run.code == 1
    assert [c["class"] for c in run.json()["classes"]] == ["P"]
    assert run.json()["errors"][0]["path"] == "broken.py"


def test_usage_errors_exit_2_with_one_line(audit, tmp_path):
    write(tmp_path, "ok.py", CLEAN)
    write(tmp_path, "other/pyproject.toml", "[project]\nname = 'x'\n")
    for args, message in [
        (["missing_dir"], "nbadq audit: error: missing_dir: no such file or directory\n"),
        (["--jobs", "0"], "nbadq audit: error: --jobs must be at least 1, got 0\n"),
        (["--config", "nope.toml"], "nbadq audit: error: --config nope.toml: no such file\n"),
        (["--config", "other/pyproject.toml"],
         "nbadq audit: error: --config other/pyproject.toml: no [tool.nbadq.audit] table in it\n"),
        (["--output", "out/report.txt"],
         "nbadq audit: error: --output out/report.txt: directory 'out' does not exist; create it first\n"),
        (["--output", "r.xml", "--junit", "r.xml"],
         "nbadq audit: error: --junit and --output name the same file r.xml; give each its own\n"),
    ]:
        run = audit(*args, cwd=tmp_path)
        assert (run.code, run.err, run.out) == (2, message, ""), args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.py", "other"]  # nothing half-written


def test_unknown_format_is_a_usage_error(tmp_path):
    proc = run_subprocess("--format", "xml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "invalid choice: 'xml'" in proc.stderr and proc.stderr.count("\n") == 1


def test_bad_configuration_exits_2_naming_what_to_fix(audit, tmp_path):
    write(tmp_path, "ok.py", CLEAN)
    where = f"[tool.nbadq.audit] of {tmp_path / 'pyproject.toml'}"
    cases = [
        ("[tool.nbadq.audit]\nbase = ['X']\n", f"{where}: unknown setting 'base' (known: bases, ignore, rules)"),
        ("[tool.nbadq.audit]\nrules = [{ method = 'save data', key = 'k' }]\n",
         f"rules[1].method in {where} must be a Python identifier, not 'save data'"),
        ("[tool.nbadq.audit]\nrules = []\n", f"rules in {where} must be a non-empty list of"),
        ("[tool.nbadq.audit]\nbases = 'ProcessorBase'\n",
         f"bases in {where} must be a list of non-empty strings, not 'ProcessorBase'"),
        ("[tool.nbadq.audit\n", f"{tmp_path / 'pyproject.toml'}: not valid TOML"),
    ]
    for text, fragment in cases:
        write(tmp_path, "pyproject.toml", text)
        run = audit(cwd=tmp_path)
        assert run.code == 2 and fragment in run.err and run.err.count("\n") == 1, (text, run.err)


def test_config_is_found_above_the_audited_paths(audit, tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.nbadq.audit]\nrules = [{ method = "persist", key = "n" }]\n')
    write(tmp_path, "src/feeds/a.py", "class A(ProcessorBase):\n    def persist(self):\n        return\n")
    write(tmp_path, "src/feeds/b.py", DIRTY)
    elsewhere = tmp_path.parent
    run = audit(str(tmp_path / "src"), "--format", "json", cwd=elsewhere)
    assert [(c["class"], c["method"], c["key"]) for c in run.json()["classes"]] == [("A", "persist", "n")]


def test_a_dedicated_config_file_may_hold_the_keys_at_top_level(audit, tmp_path):
    write(tmp_path, "audit.toml", 'bases = ["LoaderBase"]\n')
    write(tmp_path, "a.py", "class A(LoaderBase):\n    def save_data(self):\n        return\n" + DIRTY)
    run = audit("--config", "audit.toml", "--format", "json", cwd=tmp_path)
    assert [c["class"] for c in run.json()["classes"]] == ["A"]


def test_virtualenvs_vcs_folders_and_the_ignore_list_are_skipped(audit, tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.nbadq.audit]\nignore = ["legacy", "gen/*_pb2.py", "*.draft.py"]\n')
    write(tmp_path, "feeds/a.py", DIRTY)
    for skipped in ["env/lib/x.py", ".git/hooks/x.py", "legacy/old.py", "feeds/legacy/old.py", "gen/x_pb2.py",
                    "feeds/x.draft.py", "node_modules/pkg/x.py", "notes.txt"]:
        write(tmp_path, skipped, DIRTY)
    write(tmp_path, "env/pyvenv.cfg", "home = /usr\n")
    write(tmp_path, "gen/keep.py", DIRTY)
    run = audit("--format", "json", cwd=tmp_path)
    assert sorted(c["path"] for c in run.json()["classes"]) == ["feeds/a.py", "gen/keep.py"]
    # Named on the command line (as pre-commit does), an ignored file is still ignored.
    assert audit("legacy/old.py", "feeds/a.py", "--format", "json", cwd=tmp_path).json()["summary"][
        "files_scanned"] == 1


def test_output_goes_to_the_file_and_nothing_to_stdout(audit, tmp_path):
    write(tmp_path, "bad.py", DIRTY)
    run = audit("--output", "report.txt", cwd=tmp_path)
    assert (run.code, run.out) == (1, "")
    assert (tmp_path / "report.txt").read_text().startswith("bad.py:3:9: NBQ001 Q.save_data leaves")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.py", "report.txt"]  # no temporary left behind


def test_console_script_runs_without_importing_heavy_libraries(tmp_path):
    write(tmp_path, "bad.py", DIRTY)
    probe = textwrap.dedent("""
        import sys
        from nbadq.cli.main import main
        code = main(["audit", "."])
        heavy = sorted(m for m in ("great_expectations", "pandas", "sqlalchemy", "numpy", "junitparser")
                       if m in sys.modules)
        print("HEAVY", heavy, code)
    """)
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert proc.stdout.splitlines()[-1] == "HEAVY [] 1", proc.stderr


def test_importtime_shows_no_heavy_import(tmp_path):
    write(tmp_path, "ok.py", CLEAN)
    proc = run_subprocess(".", cwd=tmp_path)
    assert proc.returncode == 0
    import subprocess
    import sys

    trace = subprocess.run([sys.executable, "-X", "importtime", "-m", "nbadq.cli.main", "audit", "."],
                           cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(REPO)},
                           timeout=60).stderr
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in trace.splitlines() if "|" in line}
    assert "nbadq" in imported and "nbadq.audits.runner" in {l.rsplit("|", 1)[-1].strip() for l in trace.splitlines()}
    assert not imported & {"great_expectations", "pandas", "sqlalchemy", "numpy", "google", "requests"}


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["nbadq-audit"]
    hook = hooks[0]
    assert (hook["entry"], hook["language"], hook["types"], hook["pass_filenames"]) == (
        "nbadq audit", "python", ["python"], True)


def test_pre_commit_style_invocation_with_filenames(tmp_path):
    write(tmp_path, "feeds/a.py", CLEAN)
    write(tmp_path, "feeds/b.py", DIRTY)
    proc = run_subprocess("feeds/a.py", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "nbadq audit: no unset exits in 1 audited method; 1 file scanned\n")
    proc = run_subprocess("feeds/a.py", "feeds/b.py", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout.startswith("feeds/b.py:3:9: NBQ001 ")
