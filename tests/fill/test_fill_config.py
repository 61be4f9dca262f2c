"""Bad configuration and bad options: one line saying what to fix, exit 2, nothing sent or written."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbadq.backfill.config import load_fill_config
from nbadq.cli.main import main
from tests.fill.conftest import drop_phase4
from tests.fill.direct_validate import write_validate_doc

ROOT = Path(__file__).resolve().parents[2]
GOOD = '[precompute]\nkind = "phase4"\nurl_env = "NBADQ_PHASE4_URL"\n'


@pytest.fixture
def broken_doc(house, tmp_path, monkeypatch) -> Path:
    """A warehouse failing precompute on one date, and its validate document (so no checkpoint has to run)."""
    drop_phase4(house, ["2024-11-05"])
    monkeypatch.chdir(tmp_path)
    return write_validate_doc(house.root, tmp_path / "validate.json") and tmp_path / "validate.json"


def _fill(house, tmp_path, config_text: str, *extra: str) -> int:
    config = tmp_path / "fill.toml"
    config.write_text(config_text)
    return main(["fill", "--warehouse", str(house.root), "--config", str(config), "--from-validate",
                 str(tmp_path / "validate.json"), "--json", str(tmp_path / "out.json"), *extra])


@pytest.mark.parametrize("config_text, message", [
    ("[precompute\nkind = 1", "fill.toml: not valid TOML"),
    ('[predicitons]\nkind = "phase4"\n', "unknown layer 'predicitons'; layers that can be filled: analytics, "
                                         "precompute, predictions, grading"),
    ('[precompute]\nkind = "phase5"\n',
     "kind in [precompute] of fill.toml must be one of phase4, phase3, coordinator, grading, http, not 'phase5'"),
    ('[precompute]\nkind = "phase4"\ntimeot_seconds = 3\n', "unknown key 'timeot_seconds'"),
    ('[precompute]\nkind = "phase4"\nconcurrency = 0\n',
     "concurrency in [precompute] of fill.toml must be a whole number >= 1, not 0"),
    ('[grading]\nkind = "http"\nurl_env = "G_URL"\nbody = \'{"d": "x"}\'\n',
     "body in [grading] of fill.toml must be a template with {date}"),
    ('[grading]\nkind = "http"\nurl_env = "G_URL"\nbody = \'{"d": \'\n',
     "body in [grading] of fill.toml must be a table or JSON text (Expecting value"),
    ('[precompute]\nkind = "phase4"\nurl_env = "not a name"\n',
     "url_env in [precompute] of fill.toml must be the name of an environment variable"),
    ("retry_base_seconds = -1\n", "retry_base_seconds in fill.toml must be a number >= 0, not -1"),
])
def test_malformed_config_exits_2_with_one_line(house, tmp_path, broken_doc, capsys, config_text, message):
    assert _fill(house, tmp_path, config_text) == 2
    err = capsys.readouterr().err
    assert message.replace("fill.toml", str(tmp_path / "fill.toml")) in err  # the message names the file in full
    assert err.count("\n") == 1
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "uncommitted").exists()


def test_missing_url_variable_exits_2_before_any_request(house, tmp_path, broken_doc, capsys, monkeypatch):
    monkeypatch.delenv("NBADQ_PHASE4_URL", raising=False)
    assert _fill(house, tmp_path, GOOD) == 2
    assert "NBADQ_PHASE4_URL is not set: export the precompute service URL" in capsys.readouterr().err
    assert not (tmp_path / "uncommitted").exists()


def test_a_url_variable_that_is_not_a_url_exits_2(house, tmp_path, broken_doc, capsys, monkeypatch):
    monkeypatch.setenv("NBADQ_PHASE4_URL", "phase4.internal:8080")
    assert _fill(house, tmp_path, GOOD) == 2
    assert "NBADQ_PHASE4_URL='phase4.internal:8080' is not an http(s) URL" in capsys.readouterr().err


def test_url_variable_is_not_needed_when_its_layer_has_nothing_to_send(house, tmp_path, broken_doc, capsys,
                                                                       monkeypatch):
    monkeypatch.delenv("NBADQ_PHASE3_URL", raising=False)
    monkeypatch.setenv("NBADQ_PHASE4_URL", "http://127.0.0.1:9")
    config = GOOD + '[analytics]\nkind = "phase3"\n'
    assert _fill(house, tmp_path, config, "--dry-run") == 0
    assert "analytics    0 failing dates" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--layer", "raw"], "--layer 'raw': layers that can be filled are analytics, precompute, predictions, grading"),
    (["--workers", "0"], "--workers must be at least 1, not 0"),
    (["--since", "2025-01-02", "--until", "2025-01-01"], "--since 2025-01-02 is after --until 2025-01-01"),
    (["--since", "yesterday"], "--since 'yesterday' is not a date"),
    (["--config", "nope.toml"], "--config nope.toml: no such file"),
])
def test_bad_options_exit_2(house, tmp_path, broken_doc, capsys, args, message):
    assert _fill(house, tmp_path, GOOD, *args) == 2
    assert message in capsys.readouterr().err


def test_a_corrupt_ledger_cannot_be_resumed(house, tmp_path, broken_doc, capsys):
    ledger = tmp_path / "bad.jsonl"
    ledger.write_text('{"event": "run"}\nnot json\n{"event": "end"}\n')
    assert _fill(house, tmp_path, GOOD, "--resume", str(ledger)) == 2
    assert f"--resume {ledger}: line 2 is not JSON" in capsys.readouterr().err


def test_the_repository_default_config_fills_all_four_layers(monkeypatch):
    monkeypatch.chdir(ROOT)
    config = load_fill_config()
    assert {layer: (f.kind, f.url_env, f.concurrency) for layer, f in config.fillers.items()} == {
        "analytics": ("phase3", "NBADQ_PHASE3_URL", 5), "precompute": ("phase4", "NBADQ_PHASE4_URL", 5),
        "predictions": ("coordinator", "NBADQ_PREDICTIONS_URL", 1), "grading": ("grading", "NBADQ_GRADING_URL", 2)}
    assert config.fillers["precompute"].timeout_seconds == 900.0
    predictions = config.fillers["predictions"]
    assert (predictions.poll_interval_seconds, predictions.poll_max_seconds, predictions.date_timeout_seconds,
            predictions.api_key_env) == (15.0, 120.0, 3600.0, None)
