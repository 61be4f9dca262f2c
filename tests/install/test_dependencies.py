"""Every third-party module nbadq imports is a declared dependency with a reason, not a passenger of another one
(tqdm and pydantic arrived only through Great Expectations until they were declared)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("nbadq", "backfill", "audits")  # what the wheel installs
FIRST_PARTY = {*SHIPPED, "tests"}


def imported_modules() -> dict[str, str]:
    """Third-party dotted module -> the first file importing it, over every shipped module."""
    found: dict[str, str] = {}
    for top in SHIPPED:
        for path in sorted((ROOT / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
                for name in names:
                    top_name = name.split(".")[0]
                    if top_name not in FIRST_PARTY and top_name not in sys.stdlib_module_names:
                        found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return {canonical(re.match(r"[A-Za-z0-9._-]+", d).group(0)) for d in deps}


@lru_cache(maxsize=None)
def _files(dist: str) -> tuple[str, ...]:
    return tuple(str(f) for f in metadata.distribution(dist).files or ())


def owners(module: str) -> set[str]:
    """The installed distributions providing `module`: for a shared namespace (google.*), those holding its path."""
    parts = module.split(".")
    candidates = set(metadata.packages_distributions().get(parts[0], ()))
    best = candidates
    for depth in range(2, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        hit = {d for d in candidates if any(f.startswith(prefix + "/") or f == prefix + ".py" for f in _files(d))}
        if not hit:
            break
        best = hit
    return {canonical(d) for d in best}


def undeclared(modules: dict[str, str], deps: set[str]) -> list[str]:
    return [f"{module} ({where}): from {sorted(owners(module)) or 'no installed distribution'}"
            for module, where in sorted(modules.items()) if not owners(module) & deps]


def test_every_imported_third_party_module_is_declared():
    assert undeclared(imported_modules(), declared()) == []


def test_the_check_finds_the_imports_and_would_catch_a_missing_declaration():
    modules = imported_modules()
    assert {"tqdm", "pydantic", "great_expectations", "google.auth.transport.requests", "sqlalchemy"} <= set(modules)
    assert owners("google.cloud.bigquery") == {"google-cloud-bigquery"}
    assert owners("google.auth.transport.requests") == {"google-auth"}
    assert undeclared({"tqdm": "backfill/progress.py"}, declared() - {"tqdm"}) == [
        "tqdm (backfill/progress.py): from ['tqdm']"]


def test_every_runtime_dependency_says_why_it_is_there():
    text = (ROOT / "pyproject.toml").read_text()
    block = text[text.index("dependencies = ["):text.index("]", text.index("dependencies = ["))]
    lines = [line.strip() for line in block.splitlines()[1:] if line.strip().startswith('"')]
    assert len(lines) == len(tomllib.loads(text)["project"]["dependencies"])
    assert [line for line in lines if "#" not in line] == []
