"""Fixtures: realistic validate and fill documents (see report_docs.py), fresh for every test."""

from __future__ import annotations

import json

import pytest

from .report_docs import realistic_fill_doc, realistic_validate_doc


@pytest.fixture
def validate_doc() -> dict:
    return realistic_validate_doc()


@pytest.fixture
def fill_doc(validate_doc) -> dict:
    return realistic_fill_doc(validate_doc)


@pytest.fixture
def validate_json(tmp_path, validate_doc):
    path = tmp_path / "validate.json"
    path.write_text(json.dumps(validate_doc))
    return path


@pytest.fixture
def fill_json(tmp_path, fill_doc):
    path = tmp_path / "fill.json"
    path.write_text(json.dumps(fill_doc))
    return path
