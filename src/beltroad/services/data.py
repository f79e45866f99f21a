"""``beltroad data list | pull | verify``: the dataset registry against the local cache.

:func:`dataset_files` is the one way any command gets a registry dataset's files: the
settings' cache (``DATA_DIR/datasets``) first, then the settings' mirror (``data_mirror``, from
``beltroad.toml`` or ``BELTROAD_DATA_MIRROR``), then the publisher. No other module calls
:func:`beltroad.datasets.pull`, so no command can use a different cache or skip the mirror.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beltroad import datasets
from beltroad.errors import DataUnavailable
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.settings import Settings


def cache_dir(settings: Settings) -> Path:
    return settings.data_dir / "datasets"


def list_datasets(settings: Settings) -> list[dict[str, Any]]:
    """Every registry entry with its licence, citation, upstream address and cache state."""
    states = {row["file"]: row["cached"] for row in datasets.status(cache_dir(settings))}
    return [
        {
            "name": entry.name,
            "title": entry.title,
            "publisher": entry.publisher,
            "licence": entry.licence,
            "citation": entry.citation,
            "upstream": entry.homepage,
            "import_kind": entry.import_kind,
            "files": [
                {
                    "path": f.path,
                    "sha256": f.sha256,
                    "size": f.size,
                    "url": f.url,
                    "cached": states[f.path],
                }
                for f in entry.files
            ],
            "cached": all(states[f.path] == "ok" for f in entry.files),
        }
        for entry in datasets.REGISTRY
    ]


def dataset_files(
    settings: Settings,
    name: str,
    *,
    allow_download: bool = True,
    progress: Progress = NULL_PROGRESS,
) -> list[Path]:
    """The verified files of dataset ``name``: from the cache, the mirror, or the publisher.

    >>> dataset_files(load_settings(), "iati-schema-2.03")[0].name  # doctest: +SKIP
    'iati-activities-schema.xsd'

    Raises :class:`~beltroad.errors.DataUnavailable` naming what was tried and how to fix it.
    """
    entry = datasets.entry(name)
    try:
        return datasets.pull(
            entry,
            cache_dir=cache_dir(settings),
            mirror=settings.data_mirror,
            allow_download=allow_download,
            progress=progress,
        )
    except DataUnavailable as exc:
        where = (
            f"the mirror {settings.data_mirror} lacks it"
            if settings.data_mirror
            else "no mirror is configured"
        )
        raise DataUnavailable(
            f"dataset {name}: {exc.message}",
            hint=f"{where}; run `beltroad data pull {name}` once online, or set data_mirror "
            "(beltroad.toml or BELTROAD_DATA_MIRROR) to a folder holding the files",
        ) from None


def available_file(settings: Settings, name: str) -> Path | None:
    """The first file of dataset ``name`` if the cache or the mirror has it, else None.

    Never downloads: for optional inputs (a calibration, say) that must not make a command wait
    on the network.
    """
    try:
        return dataset_files(settings, name, allow_download=False)[0]
    except DataUnavailable:
        return None


def pull_datasets(
    settings: Settings,
    names: list[str],
    *,
    allow_download: bool = True,
    progress: Progress = NULL_PROGRESS,
) -> dict[str, list[Path]]:
    """Fetch the named datasets (all when ``names`` is empty) into the cache, verified."""
    entries = [datasets.entry(n) for n in names] if names else list(datasets.REGISTRY)
    return {
        entry.name: dataset_files(
            settings, entry.name, allow_download=allow_download, progress=progress
        )
        for entry in entries
    }


def verify_cache(settings: Settings) -> list[dict[str, Any]]:
    """Re-hash every cached file; 'corrupt' means present with the wrong hash or size."""
    return datasets.status(cache_dir(settings))
