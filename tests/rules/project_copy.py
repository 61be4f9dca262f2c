"""A private copy of the test process's GX project, with one expectation's `meta` edited: how tests try a suite
change (a bad key, a warn severity) without touching the shared project."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

GX_FILES = ("great_expectations.yml", "expectations", "checkpoints", "validation_definitions")


def project_copy(tmp_path: Path) -> Path:
    src = Path(os.environ["NBADQ_PROJECT_ROOT"])
    dst = tmp_path / "project"
    dst.mkdir()
    for name in GX_FILES:
        (shutil.copytree if (src / name).is_dir() else shutil.copy2)(src / name, dst / name)
    return dst


def edit_meta(project: Path, suite: str, rule: str, change) -> None:
    """Apply `change` to the meta of the first expectation of `suite` whose rule is `rule`."""
    path = project / "expectations" / f"{suite}.json"
    doc = json.loads(path.read_text())
    meta = next(e["meta"] for e in doc["expectations"] if e["meta"]["rule"] == rule)
    change(meta)
    path.write_text(json.dumps(doc, indent=2))
