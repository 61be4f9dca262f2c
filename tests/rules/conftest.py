"""The rule fixtures (tests/rules/<layer>__<name>.py) hold plain asserts in their CHECKS: rewrite them as pytest does
for test modules, so a failing check shows its values."""

from pathlib import Path

import pytest

pytest.register_assert_rewrite(*(f"tests.rules.{p.stem}" for p in Path(__file__).parent.glob("[a-z]*__*.py")))
