"""What nbadq sends to BigQuery, byte for byte: a recorder on 127.0.0.1 stands in for the API (no emulator needed).

Issue 8: `QueryJobConfig(maximum_bytes_billed=None)` went out as `"maximumBytesBilled": "None"`, which BigQuery
rejects (400, must match ^-?[0-9]+$), so every direct query failed unless a cap was set.
"""

from __future__ import annotations

import pytest

from nbadq.errors import WarehouseError
from nbadq.warehouse.bigquery import BigQueryWarehouse
from tests.bigquery.recorder import Recorder

PROJECT = "nbadq-emulator"


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    monkeypatch.setenv("BIGQUERY_EMULATOR_HOST", rec.url)
    monkeypatch.delenv("NBADQ_BIGQUERY_LOCATION", raising=False)
    yield rec
    rec.close()


def _query_config(job: dict) -> dict:
    return job["configuration"]["query"]


def test_no_cap_sends_no_maximum_bytes_billed(recorder):
    with pytest.raises(WarehouseError, match="recorded"):
        BigQueryWarehouse(PROJECT).query("SELECT 1")
    (job,) = recorder.jobs()
    assert _query_config(job)["query"] == "SELECT 1"
    assert "maximumBytesBilled" not in _query_config(job)
    assert "labels" not in job["configuration"]
    assert _query_config(job)["useLegacySql"] is False


def test_a_cap_is_sent_as_digits_with_the_labels(recorder):
    with pytest.raises(WarehouseError, match="recorded"):
        BigQueryWarehouse(PROJECT, maximum_bytes_billed=10**10, labels={"team": "data"}).query("SELECT 1")
    (job,) = recorder.jobs()
    assert _query_config(job)["maximumBytesBilled"] == "10000000000"
    assert job["configuration"]["labels"] == {"team": "data"}


def test_a_zero_cap_is_a_cap(recorder):
    """0 is a legal cap (every billed byte over it fails); it must not be dropped as falsy."""
    wh = BigQueryWarehouse(PROJECT, maximum_bytes_billed=0)
    with pytest.raises(WarehouseError):
        wh.query("SELECT 1")
    assert _query_config(recorder.jobs()[0])["maximumBytesBilled"] == "0"
    assert "maximum_bytes_billed=0" in wh.gx_url()


def test_the_location_goes_with_each_job(recorder, monkeypatch):
    monkeypatch.setenv("NBADQ_BIGQUERY_LOCATION", "EU")
    with pytest.raises(WarehouseError):
        BigQueryWarehouse(PROJECT).query("SELECT 1")
    assert recorder.jobs()[0]["jobReference"]["location"] == "EU"


@pytest.mark.parametrize("cap, expected", [(None, None), (5 * 10**9, "5000000000")])
def test_the_engine_great_expectations_opens_sends_the_same(recorder, cap, expected):
    """The SQLAlchemy engine GX builds from gx_url() gets its client from gx_session() on an emulator host."""
    import sqlalchemy as sa

    wh = BigQueryWarehouse(PROJECT, maximum_bytes_billed=cap, labels={"job": "nightly"})
    assert "user_supplied_client=true" in wh.gx_url()
    with wh.gx_session():
        engine = sa.create_engine(wh.gx_url())
        with pytest.raises(Exception, match="recorded"):
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    (job,) = recorder.jobs()
    assert _query_config(job).get("maximumBytesBilled") == expected
    assert job["configuration"]["labels"] == {"job": "nightly"}
    assert all("authorization" not in {k.lower() for k in headers} for _, _, headers, _ in recorder.requests)


def test_anonymous_only_with_an_emulator_host(monkeypatch, tmp_path):
    """Without BIGQUERY_EMULATOR_HOST the client wants Application Default Credentials; none here is exit 2."""
    monkeypatch.delenv("BIGQUERY_EMULATOR_HOST", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no gcloud ADC file of the developer's
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    wh = BigQueryWarehouse(PROJECT)
    assert "user_supplied_client" not in wh.gx_url()
    with pytest.raises(WarehouseError, match="no BigQuery client: .*credentials"):
        wh.query("SELECT 1")
