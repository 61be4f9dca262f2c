"""The one settings resolver (nbadq.config): flag > environment > settings file > default, one error format, and
validate, fill and audit reading the same file; plus the one layer list and the one fill-outcome list."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nbadq.audits.config import load_config
from nbadq.backfill.config import load_fill_config
from nbadq.cli.main import main
from nbadq.config import DEFAULT_WAREHOUSE, find_settings, load_settings
from nbadq.errors import UsageError
from nbadq.layers import LAYERS
from nbadq.outcomes import STATUSES

ROOT = Path(__file__).resolve().parent.parent

# The same settings in each kind of file: nbadq.toml holds at its top level what pyproject.toml holds in [tool.nbadq].
KINDS = {
    "pyproject": ("pyproject.toml", "[tool.nbadq]\n{keys}", "[tool.nbadq.{table}]", "[tool.nbadq] of pyproject.toml"),
    "nbadq.toml": ("nbadq.toml", "{keys}", "[{table}]", "nbadq.toml"),
}


def write_settings(folder: Path, kind: str, keys: str = "", **tables: str) -> Path:
    name, top, header, _ = KINDS[kind]
    text = top.format(keys=keys) + "".join(f"\n{header.format(table=t)}\n{body}" for t, body in tables.items())
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("kind", KINDS)
def test_warehouse_flag_beats_environment_beats_file_beats_default(here, monkeypatch, kind):
    assert load_settings().warehouse == DEFAULT_WAREHOUSE
    write_settings(here, kind, 'warehouse = "bigquery://from-file"\n')
    assert load_settings().warehouse == "bigquery://from-file"
    monkeypatch.setenv("NBADQ_WAREHOUSE", "")  # an empty variable is unset, as `NBADQ_WAREHOUSE= nbadq ...` means
    assert load_settings().warehouse == "bigquery://from-file"
    monkeypatch.setenv("NBADQ_WAREHOUSE", "bigquery://from-env")
    assert load_settings().warehouse == "bigquery://from-env"
    assert load_settings("bigquery://from-flag").warehouse == "bigquery://from-flag"


@pytest.mark.parametrize("kind", KINDS)
def test_bytes_cap_environment_beats_file_beats_default(here, monkeypatch, kind):
    assert load_settings().maximum_bytes_billed is None
    write_settings(here, kind, "maximum_bytes_billed = 1000\n")
    assert load_settings().maximum_bytes_billed == 1000
    monkeypatch.setenv("NBADQ_MAXIMUM_BYTES_BILLED", "")
    assert load_settings().maximum_bytes_billed == 1000
    monkeypatch.setenv("NBADQ_MAXIMUM_BYTES_BILLED", "2000")
    assert load_settings().maximum_bytes_billed == 2000


@pytest.mark.parametrize("kind", KINDS)
def test_labels_come_from_the_file(here, kind):
    write_settings(here, kind, labels='team = "dq"\nversion = 2\n')
    assert load_settings().labels == {"team": "dq", "version": "2"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("keys, tables, message", [
    ('maximum_bytes_billed = "lots"\n', {},
     "maximum_bytes_billed in {where} must be a whole number of bytes, not 'lots'"),
    ("maximum_bytes_billed = true\n", {}, "maximum_bytes_billed in {where} must be a whole number of bytes, not True"),
    ("maximum_bytes_billed = -1\n", {}, "maximum_bytes_billed in {where} must be a whole number of bytes, not -1"),
    ("warehouse = 3\n", {}, "warehouse in {where} must be a local directory or bigquery://PROJECT, not 3"),
    ('warehouse = ""\n', {}, "warehouse in {where} must be a local directory or bigquery://PROJECT, not ''"),
    ('labels = "dq"\n', {}, "labels in {where} must be a table, not 'dq'"),
    ("", {"labels": "team = [1]\n"}, "team in {table} must be a string, not [1]"),
])
def test_a_bad_file_value_names_its_key_and_file(here, kind, keys, tables, message):
    write_settings(here, kind, keys, **tables)
    where, table = KINDS[kind][3], KINDS[kind][2].format(table="labels") + f" of {KINDS[kind][0]}"
    with pytest.raises(UsageError) as caught:
        load_settings()
    assert str(caught.value) == message.format(where=where, table=table)


def test_a_bad_environment_value_names_the_variable(here, monkeypatch):
    write_settings(here, "nbadq.toml", "maximum_bytes_billed = 1000\n")
    monkeypatch.setenv("NBADQ_MAXIMUM_BYTES_BILLED", "10GB")
    with pytest.raises(UsageError) as caught:
        load_settings()
    assert str(caught.value) == "NBADQ_MAXIMUM_BYTES_BILLED must be a whole number of bytes, not '10GB'"


def test_the_flag_wins_over_a_bad_file_warehouse(here):
    write_settings(here, "pyproject", "warehouse = 3\n")
    assert load_settings("./elsewhere").warehouse == "./elsewhere"


def test_settings_in_both_files_are_refused(here):
    write_settings(here, "nbadq.toml", "maximum_bytes_billed = 1000\n")
    write_settings(here, "pyproject", "maximum_bytes_billed = 5\n")
    with pytest.raises(UsageError) as caught:
        load_settings()
    assert str(caught.value) == ("nbadq settings in both nbadq.toml and [tool.nbadq] of pyproject.toml: keep them "
                                 "in one file")


def test_nbadq_toml_beside_a_pyproject_without_tool_nbadq_is_read(here):
    (here / "pyproject.toml").write_text('[project]\nname = "platform"\n\n[tool.black]\nline-length = 100\n')
    write_settings(here, "nbadq.toml", "maximum_bytes_billed = 1000\n")
    found = find_settings()
    assert (found.path, found.prefix, load_settings().maximum_bytes_billed) == (Path("nbadq.toml"), (), 1000)


def test_an_unreadable_settings_file_is_a_usage_error_naming_it(here):
    (here / "nbadq.toml").write_text("maximum_bytes_billed = \n")
    with pytest.raises(UsageError, match=r"^nbadq\.toml: not valid TOML \("):
        load_settings()


FILL = 'retry_base_seconds = 1.5\n'
PRECOMPUTE = 'kind = "phase4"\nurl_env = "MY_PHASE4_URL"\n'
AUDIT = 'bases = ["LoaderBase"]\n'


@pytest.mark.parametrize("kind", KINDS)
def test_fill_and_audit_read_the_same_file_as_validate(here, kind):
    write_settings(here, kind, "maximum_bytes_billed = 1000\n", fill=FILL, **{"fill.precompute": PRECOMPUTE},
                   audit=AUDIT)
    fill, audit = load_fill_config(), load_config(None, [])
    assert load_settings().maximum_bytes_billed == 1000
    assert (fill.retry_base_seconds, {k: f.url_env for k, f in fill.fillers.items()}) == (1.5,
                                                                                        {"precompute": "MY_PHASE4_URL"})
    audit_table = KINDS[kind][2].format(table="audit")
    assert (audit.bases, audit.source) == (("LoaderBase",), f"{audit_table} of {here / KINDS[kind][0]}")


@pytest.mark.parametrize("kind", KINDS)
def test_fill_and_audit_errors_use_the_same_format(here, kind):
    write_settings(here, kind, **{"fill.precompute": 'kind = "phase4"\nconcurrency = 0\n'},
                   audit='bases = "LoaderBase"\n')
    name = KINDS[kind][0]
    with pytest.raises(UsageError) as fill_error:
        load_fill_config()
    with pytest.raises(UsageError) as audit_error:
        load_config(None, [])
    precompute, audit = (KINDS[kind][2].format(table=t) for t in ("fill.precompute", "audit"))
    assert str(fill_error.value) == f"concurrency in {precompute} of {name} must be a whole number >= 1, not 0"
    assert str(audit_error.value) == (f"bases in {audit} of {here / name} must be a list of non-empty strings, "
                                      "not 'LoaderBase'")


@pytest.mark.parametrize("kind", KINDS)
def test_config_option_takes_any_settings_file(here, kind):
    path = write_settings(here, kind, fill=FILL, **{"fill.precompute": PRECOMPUTE}, audit=AUDIT)
    moved = path.rename(here / ("shared-pyproject.toml" if kind == "pyproject" else "team.toml"))
    assert load_fill_config(moved).fillers["precompute"].url_env == "MY_PHASE4_URL"
    assert load_config(str(moved), []).bases == ("LoaderBase",)


@pytest.mark.parametrize("kind, missing", [("pyproject", "[tool.nbadq.fill]"), ("nbadq.toml", "[fill]")])
def test_config_option_without_the_table_says_which_table(here, kind, missing):
    path = write_settings(here, kind, "maximum_bytes_billed = 1000\n")
    with pytest.raises(UsageError) as caught:
        load_fill_config(path)
    assert str(caught.value) == f"--config {path}: no {missing} table in it"


def test_validate_stops_on_a_bad_nbadq_toml_before_any_work(here, capsys):
    write_settings(here, "nbadq.toml", 'maximum_bytes_billed = "lots"\n')
    assert main(["validate", "--warehouse", str(here / "missing"), "--json", str(here / "out.json")]) == 2
    assert capsys.readouterr().err == ("nbadq validate: error: maximum_bytes_billed in nbadq.toml must be a whole "
                                       "number of bytes, not 'lots'\n")
    assert sorted(p.name for p in here.iterdir()) == ["nbadq.toml"]


def test_init_writes_nbadq_toml_holding_the_same_settings_as_pyproject(tmp_path, monkeypatch, capsys):
    assert main(["init", str(tmp_path / "a")]) == 0
    assert main(["init", str(tmp_path / "b"), "--settings", "nbadq.toml"]) == 0
    assert "  settings written in a new nbadq.toml\n" in capsys.readouterr().out
    assert not (tmp_path / "b" / "pyproject.toml").exists()
    read = {}
    for name in ("a", "b"):
        monkeypatch.chdir(tmp_path / name)
        read[name] = (load_settings(), load_fill_config(), load_config(None, []).rules)
    assert read["a"][0].file.table == read["b"][0].file.table
    assert read["a"][1:] == read["b"][1:]


def test_init_refuses_nbadq_toml_beside_a_pyproject_with_tool_nbadq(tmp_path, capsys):
    target = tmp_path / "platform"
    target.mkdir()
    (target / "pyproject.toml").write_text('[tool.nbadq]\nwarehouse = "bigquery://mine"\n')
    assert main(["init", str(target), "--settings", "nbadq.toml"]) == 2
    assert "already has [tool.nbadq]; nbadq init never overwrites" in capsys.readouterr().err
    assert sorted(p.name for p in target.iterdir()) == ["pyproject.toml"]


def _literal_lists(tree: ast.AST):
    """Every tuple, list or set of string literals, and the string keys of every dict of plain values (labels,
    ranks) in a module. A dict whose values are built objects (what each layer writes, each service's gate) states
    a fact per layer rather than copying the list, so it is not collected."""
    for node in ast.walk(tree):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
        if isinstance(node, ast.Dict) and not all(isinstance(v, ast.Constant) for v in node.values):
            continue
        if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)) and items:
            yield node.lineno, {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}


def test_layers_and_fill_outcomes_are_listed_once():
    homes = {ROOT / "nbadq" / "layers.py", ROOT / "nbadq" / "outcomes.py"}
    copies = []
    for path in sorted(p for d in ("nbadq", "backfill", "audits") for p in (ROOT / d).rglob("*.py")):
        if path in homes:
            continue
        for line, names in _literal_lists(ast.parse(path.read_text(encoding="utf-8"))):
            if len(names & set(LAYERS)) >= 3 or len(names & set(STATUSES)) >= 3:
                copies.append(f"{path.relative_to(ROOT)}:{line}")
    assert copies == []


def test_the_copy_check_finds_a_copy():
    """The check above must be able to fail."""
    tree = ast.parse('ORDER = ("raw", "analytics", "precompute")\nLABELS = {"filled": 1, "failed": 2, "not_sent": 3}')
    assert [names for _, names in _literal_lists(tree)] == [{"raw", "analytics", "precompute"},
                                                           {"filled", "failed", "not_sent"}]


@pytest.mark.parametrize("kind, shown", [("nbadq.toml", "nbadq.toml"), ("pyproject", "pyproject.toml [tool.nbadq]")])
def test_doctor_names_the_settings_file_a_run_reads(here, capsys, kind, shown):
    write_settings(here, kind, 'warehouse = "missing"\n')
    assert main(["doctor"]) == 2  # the warehouse is missing; the settings line is printed all the same
    assert f"settings   {here / shown}" in capsys.readouterr().out.splitlines()
