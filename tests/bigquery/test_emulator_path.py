"""nbadq's BigQuery path against the emulator, compared with the same sample in SQLite: identical results."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from nbadq.errors import WarehouseError
from nbadq.schema import GAME_DATES, TABLES
from tests.bigquery import emulator as emu
from tests.bigquery.conftest import WAREHOUSE, WINDOW

pytestmark = pytest.mark.xdist_group("bigquery")

VOLATILE = ("warehouse", "generated_at")  # the only keys of a validate document allowed to differ


def _sqlite_count(bq, table) -> int:
    with sqlite3.connect(bq.local / f"{table.dataset}.sqlite") as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table.name}").fetchone()[0]


def test_sample_is_loaded_as_production_lays_it_out(bq):
    client = bq.client()
    for table in TABLES:
        assert bq.loaded[table.qualified] == _sqlite_count(bq, table) > 0, table.qualified
        remote = client.get_table(f"{emu.PROJECT}.{table.qualified}")
        assert remote.num_rows == bq.loaded[table.qualified]
        if table.partitioned:
            assert (remote.time_partitioning.field, remote.require_partition_filter) == (table.date_column, True)
        else:
            assert remote.time_partitioning is None


def test_the_emulator_rejects_a_query_without_partition_filter(bq, monkeypatch):
    """So every passing query here filtered its partitioned tables, as BigQuery demands."""
    from nbadq.warehouse.bigquery import BigQueryWarehouse

    for key, value in bq.env.items():
        monkeypatch.setenv(key, value)
    wh = BigQueryWarehouse(emu.PROJECT)
    with pytest.raises(WarehouseError, match="(?i)partition"):
        wh.query("SELECT COUNT(*) AS n FROM nba_raw.nbac_schedule")
    rows = wh.query("SELECT COUNT(*) AS n FROM nba_raw.nbac_schedule "
                    "WHERE game_date BETWEEN '0001-01-01' AND '9999-12-31'")
    assert rows == [{"n": bq.loaded["nba_raw.nbac_schedule"]}]


def test_the_emulator_rejects_the_none_byte_cap_nbadq_used_to_send(bq, monkeypatch):
    """QueryJobConfig(maximum_bytes_billed=None) is serialised as the string 'None' (issue 8); BigQuery answers 400.
    nbadq now sets the field only when a cap is configured, and sends the cap as digits when it is."""
    from google.api_core.exceptions import BadRequest
    from google.cloud import bigquery

    from nbadq.warehouse.bigquery import BigQueryWarehouse

    sql = "SELECT 1 AS one"
    with pytest.raises(BadRequest, match="maximumBytesBilled"):
        bq.client().query(sql, job_config=bigquery.QueryJobConfig(maximum_bytes_billed=None)).result()
    for key, value in bq.env.items():
        monkeypatch.setenv(key, value)
    for cap in (None, 10**9):
        assert BigQueryWarehouse(emu.PROJECT, maximum_bytes_billed=cap, labels={"job": "t"}).query(sql) == [{"one": 1}]


def test_validate_before_calendar_says_to_run_it_and_writes_nothing(bq):
    run = bq.runs["validate before calendar"]
    lines = run.stderr.strip().splitlines()
    assert (run.code, len(lines)) == (2, 1), run.stderr
    assert "nba_dq.game_dates" in lines[0] and "nbadq calendar" in lines[0], lines[0]
    assert "Traceback" not in run.stderr + run.stdout
    assert not (bq.root / "out" / "before-calendar.json").exists()


def test_calendar_creates_its_dataset_and_matches_sqlite(bq, monkeypatch):
    run = bq.runs["calendar"]
    assert (run.code, run.stderr) == (0, ""), run.stderr
    assert run.stdout.startswith(f"nba_dq.game_dates on {WAREHOUSE}: 214 game dates\n")
    # No NBADQ_BIGQUERY_LOCATION in that run: nba_dq is created where nba_raw is, so the two can be joined.
    dataset = bq.client().get_dataset(f"{emu.PROJECT}.nba_dq")
    assert dataset.location == bq.client().get_dataset(f"{emu.PROJECT}.nba_raw").location == emu.LOCATION
    from nbadq import game_dates
    from nbadq.warehouse.bigquery import BigQueryWarehouse
    from nbadq.warehouse.local import LocalWarehouse

    for key, value in bq.env.items():
        monkeypatch.setenv(key, value)
    remote = game_dates.read(BigQueryWarehouse(emu.PROJECT))
    local = game_dates.read(LocalWarehouse(bq.local))
    assert len(remote) == 214
    assert remote == local
    assert [c for c, _ in GAME_DATES.columns] == list(remote[0])


@pytest.mark.parametrize("scope", ["history", "window"])
def test_validate_matches_sqlite_rule_by_rule_and_date_by_date(bq, scope):
    remote_run, local_run = bq.runs[f"validate bigquery {scope}"], bq.runs[f"validate sqlite {scope}"]
    assert (remote_run.code, local_run.code) == (1, 1), (remote_run.stderr, local_run.stderr)
    remote, local = bq.docs[f"bigquery {scope}"], bq.docs[f"sqlite {scope}"]
    assert remote["warehouse"] == WAREHOUSE
    assert sorted(remote) == sorted(local)
    assert {k: v for k, v in remote.items() if k not in VOLATILE and k != "layers"} == \
        {k: v for k, v in local.items() if k not in VOLATILE and k != "layers"}
    assert list(remote["layers"]) == list(local["layers"]) == \
        ["raw", "analytics", "precompute", "predictions", "grading", "reference"]
    failing_rules: set[str] = set()
    for layer, body in local["layers"].items():
        other = remote["layers"][layer]
        assert (other["success"], other["failing_dates"]) == (body["success"], body["failing_dates"]), layer
        assert [e["rule"] for e in other["expectations"]] == [e["rule"] for e in body["expectations"]]
        for mine, theirs in zip(other["expectations"], body["expectations"]):
            assert mine == theirs, mine["rule"]
            if not theirs["success"]:
                failing_rules.add(theirs["rule"])
    if scope == "history":
        assert len(failing_rules) == 32  # the sample breaks every rule (raw.freshness: not applicable)
        assert remote["calendar"]["seasons"] == {"2024": {"opener": "2024-10-22", "opener_source": "schedule"}}
    else:
        dates = [d["date"] for d in remote["calendar"]["game_dates"]]
        assert WINDOW[0] <= dates[0] and dates[-1] <= WINDOW[1]
        assert len(failing_rules) >= 3, failing_rules


@pytest.mark.parametrize("scope", ["history", "window"])
def test_validate_prints_the_same_summary(bq, scope):
    remote, local = bq.runs[f"validate bigquery {scope}"].stdout, bq.runs[f"validate sqlite {scope}"].stdout
    assert remote.replace(WAREHOUSE, "WH") == local.replace(f"local:{bq.local}", "WH")


def test_fill_proof_per_date_matches_sqlite(bq, monkeypatch):
    """`nbadq fill` proves each date with the dated rules re-run for that date alone (direct SQL)."""
    from nbadq.backfill.verify import Verifier

    local_doc = bq.docs["sqlite history"]
    rules_by_date: dict[dt.date, list[str]] = {}
    failing_anywhere: set[str] = set()
    for body in local_doc["layers"].values():
        failing_anywhere.update(body["failing_dates"])
        for exp in body["expectations"]:
            # The first failing date of each dated error expectation, as fill would send it (fill plans and
            # proves error expectations only: a warning's stricter bar is reported, never refilled).
            if exp["failing_dates"] and exp.get("severity", "error") == "error":
                rules_by_date.setdefault(dt.date.fromisoformat(exp["failing_dates"][0]), []).append(exp["rule"])
    dated_rules = sorted({r for rs in rules_by_date.values() for r in rs})
    passing = [dt.date.fromisoformat(d["date"]) for d in local_doc["calendar"]["game_dates"]
               if d["processable"] and d["date"] not in failing_anywhere][::30][:2]
    assert len(passing) == 2
    for day in passing:
        rules_by_date[day] = dated_rules
    for key, value in bq.env.items():
        monkeypatch.setenv(key, value)
    remote, local = Verifier(WAREHOUSE), Verifier(str(bq.local))
    remote.require_calendar()
    for day, rules in sorted(rules_by_date.items()):  # one proof per date, as fill runs them
        found = remote.still_failing({day: rules})
        assert found == local.still_failing({day: rules}), day
        assert found == {day: () if day in passing else tuple(rules)}, day


def test_report_from_the_bigquery_run_matches_sqlite(bq):
    remote, local = bq.runs["report bigquery"], bq.runs["report sqlite"]
    assert (remote.code, local.code) == (0, 0), (remote.stderr, local.stderr)
    html = {engine: (bq.root / "out" / f"{engine}.html").read_text(encoding="utf-8")
            for engine in ("bigquery", "sqlite")}
    docs = {"bigquery": bq.docs["bigquery history"], "sqlite": bq.docs["sqlite history"]}

    def neutral(engine: str) -> str:
        text = html[engine]
        for key in ("warehouse", "generated_at"):
            text = text.replace(str(docs[engine][key]), key.upper())
        return text

    assert neutral("bigquery") == neutral("sqlite")
    assert WAREHOUSE in html["bigquery"]


def test_the_byte_cap_and_labels_reached_every_job_of_the_capped_run(bq):
    """The windowed BigQuery run had NBADQ_MAXIMUM_BYTES_BILLED and [tool.nbadq.labels] set: each query it sent,
    through the direct client or the engine Great Expectations opened, carried both."""
    from tests.bigquery.conftest import CAP, LABELS

    jobs = [j for j in bq.client().list_jobs(all_users=True) if j.job_type == "query"]
    labelled = [j for j in jobs if j.labels == LABELS]
    assert len(labelled) >= 20  # the checkpoint's batches and rules, the complete date lists, the calendar read
    assert {str(j.maximum_bytes_billed) for j in labelled} == {CAP}
    gx = [j for j in labelled if "@`param_" in j.query]  # statements the SQLAlchemy engine of GX compiled
    assert gx and len(gx) < len(labelled)
    assert all(j.maximum_bytes_billed is None for j in jobs if not j.labels)
