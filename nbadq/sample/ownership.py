"""What `nbadq sample --out DIR` may replace: only what an earlier sample provably wrote there.

The manifest lists every file the sample wrote with its sha256 (`files`). A directory is an earlier sample when
each entry in it is the manifest, a listed file still holding the hash it was written with, SQLite's sidecar of
a listed file (`-wal`, `-shm`, `-journal`: a reader or writer of that file creates them), or nbadq's own state
file `nba_dq.sqlite` (which `validate` adds) with its sidecars. Anything else, a missing or hand-made manifest,
or an edited file, and the directory is not nbadq's to replace.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from nbadq.errors import UsageError
from nbadq.sample.manifest import MANIFEST_NAME, write_manifest
from nbadq.schema import NBADQ_DATASET

SIDECARS = ("-wal", "-shm", "-journal")
STATE_FILE = f"{NBADQ_DATASET}.sqlite"
_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_hashes(root: Path) -> dict[str, str]:
    """name -> sha256 of every regular file the build left in `root`, except the manifest and nbadq's state file
    (which every `validate` rewrites)."""
    return {p.name: sha256_of(p) for p in sorted(root.iterdir())
            if p.name not in (MANIFEST_NAME, STATE_FILE) and p.is_file() and not p.is_symlink()}


def _listed_files(out: Path) -> dict[str, str]:
    """The manifest's `files`, or UsageError when there is no manifest nbadq could have written."""
    refuse = f"--out {out}: is not empty and holds no nbadq sample manifest listing its files"
    try:
        doc = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        raise UsageError(f"{refuse}: refusing to replace it (choose another directory)") from None
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, dict) or not files or not all(
            isinstance(k, str) and isinstance(v, str) and "/" not in k for k, v in files.items()):
        raise UsageError(f"{refuse}: refusing to replace it (choose another directory)")
    return files


def _ours(name: str, listed: dict[str, str]) -> bool:
    """True for the manifest, a listed file, nbadq's state file, and the SQLite sidecars of either."""
    if name == MANIFEST_NAME or name in listed or name == STATE_FILE:
        return True
    base = next((name[: -len(s)] for s in SIDECARS if name.endswith(s)), None)
    return base is not None and (base in listed or base == STATE_FILE)


def _refuse(out: Path, what: str) -> UsageError:
    return UsageError(f"--out {out}: {what}, which nbadq sample did not write: refusing to replace the directory "
                      "(move it away or choose another --out)")


def claim(out: Path) -> list[str]:
    """The names in `out` a new sample may delete; UsageError (nothing touched) when anything else is there."""
    if not out.is_dir():
        return []
    try:
        names = sorted(os.listdir(out))
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot list it ({exc.strerror or exc})") from None
    if not names:
        return []
    listed = _listed_files(out)
    for name in names:
        path = out / name
        if not _ours(name, listed):
            raise _refuse(out, f"it holds {name!r}")
        if not stat.S_ISREG(path.lstat().st_mode):
            raise _refuse(out, f"{name!r} is not a regular file")
        if name in listed and sha256_of(path) != listed[name]:
            raise _refuse(out, f"{name!r} changed since the sample wrote it")
    return names


def record_rewrites(root: Path, names: list[str]) -> None:
    """After nbadq itself rewrote some of a sample's files (serve-local's simulated processors write the
    analytics, precompute, predictions and reference files), record their new hashes so the next `nbadq sample`
    still recognises them. A directory that is not a sample, or a file the manifest does not list, is left alone."""
    try:
        doc = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, dict):
        return
    files.update({name: sha256_of(root / name) for name in names if name in files and (root / name).is_file()})
    try:
        write_manifest(root, doc)
    except UsageError:
        pass  # an unwritable sample keeps its old hashes: the next `nbadq sample` refuses, and says which file
