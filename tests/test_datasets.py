"""The dataset registry: mirror first, pinned hashes, clear refusals; no network in tests."""

from __future__ import annotations

import dataclasses
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from beltroad import datasets
from beltroad.errors import DataUnavailable, NotFound
from beltroad.progress import RecordingProgress
from tests.conftest import SHARED_DATA, shared_file

UNREACHABLE = "http://127.0.0.1:9/nothing-listens-here"  # loopback only: never the internet


def offline(entry: datasets.DatasetEntry) -> datasets.DatasetEntry:
    """The entry with every upstream address replaced by a dead loopback port."""
    files = tuple(dataclasses.replace(f, url=UNREACHABLE) for f in entry.files)
    return dataclasses.replace(entry, files=files)


def test_every_entry_points_into_the_mirror_layout() -> None:
    names = [e.name for e in datasets.REGISTRY]
    assert len(names) == len(set(names))
    for entry in datasets.REGISTRY:
        assert entry.citation
        assert entry.licence
        assert entry.homepage.startswith("https://")
        for file in entry.files:
            assert len(file.sha256) == 64
            assert file.size > 0
            assert not file.path.startswith("/")


def test_pins_match_the_shared_mirror() -> None:
    shared_file("SOURCES.md")
    for entry in datasets.REGISTRY:
        for file in entry.files:
            path = SHARED_DATA / file.path
            assert path.is_file(), file.path
            assert datasets.sha256_of(path) == file.sha256, file.path
            assert path.stat().st_size == file.size


def test_pull_from_a_mirror_folder_then_from_the_cache(tmp_path: Path) -> None:
    shared_file("gpr/data_gpr_export.xls")
    entry = offline(datasets.entry("gpr"))
    cache = tmp_path / "cache"
    [path] = datasets.pull(entry, cache_dir=cache, mirror=str(SHARED_DATA))
    assert path == cache / "gpr" / "data_gpr_export.xls"
    assert datasets.is_cached(cache, entry.files[0])
    # cached now: no mirror, no network needed
    assert datasets.pull(entry, cache_dir=cache, mirror=None, allow_download=False) == [path]


def tampered_mirror(tmp_path: Path, relative: str, content: bytes) -> Path:
    mirror = tmp_path / "mirror"
    (mirror / relative).parent.mkdir(parents=True)
    (mirror / relative).write_bytes(content)
    return mirror


def test_hash_mismatch_is_refused_and_not_cached(tmp_path: Path) -> None:
    entry = offline(datasets.entry("gpr"))
    mirror = tampered_mirror(tmp_path, entry.files[0].path, b"not the real file")
    cache = tmp_path / "cache"
    with pytest.raises(datasets.HashMismatch, match="does not match the pinned"):
        datasets.pull(entry, cache_dir=cache, mirror=str(mirror))
    assert not (cache / entry.files[0].path).exists()
    assert list(cache.rglob("*.*")) == []


def test_empty_file_is_refused(tmp_path: Path) -> None:
    entry = offline(datasets.entry("wpi"))
    mirror = tampered_mirror(tmp_path, entry.files[0].path, b"")
    with pytest.raises(datasets.HashMismatch, match="empty"):
        datasets.pull(entry, cache_dir=tmp_path / "cache", mirror=str(mirror))


def test_offline_without_mirror_names_the_file_and_where_to_put_it(tmp_path: Path) -> None:
    entry = offline(datasets.entry("wpi"))
    with pytest.raises(DataUnavailable) as caught:
        datasets.pull(entry, cache_dir=tmp_path / "cache", mirror=None)
    assert "nga-wpi/WPI.csv" in caught.value.message
    assert UNREACHABLE in caught.value.message
    assert caught.value.hint is not None
    assert str(tmp_path / "cache" / "nga-wpi" / "WPI.csv") in caught.value.hint
    assert "BELTROAD_DATA_MIRROR" in caught.value.hint


@pytest.fixture
def http_mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static file server on 127.0.0.1 serving a folder, as an intranet mirror would."""
    root = tmp_path / "served"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def test_pull_from_a_url_mirror_with_progress(
    http_mirror: tuple[str, Path], tmp_path: Path
) -> None:
    source = shared_file("gfdc-bri-countries/23_12_BRI-countries-public.xlsx")
    url, root = http_mirror
    entry = offline(datasets.entry("gfdc-bri-countries"))
    (root / entry.files[0].path).parent.mkdir(parents=True)
    (root / entry.files[0].path).write_bytes(source.read_bytes())
    progress = RecordingProgress()
    [path] = datasets.pull(entry, cache_dir=tmp_path / "c", mirror=url, progress=progress)
    assert datasets.sha256_of(path) == entry.files[0].sha256
    assert progress.events[0] == ("start", f"downloading {entry.files[0].path}", 16632)
    assert progress.done >= entry.files[0].size  # pooch counts whole chunks


def test_url_mirror_with_a_bad_file_is_refused(
    http_mirror: tuple[str, Path], tmp_path: Path
) -> None:
    url, root = http_mirror
    entry = offline(datasets.entry("gfdc-bri-countries"))
    (root / entry.files[0].path).parent.mkdir(parents=True)
    (root / entry.files[0].path).write_bytes(b"<html>moved</html>")
    with pytest.raises(datasets.HashMismatch):
        datasets.pull(entry, cache_dir=tmp_path / "c", mirror=url)
    assert not (tmp_path / "c" / entry.files[0].path).exists()


def test_status_reports_corrupt_cache(tmp_path: Path) -> None:
    entry = datasets.entry("gpr")
    broken = tmp_path / entry.files[0].path
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"x")
    rows = {r["file"]: r["cached"] for r in datasets.status(tmp_path, [entry])}
    assert rows == {entry.files[0].path: "corrupt"}


def test_unknown_dataset_lists_the_known_ones() -> None:
    with pytest.raises(NotFound, match="wgi"):
        datasets.entry("nope")
