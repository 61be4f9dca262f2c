"""The BigQuery target without BigQuery: URLs, cost caps and labels reach the connection GX opens."""

from __future__ import annotations

import pytest
from sqlalchemy_bigquery.parse_url import parse_url
from sqlalchemy.engine import make_url

from nbadq.config import Settings
from nbadq.errors import UsageError
from nbadq.warehouse import open_warehouse


def test_bytes_cap_and_labels_reach_the_job_config():
    wh = open_warehouse(Settings(warehouse="bigquery://example-project", maximum_bytes_billed=10**10,
                                 labels={"team": "data", "job": "nightly"}))
    assert (wh.kind, wh.label) == ("bigquery", "bigquery://example-project")
    project, _location, _dataset, _arraysize, _creds, _b64, job_config, *_ = parse_url(make_url(wh.gx_url()))
    assert project == "example-project"
    assert job_config.maximum_bytes_billed == 10**10
    assert job_config.labels == {"job": "nightly", "team": "data"}


def test_no_cap_means_a_plain_url():
    assert open_warehouse(Settings(warehouse="bigquery://p")).gx_url() == "bigquery://p"


@pytest.mark.parametrize("url", ["bigquery://", "bigquery://p/dataset", "bigquery://p?x=1"])
def test_malformed_bigquery_url_is_a_usage_error(url):
    with pytest.raises(UsageError, match="use bigquery://PROJECT"):
        open_warehouse(Settings(warehouse=url))


def test_bytes_cap_must_be_a_number(monkeypatch, tmp_path):
    from nbadq.config import load_settings

    monkeypatch.setenv("NBADQ_MAXIMUM_BYTES_BILLED", "ten gigabytes")
    with pytest.raises(UsageError, match="NBADQ_MAXIMUM_BYTES_BILLED must be a whole number"):
        load_settings(None, tmp_path / "pyproject.toml")
