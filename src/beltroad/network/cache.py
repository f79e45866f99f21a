"""One place for the network cache: ``DATA_DIR/network/<name>-<version>-<hash>.npz``.

The key holds the source package's version and a hash of its data files and of our builder's
format, so an upgrade of either builds afresh and an old file is never read by mistake.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np


def files_digest(paths: Iterable[Path], *, salt: str) -> str:
    """sha256 over the bytes of ``paths`` (in order) and ``salt``; 16 hex digits."""
    digest = hashlib.sha256(salt.encode())
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def cached_arrays(
    directory: Path, stem: str, build: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Load ``directory/stem.npz``, or ``build()`` it and store it atomically first.

    Written to a temporary file and renamed so that two processes building at once never leave
    a half-written cache behind.
    """
    path = directory / f"{stem}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as data:
                return {key: data[key] for key in data.files}
        except (OSError, ValueError):
            pass  # a damaged cache is rebuilt below
    arrays = build()
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".npz.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return arrays
