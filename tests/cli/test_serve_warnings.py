"""``beltroad serve`` warns before binding a non-loopback address without TLS in front."""

from __future__ import annotations

from pathlib import Path

import pytest

from beltroad.settings import load_settings
from beltroad.web.security import allowed_hosts, host_name, is_loopback

ANY = "0.0.0.0"  # noqa: S104 - the address under test, not a bind of this process


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        (ANY, False),
        ("10.1.2.3", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_warns_on_a_public_bind_without_tls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    from beltroad.cli.main import main

    ran: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: ran.append((host, port)))
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "init"]) == 0
    assert main(["--data-dir", data, "serve", "--host", ANY, "--port", "8123"]) == 0
    err = capsys.readouterr().err
    assert "without TLS" in " ".join(err.split())
    assert ran == [(ANY, 8123)]
    monkeypatch.setenv("BELTROAD_TLS_PROXY", "1")
    assert main(["--data-dir", data, "serve", "--host", ANY, "--port", "8123"]) == 0
    assert "without TLS" not in " ".join(capsys.readouterr().err.split())
    assert main(["--data-dir", data, "serve"]) == 0
    assert "without TLS" not in " ".join(capsys.readouterr().err.split())


def test_host_header_names() -> None:
    assert host_name("Example.org:8000") == "example.org"
    assert host_name("[::1]:8000") == "[::1]"
    hosts = allowed_hosts(load_settings(host=ANY, allowed_hosts=["beltroad.example"]))
    assert hosts is not None
    assert "beltroad.example" in hosts
    assert ANY not in hosts
    assert allowed_hosts(load_settings(allowed_hosts=["*"])) is None
