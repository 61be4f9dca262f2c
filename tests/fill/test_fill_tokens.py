"""Identity tokens: refreshed when a 401 comes back or when old, and never written anywhere."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import threading
from pathlib import Path

import pytest

from nbadq.backfill.tokens import CommandToken, GoogleToken, Redactor, TokenError
from tests.fill.conftest import EXTRA_DAYS, add_game_days, drop_phase4

SECRET = "sekrit-identity-token"
TOKEN_SCRIPT = f"""\
import sys
from pathlib import Path
counter = Path(sys.argv[1])
n = int(counter.read_text()) + 1 if counter.exists() else 1
counter.write_text(str(n))
print("{SECRET}-%d" % n)
"""


def _token_command(tmp_path: Path) -> tuple[str, Path]:
    script, counter = tmp_path / "print_token.py", tmp_path / "token-count"
    script.write_text(TOKEN_SCRIPT)
    return f"{sys.executable} {script} {counter}", counter


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def test_a_token_rejected_mid_run_is_fetched_again_and_the_new_one_used(house, serve, fill, tmp_path):
    add_game_days(house, EXTRA_DAYS[:5])
    svc = serve(house.root, faults="token-expires-after=2")  # each token works for 2 requests, then 401
    command, counter = _token_command(tmp_path)

    run = fill(house.root, svc, workers=1, token_command=command, layers=("precompute",))  # predictions: no filler

    assert run.code == 0, run.out + run.err
    assert counter.read_text() == "3"
    tok = {n: _sha(f"{SECRET}-{n}") for n in (1, 2, 3)}
    assert [(r["body"]["analysis_date"], r["token_sha256"], r["status"]) for r in svc.requests()] == [
        (EXTRA_DAYS[0], tok[1], 200), (EXTRA_DAYS[1], tok[1], 200),
        (EXTRA_DAYS[2], tok[1], 401), (EXTRA_DAYS[2], tok[2], 200),
        (EXTRA_DAYS[3], tok[2], 200),
        (EXTRA_DAYS[4], tok[2], 401), (EXTRA_DAYS[4], tok[3], 200),
    ]
    assert ("precompute", EXTRA_DAYS[2], 1, 401) in run.attempts()
    # The token is in no output, no ledger line, no JSON.
    for text in (run.out, run.err, run.ledger_path.read_text(), json.dumps(run.doc)):
        assert SECRET not in text


def test_a_fresh_token_rejected_again_fails_the_date_without_more_retries(house, serve, fill, tmp_path):
    drop_phase4(house, ["2024-11-05"])
    svc = serve(house.root, faults="token-expires-after=0")  # every token refused (wrong audience)
    command, counter = _token_command(tmp_path)
    slept: list[float] = []

    run = fill(house.root, svc, token_command=command, sleep=slept.append)

    assert [(r["token_sha256"], r["status"]) for r in svc.requests()] == [(_sha(f"{SECRET}-1"), 401),
                                                                          (_sha(f"{SECRET}-2"), 401)]
    assert counter.read_text() == "2"
    assert slept == [0.0]  # a fresh token is tried at once, not after a backoff
    assert run.code == 1
    assert run.doc["outcomes"]["precompute"]["2024-11-05"] == {"status": "failed", "attempts": 2,
                                                               "last_http_status": 401}
    assert SECRET not in run.ledger_path.read_text() + run.out


def test_loopback_without_token_command_sends_no_token(house, serve, fill):
    drop_phase4(house, ["2024-11-05"])
    svc = serve(house.root)

    fill(house.root, svc)

    assert [r["token_sha256"] for r in svc.requests()] == [None]


def test_a_token_command_that_fails_stops_the_run_before_any_request(house, serve, fill, tmp_path):
    drop_phase4(house, ["2024-11-05"])
    svc = serve(house.root)

    run = fill(house.root, svc, token_command=f"{sys.executable} -c 'import sys; sys.exit(3)'")

    assert run.code == 2
    assert "--token-command exited with 3" in run.err
    assert svc.requests() == []


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_command_token_is_run_again_after_50_minutes_and_once_per_rejected_token(tmp_path):
    command, counter = _token_command(tmp_path)
    clock = _Clock()
    source = CommandToken(command, Redactor(), clock=clock)

    assert source.token() == f"{SECRET}-1"
    clock.now += 49 * 60
    assert source.token() == f"{SECRET}-1"
    clock.now += 2 * 60
    assert source.token() == f"{SECRET}-2"
    # Two workers saw the same token rejected: one fetch, not two.
    source.refresh(f"{SECRET}-2")
    source.refresh(f"{SECRET}-2")
    assert source.token() == f"{SECRET}-3"
    assert counter.read_text() == "3"


def test_concurrent_refreshes_of_one_rejected_token_fetch_once(tmp_path):
    command, counter = _token_command(tmp_path)
    source = CommandToken(command, Redactor())
    stale = source.token()
    threads = [threading.Thread(target=source.refresh, args=(stale,)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.read_text() == "2"


def _jwt(exp: float) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part({'exp': exp, 'aud': 'http://svc'})}.signature"


def test_google_token_is_refreshed_five_minutes_before_it_expires():
    clock = _Clock()
    minted: list[str] = []

    def fetch(audience: str) -> str:
        assert audience == "https://phase4.example.test"
        minted.append(_jwt(clock.now + 1200))  # a token with 20 minutes left
        return minted[-1]

    source = GoogleToken("https://phase4.example.test", Redactor(), clock=clock, fetch=fetch)
    first = source.token()
    clock.now += 14 * 60
    assert source.token() == first
    clock.now += 2 * 60  # 4 minutes left: inside the 5-minute margin
    assert source.token() != first
    assert len(minted) == 2


def test_redactor_scrubs_every_token_it_has_seen():
    redact = Redactor()
    redact.add("abc.def.ghi")
    assert redact("401 for Bearer abc.def.ghi at /x") == "401 for Bearer [redacted] at /x"
    assert redact("token abc.def.ghi in a body") == "token [redacted] in a body"  # by value, whatever the shape


def test_an_empty_token_command_output_is_an_error(tmp_path):
    with pytest.raises(TokenError, match="must print exactly one token"):
        CommandToken(f"{sys.executable} -c 'print()'", Redactor()).token()


def test_without_google_credentials_a_remote_filler_stops_the_run_before_any_request(house, fill, monkeypatch):
    drop_phase4(house, ["2024-11-05"])
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")  # no metadata server either: refused at once
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")

    run = fill(house.root, None, environ={"NBADQ_PHASE4_URL": "https://phase4.example.test"})

    assert run.code == 2
    assert "no Google credentials for identity tokens" in run.err
    assert run.ledger == []
