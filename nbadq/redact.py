"""Scrubbing credentials from text before it is shown or stored, by shape (no token needs to be known).

Known tokens are scrubbed by value where they are handed out (backfill.tokens.Redactor); this is the net under
that for text nbadq did not produce itself: an exception message, a response body, a command's stderr. It
replaces bearer credentials, JSON Web Tokens, Google OAuth access tokens and `key=`/`X-API-Key:` values.
Redact first, then truncate: cutting first can leave a prefix of a secret that no pattern recognises.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"

_PATTERNS = (
    # Authorization: Bearer <anything up to whitespace or a quote>
    re.compile(r"(?i)(bearer\s+)[^\s\"',;()\[\]{}<>]+"),
    # JWTs (Google identity tokens): three base64url segments, the first starting with eyJ ('{"')
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
    # Google OAuth access tokens
    re.compile(r"ya29\.[A-Za-z0-9_.-]+"),
    # api keys in headers: X-API-Key: v
    re.compile(r"(?i)(x-api-key[\"']?\s*[:=]\s*[\"']?)[^\s\"',;&}]+"),
    # secrets in JSON or quoted config: "token": "v", 'password': 'v'
    re.compile(r"(?i)([\"'](?:access_token|id_token|token|api_?key|password|secret)[\"']\s*:\s*[\"'])[^\"']+"),
    # secrets in query strings and key=value text: token=v, api_key=v
    re.compile(r"(?i)(\b(?:access_token|id_token|token|api_?key|password|secret)=)[^\s\"',;&]+"),
)


def redact(text: str) -> str:
    """`text` with every credential-shaped substring replaced by [redacted]."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
    return text
