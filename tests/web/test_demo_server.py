"""The demo as `make demo` serves it (scripts/serve-demo.sh: runserver and a worker) shows newcomers the
styled pages, never Django's technical ones, and still serves the static files (WhiteNoise, DEBUG off)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "FORBETTER_ENV")}
    env |= {
        "BIN": str(Path(sys.executable).parent),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        # An empty database: the pages checked here need none, and the worker may complain about it.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve-demo.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    pytest.fail(f"the demo server did not start:\n{(tmp_path / 'server.log').read_text()}")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def test_the_demo_shows_the_styled_404_and_serves_static_files(demo_server: str) -> None:
    status, page = fetch(f"{demo_server}/no-such-page/")
    assert status == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "Using the URLconf" not in page
    assert "DEBUG = True" not in page

    status, css = fetch(f"{demo_server}/static/govuk/govuk-frontend.min.css")
    assert status == 200
    assert ".govuk-header" in css

    status, page = fetch(f"{demo_server}/accounts/sign-in/")
    assert status == 200
    assert 'class="govuk-header' in page
