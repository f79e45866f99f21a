"""Front-end assets: pinned npm packages fetched at install time, verified, served by beltroad.

``assets.toml`` names each package, its exact version, the registry's sha512 integrity and the
files to take. :func:`fetch` downloads the tarballs from the npm registry with urllib (or reads
them from a mirror folder, for air-gapped installs and tests), checks the integrity and
extracts the files into ``static/vendor/<package>/``. That folder is gitignored and shipped as
package data. Only the standard library is used: the quickstart needs nothing but Python.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import tomllib
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from beltroad.errors import DataUnavailable, InvalidInput

HERE = Path(__file__).parent
MANIFEST = HERE / "assets.toml"
VENDOR = HERE / "static" / "vendor"
REGISTRY = "https://registry.npmjs.org"
MIRROR_ENV = "BELTROAD_ASSET_MIRROR"
#: The largest tarball accepted (echarts is about 10 MB); a guard against a runaway download.
MAX_TARBALL = 64 * 1024 * 1024


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    integrity: str
    files: dict[str, str]  # target name in vendor/<package>/ -> path inside the tarball

    @property
    def tarball_name(self) -> str:
        return f"{self.package.split('/')[-1]}-{self.version}.tgz"

    @property
    def url(self) -> str:
        return f"{REGISTRY}/{self.package}/-/{self.tarball_name}"

    def target(self, vendor: Path, name: str) -> Path:
        return vendor / self.package / name


def load_manifest(path: Path = MANIFEST) -> list[Asset]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Asset(
            package=str(a["package"]),
            version=str(a["version"]),
            integrity=str(a["integrity"]),
            files={str(k): str(v) for k, v in a["files"].items()},
        )
        for a in data["asset"]
    ]


def missing(vendor: Path = VENDOR, manifest: Path = MANIFEST) -> list[str]:
    """The vendor files not yet in place, as ``package/file``."""
    return [
        f"{asset.package}/{name}"
        for asset in load_manifest(manifest)
        for name in asset.files
        if not asset.target(vendor, name).is_file()
    ]


def verify(asset: Asset, data: bytes, source: str) -> None:
    algorithm, _, expected = asset.integrity.partition("-")
    if algorithm != "sha512":
        raise InvalidInput.at(
            "only sha512 integrity is accepted",
            file=str(MANIFEST),
            field="integrity",
            value=asset.integrity,
        )
    got = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if got != expected:
        raise InvalidInput.at(
            f"integrity mismatch for {asset.package}@{asset.version}: expected sha512-{expected}",
            file=source,
            field="integrity",
            value=f"sha512-{got}",
            hint="the download is damaged or not the pinned release; delete it and fetch again",
        )


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:  # noqa: S310 - https URL from the manifest
            data: bytes = answer.read(MAX_TARBALL + 1)
    except OSError as exc:
        raise DataUnavailable(
            f"cannot download {url}: {exc}",
            hint=f"set {MIRROR_ENV} to a folder holding the .tgz files named in "
            f"{MANIFEST.name} (e.g. from `npm pack PKG@VERSION`)",
        ) from exc
    if len(data) > MAX_TARBALL:
        raise DataUnavailable(f"{url} is larger than {MAX_TARBALL:,} bytes")
    return data


def _tarball(asset: Asset, mirror: Path | None, download: Callable[[str], bytes]) -> bytes:
    if mirror is None:
        return download(asset.url)
    path = mirror / asset.tarball_name
    if not path.is_file():
        raise DataUnavailable(
            f"{path} is missing from the asset mirror",
            hint=f"put `npm pack {asset.package}@{asset.version}` there",
        )
    return path.read_bytes()


def _extract(asset: Asset, data: bytes, vendor: Path, source: str) -> None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        contents = {}
        for name, inner in asset.files.items():
            try:
                member = archive.extractfile(f"package/{inner}")
            except KeyError:
                member = None
            if member is None:
                raise InvalidInput.at(
                    "no such file in the package",
                    file=source,
                    field="files",
                    value=inner,
                    hint=f"check the file list of {asset.package} in {MANIFEST.name}",
                )
            contents[name] = member.read()
    # Every file is read and checked before one is written: nothing half-installed.
    for name, content in contents.items():
        target = asset.target(vendor, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(content)
        os.replace(partial, target)


def fetch(
    *,
    vendor: Path = VENDOR,
    mirror: Path | None = None,
    manifest: Path = MANIFEST,
    force: bool = False,
    download: Callable[[str], bytes] = _download,
) -> list[str]:
    """Fetch every asset whose files are not all in place; the ``package@version`` fetched."""
    if mirror is None and os.environ.get(MIRROR_ENV):
        mirror = Path(os.environ[MIRROR_ENV])
    done = []
    for asset in load_manifest(manifest):
        if not force and all(asset.target(vendor, n).is_file() for n in asset.files):
            continue
        data = _tarball(asset, mirror, download)
        source = str(mirror / asset.tarball_name) if mirror else asset.url
        verify(asset, data, source)
        _extract(asset, data, vendor, source)
        done.append(f"{asset.package}@{asset.version}")
    return done
