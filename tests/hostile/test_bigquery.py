"""The BigQuery path when the environment is hostile: no credentials, a key that cannot be used, an API that is not
there or refuses. Each is exit 2 with one line saying what to fix, no traceback, no credential, nothing written.

Nothing here leaves 127.0.0.1: the API is a closed port or a recorder on loopback (tests/bigquery/recorder.py), and
tests/conftest.py points google-auth's metadata server at a closed loopback port.
"""

from __future__ import annotations

import json
import socket
import time

import pytest

from tests.bigquery.recorder import Recorder
from tests.hostile.harness import assert_one_line_error, run_nbadq, tree_hash

WAREHOUSE = "bigquery://nbadq-emulator"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_adc(tmp_path) -> dict[str, str]:
    """An environment with no Application Default Credentials anywhere (a HOME and gcloud config of its own)."""
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "CLOUDSDK_CONFIG": str(home / "gcloud"), "GOOGLE_APPLICATION_CREDENTIALS": "",
            "BIGQUERY_EMULATOR_HOST": "", "NBADQ_BIGQUERY_RETRY_SECONDS": "2"}


@pytest.mark.parametrize("command", [["validate", "--json", "v.json"], ["calendar"],
                                     ["validate", "--since", "2025-01-01", "--report", "r.html"]])
def test_no_credentials_is_exit_2_naming_them(tmp_path, no_adc, command):
    work = tmp_path / "work"
    work.mkdir()
    before = tree_hash(work)
    result = run_nbadq([command[0], "--warehouse", WAREHOUSE, *command[1:]], cwd=work, env=no_adc)
    assert_one_line_error(result, WAREHOUSE, "credentials")
    assert tree_hash(work) == before


def test_a_service_account_key_that_cannot_get_a_token_is_exit_2_without_the_key(tmp_path, no_adc):
    """A well-formed key whose token endpoint does not answer (a closed loopback port): exit 2 within the retry
    budget, and neither the private key nor its id appears anywhere."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    key_id = "0123456789abcdef0123456789abcdef01234567"
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "project_id": "nbadq-emulator", "private_key_id": key_id, "private_key": pem,
        "client_email": "nbadq@nbadq-emulator.iam.gserviceaccount.com", "client_id": "1",
        "token_uri": f"http://127.0.0.1:{_closed_port()}/token"}))
    work = tmp_path / "work"
    work.mkdir()
    before = tree_hash(work)
    started = time.monotonic()
    result = run_nbadq(["validate", "--warehouse", WAREHOUSE, "--json", work / "v.json"], cwd=work,
                       env={**no_adc, "GOOGLE_APPLICATION_CREDENTIALS": str(key_file)})
    assert time.monotonic() - started < 60
    assert_one_line_error(result, WAREHOUSE)
    body = pem.split("-----")[2].strip().splitlines()
    for secret in (key_id, *body):
        assert secret not in result.stdout + result.stderr
    assert tree_hash(work) == before


def test_an_api_that_is_not_there_is_exit_2_within_the_retry_budget(tmp_path, no_adc):
    work = tmp_path / "work"
    work.mkdir()
    started = time.monotonic()
    result = run_nbadq(["validate", "--warehouse", WAREHOUSE, "--json", work / "v.json"], cwd=work,
                       env={**no_adc, "BIGQUERY_EMULATOR_HOST": f"http://127.0.0.1:{_closed_port()}"})
    assert time.monotonic() - started < 60  # google-cloud-bigquery alone would retry for 10 minutes
    assert_one_line_error(result, WAREHOUSE, "Connection refused")
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("status, message", [
    (403, "Access Denied: Table nbadq-emulator:nba_raw.nbac_schedule: User does not have permission"),
    (400, "Invalid project ID"),
])
def test_an_api_that_refuses_is_exit_2_with_its_message(tmp_path, no_adc, status, message):
    recorder = Recorder(status, message)
    try:
        work = tmp_path / "work"
        work.mkdir()
        for command in (["validate", "--json", work / "v.json"], ["calendar"]):
            result = run_nbadq([command[0], "--warehouse", WAREHOUSE, *command[1:]], cwd=work,
                               env={**no_adc, "BIGQUERY_EMULATOR_HOST": recorder.url})
            assert_one_line_error(result, WAREHOUSE, message)
        assert list(work.iterdir()) == []
        # Only reads were attempted: nothing was created, loaded or deleted.
        assert {method for method, *_ in recorder.requests} == {"GET"}
    finally:
        recorder.close()


@pytest.mark.parametrize("variable, value, needle", [
    ("NBADQ_BIGQUERY_RETRY_SECONDS", "soon", "NBADQ_BIGQUERY_RETRY_SECONDS"),
    ("NBADQ_BIGQUERY_RETRY_SECONDS", "-5", "NBADQ_BIGQUERY_RETRY_SECONDS"),
    ("NBADQ_MAXIMUM_BYTES_BILLED", "10GB", "NBADQ_MAXIMUM_BYTES_BILLED"),
])
def test_a_malformed_setting_is_exit_2_before_any_request(tmp_path, no_adc, variable, value, needle):
    recorder = Recorder()
    try:
        result = run_nbadq(["validate", "--warehouse", WAREHOUSE], cwd=tmp_path,
                           env={**no_adc, "BIGQUERY_EMULATOR_HOST": recorder.url, variable: value})
        assert_one_line_error(result, needle)
        assert recorder.requests == []
    finally:
        recorder.close()
