"""``beltroad data list | pull | verify``: the dataset registry against the local cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beltroad import datasets
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
        entry.name: datasets.pull(
            entry,
            cache_dir=cache_dir(settings),
            mirror=settings.data_mirror,
            allow_download=allow_download,
            progress=progress,
        )
        for entry in entries
    }


def verify_cache(settings: Settings) -> list[dict[str, Any]]:
    """Re-hash every cached file; 'corrupt' means present with the wrong hash or size."""
    return datasets.status(cache_dir(settings))
