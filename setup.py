"""Packaging that pyproject.toml cannot say declaratively (everything else is in pyproject.toml).

1. `backfill/` and `audits/` stay at the top of the repository but install as `nbadq.backfill` and `nbadq.audits`
   (package_dir), so nothing generic lands in site-packages. The package list is computed, not written out, so a
   new subpackage cannot be forgotten.
2. The GX project at the repository root (the source of truth, where it stays) is copied into the built package
   as `nbadq/_project/`, the default an installed nbadq falls back to. An editable install skips the copy: there
   nbadq finds the project at the repository root itself (nbadq.project_files.packaged_default).
"""

import shutil
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
MOVED = ("backfill", "audits")  # top-level directories installed under nbadq.
GX_PROJECT = ("great_expectations.yml", "expectations", "checkpoints", "validation_definitions")
PACKAGED_PROJECT = "_project"  # nbadq/_project in the wheel; keep in step with nbadq/project_files.py


def packages() -> list[str]:
    # Namespace-aware, so data-only folders (nbadq/report/templates) ship with their package data.
    patterns = [p for top in ("nbadq", *MOVED) for p in (top, f"{top}.*")]
    found = find_namespace_packages(where=str(HERE), include=patterns, exclude=["*__pycache__"])
    return [name if name.startswith("nbadq") else f"nbadq.{name}" for name in found]


class BuildWithProject(build_py):
    """build_py, plus the GX project as package data (JSON and YAML files only: never uncommitted/ output)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "nbadq" / PACKAGED_PROJECT
        shutil.rmtree(target, ignore_errors=True)  # a stale build/ must not ship a suite deleted since
        target.mkdir(parents=True)
        for name in GX_PROJECT:
            source = HERE / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=_not_json)
            else:
                shutil.copy2(source, target / name)


def _not_json(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if not n.endswith(".json") and not (Path(folder) / n).is_dir()]


setup(
    packages=packages(),
    package_dir={f"nbadq.{top}": top for top in MOVED},
    cmdclass={"build_py": BuildWithProject},
)
