"""The asset fetcher: pinned tarballs, verified, extracted whole or not at all; offline mirror."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from beltroad.errors import DataUnavailable, InvalidInput
from beltroad.web import assets


def tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def manifest(tmp_path: Path, data: bytes, files: str = '"x.js" = "dist/x.js"') -> Path:
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    path = tmp_path / "assets.toml"
    path.write_text(
        f'[[asset]]\npackage = "demo-lib"\nversion = "1.2.3"\n'
        f'integrity = "sha512-{digest}"\nfiles = {{ {files} }}\n'
    )
    return path


def test_fetch_from_a_mirror_verifies_and_extracts(tmp_path: Path) -> None:
    data = tarball({"dist/x.js": b"console.log(1)", "README": b"no"})
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "demo-lib-1.2.3.tgz").write_bytes(data)
    vendor = tmp_path / "vendor"
    path = manifest(tmp_path, data)
    assert assets.missing(vendor, path) == ["demo-lib/x.js"]
    assert assets.fetch(vendor=vendor, mirror=mirror, manifest=path) == ["demo-lib@1.2.3"]
    assert (vendor / "demo-lib" / "x.js").read_bytes() == b"console.log(1)"
    assert assets.missing(vendor, path) == []
    assert assets.fetch(vendor=vendor, mirror=mirror, manifest=path) == []  # already there


def test_a_damaged_download_is_refused_and_nothing_written(tmp_path: Path) -> None:
    good = tarball({"dist/x.js": b"a"})
    path = manifest(tmp_path, good)
    vendor = tmp_path / "vendor"
    with pytest.raises(InvalidInput, match=r"integrity mismatch for demo-lib@1\.2\.3"):
        assets.fetch(
            vendor=vendor, manifest=path, download=lambda url: tarball({"dist/x.js": b"evil"})
        )
    assert not vendor.exists()


def test_the_registry_url_and_a_missing_file(tmp_path: Path) -> None:
    data = tarball({"dist/x.js": b"a"})
    path = manifest(tmp_path, data, files='"x.js" = "dist/x.js", "y.js" = "dist/y.js"')
    asked: list[str] = []

    def download(url: str) -> bytes:
        asked.append(url)
        return data

    with pytest.raises(InvalidInput, match="no such file in the package"):
        assets.fetch(vendor=tmp_path / "vendor", manifest=path, download=download)
    assert asked == ["https://registry.npmjs.org/demo-lib/-/demo-lib-1.2.3.tgz"]
    assert not (tmp_path / "vendor").exists()  # x.js was not written either


def test_a_mirror_without_the_tarball_says_what_to_put_there(tmp_path: Path) -> None:
    path = manifest(tmp_path, b"")
    with pytest.raises(DataUnavailable, match=r"demo-lib-1\.2\.3\.tgz is missing"):
        assets.fetch(vendor=tmp_path / "v", mirror=tmp_path, manifest=path)


def test_the_shipped_manifest_pins_every_asset() -> None:
    found = assets.load_manifest()
    assert {a.package for a in found} >= {"htmx.org", "echarts", "swagger-ui-dist", "redoc"}
    for asset in found:
        assert asset.integrity.startswith("sha512-")
        assert asset.version.count(".") == 2
