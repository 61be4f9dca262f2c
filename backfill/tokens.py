"""Identity tokens for the fillers, kept fresh for runs that last hours, and kept out of every log.

Cloud Run identity tokens expire after one hour (contract, section 4); a backfill takes 3-4. A token is therefore
fetched again when it gets old and whenever the service answers 401/403. Sources:
- `--token-command CMD` (e.g. `gcloud auth print-identity-token`): its stdout is the token; run again when the
  token is older than 50 minutes or a call came back 401/403. Used for every filler when given.
- google-auth (`google.oauth2.id_token.fetch_id_token`) for the service URL as audience: service-account or
  metadata credentials; refreshed 5 minutes before the `exp` in the token.
- none: a loopback URL (serve-local) without --token-command is called without a token.
A filler with `api_key_env` (the prediction coordinator accepts one) sends the key from that variable in an
`X-API-Key` header instead of a Google identity token, or alongside the --token-command token when one is given. A
key cannot be fetched again: a 401/403 to a key-only request ends the call at once.
Every token handed out, and every API key, is registered with the Redactor, which scrubs it from ledger lines,
messages and errors, together with anything credential-shaped (nbadq.redact), before any text is cut to length.
"""

from __future__ import annotations

import base64
import json
import shlex
import subprocess
import threading
import time
from typing import Callable, Protocol

from nbadq.backfill.config import is_loopback
from nbadq.errors import UsageError
from nbadq.redact import REDACTED, redact

COMMAND_MAX_AGE_SECONDS = 50 * 60
EXPIRY_MARGIN_SECONDS = 5 * 60
DEFAULT_LIFETIME_SECONDS = 60 * 60


class TokenError(Exception):
    """A token could not be obtained; the message never contains a token."""


class Redactor:
    """The one scrubber for text about to be shown or stored: every token seen so far (by value), then anything
    credential-shaped (by shape: a token echoed by a service may be one this run never handed out)."""

    def __init__(self) -> None:
        self._tokens: set[str] = set()
        self._lock = threading.Lock()

    def add(self, token: str) -> str:
        with self._lock:
            self._tokens.add(token)
        return token

    def __call__(self, text: str, limit: int | None = None) -> str:
        """`text` scrubbed, then cut to `limit` characters: cutting first could leave a prefix no rule recognises."""
        with self._lock:
            tokens = sorted(self._tokens, key=len, reverse=True)
        for token in tokens:
            text = text.replace(token, REDACTED)
        text = redact(text)
        return text if limit is None else text[:limit]


class TokenSource(Protocol):
    def token(self) -> str | None: ...

    def refresh(self, stale: str | None) -> None: ...


class NoToken:
    """Loopback services (serve-local) take no token."""

    def token(self) -> None:
        return None

    def refresh(self, stale: str | None) -> None:
        return None


class WithApiKey:
    """An X-API-Key on every request, beside the identity token of `inner` (NoToken: the key alone)."""

    def __init__(self, key: str, redactor: Redactor, inner: TokenSource | None = None) -> None:
        self.key = redactor.add(key)
        self._inner = inner or NoToken()

    def token(self) -> str | None:
        return self._inner.token()

    def refresh(self, stale: str | None) -> None:
        if isinstance(self._inner, NoToken):
            raise TokenError("the service rejected the X-API-Key (api_key_env); check the key")
        self._inner.refresh(stale)


def auth_headers(source: TokenSource, token: str | None) -> dict[str, str]:
    """The headers that authenticate a request: the identity token as a Bearer, the API key as X-API-Key."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if isinstance(source, WithApiKey):
        headers["X-API-Key"] = source.key
    return headers


class _CachedToken:
    """A token shared by all worker threads; fetched again when stale, at most once per stale token."""

    def __init__(self, redactor: Redactor, clock: Callable[[], float]) -> None:
        self._redactor = redactor
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._fresh_until = 0.0

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._fresh_until:
                self._store()
            return self._token  # type: ignore[return-value]

    def refresh(self, stale: str | None) -> None:
        """After a 401/403: fetch again, unless another thread already replaced the token that was rejected."""
        with self._lock:
            if self._token is None or self._token == stale:
                self._store()

    def _store(self) -> None:
        token, fresh_until = self._fetch()
        self._token = self._redactor.add(token)
        self._fresh_until = fresh_until

    def _fetch(self) -> tuple[str, float]:
        raise NotImplementedError


class CommandToken(_CachedToken):
    """The stdout of --token-command, run again when older than 50 minutes or rejected."""

    def __init__(self, command: str, redactor: Redactor, clock: Callable[[], float] = time.monotonic,
                 max_age: float = COMMAND_MAX_AGE_SECONDS) -> None:
        super().__init__(redactor, clock)
        self._argv = command_argv(command)
        self._max_age = max_age

    def _fetch(self) -> tuple[str, float]:
        try:
            done = subprocess.run(self._argv, capture_output=True, text=True, timeout=120, check=False)
        except FileNotFoundError:
            raise TokenError(f"--token-command: {self._argv[0]!r} not found") from None
        except subprocess.TimeoutExpired:
            raise TokenError("--token-command did not finish within 120 s") from None
        token = done.stdout.strip()
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or [""])[-1]
            raise TokenError(f"--token-command exited with {done.returncode}: {self._redactor(last, 200)}")
        if not token or any(c.isspace() for c in token):
            raise TokenError("--token-command must print exactly one token on stdout")
        return token, self._clock() + self._max_age


class GoogleToken(_CachedToken):
    """An identity token for `audience` from google-auth's default credentials, refreshed before it expires."""

    def __init__(self, audience: str, redactor: Redactor, clock: Callable[[], float] = time.time,
                 fetch: Callable[[str], str] | None = None) -> None:
        super().__init__(redactor, clock)
        self._audience = audience
        self._fetch_for = fetch or _google_fetch

    def _fetch(self) -> tuple[str, float]:
        token = self._fetch_for(self._audience)
        now = self._clock()
        expires = _jwt_expiry(token) or now + DEFAULT_LIFETIME_SECONDS
        # Refresh early, and never trust a token for more than the command-token age either.
        return token, min(expires - EXPIRY_MARGIN_SECONDS, now + COMMAND_MAX_AGE_SECONDS)


def command_argv(command: str) -> list[str]:
    """--token-command split like a shell would (it runs without one); empty or unbalanced is a usage error."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:  # "No closing quotation"
        raise UsageError(f"--token-command {command!r}: {str(exc).lower()}; quote the command as a shell "
                         "would") from None
    if not argv:
        raise UsageError("--token-command is empty: give a command that prints a token, e.g. "
                         "'gcloud auth print-identity-token'") from None
    return argv


def _google_fetch(audience: str) -> str:
    import google.auth.exceptions
    import google.auth.transport.requests
    import google.oauth2.id_token

    try:
        return google.oauth2.id_token.fetch_id_token(google.auth.transport.requests.Request(), audience)
    except google.auth.exceptions.DefaultCredentialsError:
        raise TokenError("no Google credentials for identity tokens: set GOOGLE_APPLICATION_CREDENTIALS to a "
                         "service-account key, or pass --token-command 'gcloud auth print-identity-token'") from None
    except google.auth.exceptions.GoogleAuthError as exc:
        raise TokenError(f"google-auth could not mint an identity token: {type(exc).__name__}") from None


def _jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT, read without verifying it (only to know when to refresh)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def token_source(url: str, command: str | None, redactor: Redactor,
                 shared: dict[str, TokenSource], api_key: str | None = None) -> TokenSource:
    """The source for a filler at `url`; one command source is shared by every filler (same identity). With an
    `api_key`, the key, plus the command's token when there is a command (no Google token is minted)."""
    if api_key is not None:
        return WithApiKey(api_key, redactor, token_source(url, command, redactor, shared) if command else None)
    if command is not None:  # an empty command is refused by command_argv, never taken as "no token"
        if "command" not in shared:
            shared["command"] = CommandToken(command, redactor)
        return shared["command"]
    if is_loopback(url):
        return NoToken()
    if url not in shared:
        shared[url] = GoogleToken(url, redactor)
    return shared[url]
