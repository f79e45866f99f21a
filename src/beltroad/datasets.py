"""The dataset registry: every public data set beltroad can use, pinned by SHA-256.

``pull`` finds a file in the local cache, then in the mirror (``BELTROAD_DATA_MIRROR``: a folder
or an http(s) URL with the same relative paths), then at the publisher's address, using ``pooch``.
A file whose hash differs from the pinned one is refused and never cached. The files themselves
are never part of beltroad's repository.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beltroad.errors import DataUnavailable, InvalidInput, NotFound
from beltroad.progress import NULL_PROGRESS, Progress


@dataclass(frozen=True)
class DatasetFile:
    path: str  # relative, the same under a mirror as under the cache
    sha256: str
    size: int
    url: str  # the publisher's address for this file, as best known


@dataclass(frozen=True)
class DatasetEntry:
    name: str
    title: str
    publisher: str
    licence: str
    citation: str
    homepage: str
    files: tuple[DatasetFile, ...]
    import_kind: str | None = None  # the `beltroad import` kind that reads files[0]


def _f(path: str, sha256: str, size: int, url: str) -> DatasetFile:
    return DatasetFile(path=path, sha256=sha256, size=size, url=url)


_AIDDATA_GEO = "https://raw.githubusercontent.com/aiddata/gcdf-geospatial-data/main/"

REGISTRY: tuple[DatasetEntry, ...] = (
    DatasetEntry(
        name="gfdc-bri-countries",
        title="Countries of the Belt and Road Initiative",
        publisher="Green Finance & Development Center, FISF Fudan University",
        licence="factual list; cite",
        citation=(
            "Nedopil, C. (2023): Countries of the Belt and Road Initiative; Green Finance & "
            "Development Center, FISF Fudan University"
        ),
        homepage="https://greenfdc.org/countries-of-the-belt-and-road-initiative-bri/",
        files=(
            _f(
                "gfdc-bri-countries/23_12_BRI-countries-public.xlsx",
                "9580a80d4d2401aba88c3c572dce973a9759e4d05bb777514717a69c03aeb1f4",
                16632,
                "https://greenfdc.org/wp-content/uploads/2023/12/23_12_BRI-countries-public.xlsx",
            ),
        ),
        import_kind="bri-members",
    ),
    DatasetEntry(
        name="aiddata-geogcdf3",
        title="AidData GeoGCDF 3.0 project list with the ADM1 and ADM2 location files",
        publisher="AidData, William & Mary",
        licence="ODC-By 1.0 (OSM link columns: ODbL)",
        citation=(
            "AidData (2023), Global Chinese Development Finance Dataset, Version 3.0 / GeoGCDF v3.0"
        ),
        homepage="https://github.com/aiddata/gcdf-geospatial-data",
        files=(
            _f(
                "aiddata-gcdf3/geogcdf3_final_input.csv",
                "83f9056323fd86f6838031399a1a9bbd236fb00254936b7aa3704b91ee7d046b",
                3012280,
                _AIDDATA_GEO + "geogcdf3_final_input.csv",
            ),
            _f(
                "aiddata-gcdf3/GCDF_3.0_ADM1_Locations.csv",
                "d57e6868f20233a3650a637f4077270f4d6954e779ea3146eeb19e320b6c1c6a",
                1349002,
                _AIDDATA_GEO + "GCDF_3.0_ADM1_Locations.csv",
            ),
            _f(
                "aiddata-gcdf3/GCDF_3.0_ADM2_Locations.csv",
                "e137ed059e329b194f8ae9406bd2eb7648f7f607507fabfd92ac0d101b2e28b7",
                1487899,
                _AIDDATA_GEO + "GCDF_3.0_ADM2_Locations.csv",
            ),
        ),
        import_kind="gcdf3-geo",
    ),
    DatasetEntry(
        name="aiddata-gcdf3-ge10m",
        title="AidData GCDF 3.0 projects of USD 10 million and more (GCDF 3.0 release layout)",
        publisher="AidData, William & Mary",
        licence="ODC-By 1.0",
        citation="AidData (2023), Global Chinese Development Finance Dataset, Version 3.0",
        homepage=(
            "https://www.aiddata.org/data/aiddatas-global-chinese-development-finance-dataset-version-3-0"
        ),
        files=(
            _f(
                "aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv",
                "2299925945967c5e982d4fda0796daaa63cf5e0f67fbee93adc7c3d477326865",
                4137498,
                _AIDDATA_GEO + "df_filtered_gcdf3_ge10m.csv",
            ),
            _f(
                "aiddata-gcdf3/gcdf3_data_dictionary.csv",
                "a27fef463040376556c1afcd43366cb4437c15293c703355a72eb8884320187d",
                101966,
                _AIDDATA_GEO + "gcdf3_data_dictionary.csv",
            ),
        ),
        import_kind="gcdf3",
    ),
    DatasetEntry(
        name="aiddata-gcof1",
        title="AidData Global Chinese Official Finance Dataset, Version 1.0",
        publisher="AidData, William & Mary",
        licence="AidData terms (attribution)",
        citation=(
            "Dreher, Fuchs, Parks, Strange, Tierney (2017/2021), AidData Global Chinese Official "
            "Finance Dataset, Version 1.0"
        ),
        homepage="https://www.aiddata.org/data/chinese-global-official-finance-dataset",
        files=(
            _f(
                "aiddata-gcof1/AidData_GlobalChineseOfficialFinanceDataset_v1.0.xlsx",
                "b56d5af7bb83620ddf79dc0565349d30896d4687aeeed538af0ae9e13774152d",
                3473673,
                "https://www.aiddata.org/data/chinese-global-official-finance-dataset",
            ),
        ),
        import_kind="gcof1",
    ),
    DatasetEntry(
        name="wgi",
        title="Worldwide Governance Indicators, 2024 update",
        publisher="World Bank",
        licence="CC BY 4.0",
        citation="World Bank, Worldwide Governance Indicators, 2024 update",
        homepage="https://www.worldbank.org/en/publication/worldwide-governance-indicators",
        files=(
            _f(
                "wgi/wgidataset.xlsx",
                "df332a76c7da5e1c210950689acd23cc1d1ad07d4f53a7641fdc3c8d52abd922",
                3155609,
                "https://www.worldbank.org/content/dam/sites/govindicators/doc/wgidataset.xlsx",
            ),
        ),
        import_kind="wgi",
    ),
    DatasetEntry(
        name="gpr",
        title="Geopolitical Risk (GPR) index",
        publisher="Caldara and Iacoviello",
        licence="free with citation",
        citation=(
            'Caldara, D. and Iacoviello, M. (2022), "Measuring Geopolitical Risk", '
            "American Economic Review"
        ),
        homepage="https://www.matteoiacoviello.com/gpr.htm",
        files=(
            _f(
                "gpr/data_gpr_export.xls",
                "e722f7b4528b204ad05a7c1c43d696aa2c5fdedf097415b5814f6362006d5bab",
                2320384,
                "https://www.matteoiacoviello.com/gpr_files/data_gpr_export.xls",
            ),
        ),
        import_kind="gpr",
    ),
    DatasetEntry(
        name="ndgain",
        title="ND-GAIN Country Index: index, vulnerability and readiness",
        publisher="University of Notre Dame Global Adaptation Initiative",
        licence="free with attribution",
        citation="University of Notre Dame Global Adaptation Initiative, ND-GAIN Country Index",
        homepage="https://gain.nd.edu/our-work/country-index/download-data/",
        files=(
            _f(
                "nd-gain/gain.csv",
                "a8ac00cba96cd9f0cb21f013c246d4c890cc2f983f4bf5e00732139f7d0d038f",
                125201,
                "https://gain.nd.edu/our-work/country-index/download-data/",
            ),
            _f(
                "nd-gain/vulnerability.csv",
                "336a250736f1a4a42844635cd9a2afafd3c95e7d32ad052ca8f8521c7b940880",
                130124,
                "https://gain.nd.edu/our-work/country-index/download-data/",
            ),
            _f(
                "nd-gain/readiness.csv",
                "66ea8004a4a4a6048638c029b2264b13f645d7bbada088082522d1110966b209",
                131540,
                "https://gain.nd.edu/our-work/country-index/download-data/",
            ),
        ),
        import_kind="ndgain",
    ),
    DatasetEntry(
        name="imf-weo-debt",
        title="IMF WEO general government gross debt, % of GDP (GGXWDG_NGDP)",
        publisher="International Monetary Fund",
        licence="IMF terms (attribution)",
        citation="IMF World Economic Outlook DataMapper, GGXWDG_NGDP",
        homepage="https://www.imf.org/external/datamapper/GGXWDG_NGDP@WEO",
        files=(
            _f(
                "imf-weo-debt/imf_debt_data.json",
                "bcefaaa09cd8e0573e7804823d964d3d6f564a69f2436accf16bc04ca11787c5",
                729571,
                "https://www.imf.org/external/datamapper/api/v1/GGXWDG_NGDP",
            ),
        ),
        import_kind="imf-debt",
    ),
    DatasetEntry(
        name="fred-gdpdef",
        title="US GDP implicit price deflator (GDPDEF), quarterly, index 2017 = 100",
        publisher="U.S. Bureau of Economic Analysis, via FRED (Federal Reserve Bank of St. Louis)",
        licence="US Government work, public domain",
        citation=(
            "U.S. Bureau of Economic Analysis, Gross Domestic Product: Implicit Price Deflator "
            "[GDPDEF], retrieved from FRED, Federal Reserve Bank of St. Louis"
        ),
        homepage="https://fred.stlouisfed.org/series/GDPDEF",
        files=(
            _f(
                "fred-gdpdef/GDPDEF.csv",
                "fea6c7ebfeb01d2c483ab1bab739d9071b726eb7438f82dd211638d8d924d220",
                5670,
                "https://fred.stlouisfed.org/graph/fredgraph.csv?id=GDPDEF",
            ),
        ),
        import_kind="deflator-fred",
    ),
    DatasetEntry(
        name="wpi",
        title="World Port Index (Pub. 150)",
        publisher="US National Geospatial-Intelligence Agency",
        licence="US Government work, public domain",
        citation="NGA, World Port Index (Pub. 150)",
        homepage="https://msi.nga.mil/Publications/WPI",
        files=(
            _f(
                "nga-wpi/WPI.csv",
                "16f4d6dcb0de0b62e82ee530691df1cad84afe08fb7973338e71eebb2c2ecc85",
                3496410,
                "https://msi.nga.mil/api/publications/download?key=16920959/SFH00000/UpdatedPub150.csv",
            ),
        ),
        import_kind="wpi",
    ),
    DatasetEntry(
        name="naturalearth-110m",
        title="Natural Earth admin-0 countries 1:110m (TopoJSON)",
        publisher="Natural Earth",
        licence="public domain",
        citation="Natural Earth, Admin 0 – Countries, 1:110m",
        homepage="https://www.naturalearthdata.com/downloads/110m-cultural-vectors/",
        files=(
            _f(
                "naturalearth-110m-admin0/ne_110m_admin_0_countries.topojson",
                "3b0be15525b13d1fd81f6b2c9ad794bdb47c4ade9c6862f4df11a79d66571b83",
                422716,
                "https://www.naturalearthdata.com/downloads/110m-cultural-vectors/",
            ),
        ),
        import_kind="naturalearth",
    ),
    DatasetEntry(
        name="iati-schema-2.03",
        title="IATI 2.03 XML schemas (activities, organisations, common, xml)",
        publisher="International Aid Transparency Initiative",
        licence="IATI, openly licensed",
        citation="IATI Standard 2.03",
        homepage="https://github.com/IATI/IATI-Schemas/tree/version-2.03",
        files=tuple(
            _f(
                f"iati/schema-2.03/{name}",
                sha,
                size,
                f"https://raw.githubusercontent.com/IATI/IATI-Schemas/version-2.03/{name}",
            )
            for name, sha, size in (
                (
                    "iati-activities-schema.xsd",
                    "62c91a66c82ee26864d5e6c3f4bd6358de14d3aec69bc649db85da9f9a0792bc",
                    127530,
                ),
                (
                    "iati-common.xsd",
                    "322692e4ea1f4434b154855f381eb4bd972aaa2e1349dfaf9578b775ad6c9c6b",
                    12042,
                ),
                (
                    "iati-organisations-schema.xsd",
                    "c1fc48f53924e479db6fffa5584e2e4cc55f745c0269c519f44f9a03d77ce736",
                    38105,
                ),
                (
                    "xml.xsd",
                    "61960fb3131e38022caad5360e2f33a3382578ab3c80cd58bd74320ede61b20c",
                    8836,
                ),
            )
        ),
    ),
)


def entry(name: str) -> DatasetEntry:
    for candidate in REGISTRY:
        if candidate.name == name:
            return candidate
    raise NotFound(
        f"unknown dataset {name!r} (expected one of {', '.join(e.name for e in REGISTRY)})",
        hint="`beltroad data list` shows them",
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_path(cache_dir: Path, file: DatasetFile) -> Path:
    return cache_dir / file.path


def is_cached(cache_dir: Path, file: DatasetFile) -> bool:
    path = cached_path(cache_dir, file)
    return path.is_file() and path.stat().st_size == file.size and sha256_of(path) == file.sha256


def pull(
    dataset: DatasetEntry,
    *,
    cache_dir: Path,
    mirror: str | None,
    allow_download: bool = True,
    progress: Progress = NULL_PROGRESS,
) -> list[Path]:
    """Make every file of ``dataset`` available in ``cache_dir``, verified; return their paths."""
    return [
        _pull_file(
            f, cache_dir=cache_dir, mirror=mirror, allow_download=allow_download, progress=progress
        )
        for f in dataset.files
    ]


def _pull_file(
    file: DatasetFile,
    *,
    cache_dir: Path,
    mirror: str | None,
    allow_download: bool,
    progress: Progress,
) -> Path:
    target = cached_path(cache_dir, file)
    if is_cached(cache_dir, file):
        return target
    tried: list[str] = []
    if mirror and not mirror.startswith(("http://", "https://")):
        source = Path(mirror).expanduser() / file.path
        if source.is_file():
            return _copy_verified(source, target, file)
        tried.append(f"mirror folder {source} (no such file)")
    sources: list[str] = []
    if mirror and mirror.startswith(("http://", "https://")):
        sources.append(mirror.rstrip("/") + "/" + file.path)
    if allow_download:
        sources.append(file.url)
    for url in sources:
        try:
            return _download(url, target, file, progress)
        except HashMismatch:
            raise
        except Exception as exc:  # a network failure of any kind: try the next source
            tried.append(f"{url} ({type(exc).__name__}: {_first_line(exc)})")
    raise DataUnavailable(
        f"cannot get {file.path}: tried " + "; ".join(tried or ["nothing (downloads are off)"]),
        hint=(
            f"put the file at {target}, or set BELTROAD_DATA_MIRROR to a folder that holds "
            f"{file.path}"
        ),
    )


class HashMismatch(InvalidInput):
    """A file whose SHA-256 is not the pinned one: refused, never cached."""


def _check(path: Path, file: DatasetFile, origin: str) -> None:
    size = path.stat().st_size
    if size == 0:
        raise HashMismatch(
            f"{origin}: the file is empty (0 bytes); expected {file.size:,} bytes of {file.path}",
            hint="the download or the mirror copy is broken; fetch it again",
        )
    actual = sha256_of(path)
    if actual != file.sha256:
        raise HashMismatch(
            f"{origin}: SHA-256 {actual} does not match the pinned {file.sha256} for "
            f"{file.path} ({size:,} bytes, expected {file.size:,}); refused",
            hint="the publisher may have released a new version, or the copy is damaged",
        )


def _copy_verified(source: Path, target: Path, file: DatasetFile) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp,
        source.open("rb") as handle,
    ):
        shutil.copyfileobj(handle, tmp)
    copy = Path(tmp.name)
    try:
        _check(copy, file, str(source))
    except HashMismatch:
        copy.unlink()
        raise
    copy.replace(target)  # atomic: a half-copied or wrong file never sits under the real name
    return target


def _download(url: str, target: Path, file: DatasetFile, progress: Progress) -> Path:
    import pooch

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        bar = _PoochBar(progress, file.path)
        downloader = pooch.HTTPDownloader(progressbar=bar, timeout=60)
        logger = pooch.get_logger()
        level = logger.level
        logger.setLevel("WARNING")  # beltroad checks the pinned hash itself, just below
        try:
            fetched = pooch.retrieve(
                url, known_hash=None, fname=target.name, path=scratch, downloader=downloader
            )
        finally:
            logger.setLevel(level)
        _check(Path(fetched), file, url)
        Path(fetched).replace(target)
    return target


class _PoochBar:
    """The small tqdm-like surface pooch's downloader uses, reporting to a Progress."""

    def __init__(self, progress: Progress, name: str) -> None:
        self._progress = progress
        self._name = name
        self.total: int | None = None
        self._started = False
        self._n = 0  # position as pooch sees it; it resets and jumps to the total at the end
        self._reported = 0

    def update(self, n: int) -> None:
        if not self._started:
            self._progress.start(f"downloading {self._name}", total=self.total)
            self._started = True
        self._n += n
        if self._n > self._reported:
            self._progress.advance(self._n - self._reported)
            self._reported = self._n

    def reset(self) -> None:
        self._n = 0

    def refresh(self) -> None:
        return None

    def close(self) -> None:
        if self._started:
            self._progress.finish()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else ""


def status(cache_dir: Path, datasets: Sequence[DatasetEntry] = REGISTRY) -> list[dict[str, Any]]:
    """One row per file: dataset, path, pinned hash, size and whether the cache holds it intact."""
    rows = []
    for dataset in datasets:
        for file in dataset.files:
            path = cached_path(cache_dir, file)
            state = "missing"
            if path.is_file():
                state = "ok" if is_cached(cache_dir, file) else "corrupt"
            rows.append(
                {
                    "dataset": dataset.name,
                    "file": file.path,
                    "size": file.size,
                    "sha256": file.sha256,
                    "cached": state,
                }
            )
    return rows
