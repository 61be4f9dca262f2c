"""Reading the validate and fill JSON documents, and checking them against their published JSON Schemas.

The documents are written by `nbadq validate --json` and `nbadq fill --json`; their contracts are
`schemas/validate.schema.json` and `schemas/fill.schema.json` (shipped as package data in nbadq/schemas/; the
repository's top-level `schemas/` links there). A report drawn from a document with a missing key or a bad date
would show a wrong picture, so the first problem becomes a one-line UsageError that names its JSON path, before
anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from nbadq.errors import UsageError
from nbadq.outcomes import STATUSES

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
FILL_STATUSES = STATUSES  # fill.schema.json's outcome enum (a test holds it)
JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number",
              type(None): "null"}


def load_json(path: Path, what: str) -> dict:
    """Read one JSON object from `path`; `what` names the flag it came from, for the error message."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{what} {path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot read it ({exc.strerror})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what} {path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise UsageError(f"{what} {path}: JSON nested too deeply to read; give the file nbadq wrote") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{what} {path}: expected a JSON object, found {type(doc).__name__}")
    return doc


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    """The checker for `schemas/<name>.schema.json`; `format: date` is enforced, not just annotated."""
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def check_validate_doc(doc: Any) -> None:
    """Raise UsageError unless `doc` matches schemas/validate.schema.json (what `nbadq validate --json` writes)."""
    check(doc, "validate")


def check_fill_doc(doc: Any) -> None:
    """Raise UsageError unless `doc` matches schemas/fill.schema.json (what `nbadq fill --json` writes)."""
    check(doc, "fill")


def check(doc: Any, name: str) -> None:
    errors = list(validator(name).iter_errors(doc))
    if errors:
        first = min(errors, key=lambda e: _document_order(doc, e.absolute_path))
        raise UsageError(f"{_where(first.absolute_path)}: {_problem(first)}; see schemas/{name}.schema.json")


def _document_order(doc: Any, path: Sequence[str | int]) -> list[int]:
    """Where `path` sits in the document as written, so 'first' means the first problem a reader would meet."""
    order, node = [], doc
    for part in path:
        order.append(list(node).index(part) if isinstance(node, dict) else part)
        node = node[part]
    return order


def _where(path: Iterable[str | int]) -> str:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return text or "the document"


def _problem(error: ValidationError) -> str:
    """jsonschema's wording for the common cases is about the schema; say it about the document instead."""
    value = error.instance
    if "propertyNames" in error.schema_path:  # the instance is the offending key itself
        return "key " + _problem_with_value(error)
    return _problem_with_value(error)


def _problem_with_value(error: ValidationError) -> str:
    value = error.instance
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else \
            " or ".join(error.validator_value)
        return f"expected {expected}, found {JSON_TYPES.get(type(value), type(value).__name__)}"
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in value]
        return f"missing key {missing[0]!r}"
    if error.validator == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return f"unknown key {extra[0]!r}"
    if error.validator in ("format", "pattern") and error.schema.get("format") == "date":
        return f"{value!r} is not a date (expected YYYY-MM-DD)"
    if error.validator == "enum":
        return f"{value!r} is not one of {', '.join(map(json.dumps, error.validator_value))}"
    return error.message
