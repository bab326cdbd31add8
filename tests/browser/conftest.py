"""Browser tests: a real uvicorn server on 127.0.0.1 and Debian's headless Chromium driven by Playwright.

Install (Debian 12): `apt-get install -y chromium chromium-driver` and `pip install playwright`. Playwright's
own browser download is never used: tests launch /usr/bin/chromium."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from api.main import create_app
from lendercheck.settings import Settings
from lendercheck.store import create_schema, make_engine
from tests.stores import fill

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright

CHROMIUM = Path("/usr/bin/chromium")
EXTENSION = Path(__file__).resolve().parents[2] / "extension"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is missing (apt-get install -y chromium chromium-driver)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package is missing (pip install playwright)")
    here = Path(__file__).resolve().parent
    for item in items:
        if missing and here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.skip(reason="; ".join(missing)))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: runs a real headless Chromium against a local server")


@pytest.fixture(scope="session")
def store_settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled snapshot when it is there, else the small hand-made store."""
    try:
        settings: Settings = request.getfixturevalue("snapshot_settings")
        return settings
    except pytest.skip.Exception:
        pass
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser-data"), database_url="")
    engine = make_engine(settings)
    create_schema(engine)
    fill(engine, settings)
    engine.dispose()
    return settings


@pytest.fixture(scope="session")
def using_snapshot(store_settings: Settings) -> bool:
    return (store_settings.snapshot_dir / "records.jsonl").exists()


@pytest.fixture(scope="session")
def server(store_settings: Settings) -> Iterator[str]:
    """The API served by uvicorn on a free 127.0.0.1 port, in a thread."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(store_settings), log_level="warning", ws="none", lifespan="on")
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not runner.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    runner.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield browser
    browser.close()


@pytest.fixture
def extension_context(playwright: Playwright, server: str) -> Iterator[tuple[BrowserContext, str]]:
    """Chromium with the example extension loaded (headless Chromium loads unpacked extensions in a
    persistent context). Every host name resolves to 127.0.0.1, so pages "on" a lender's domain come from
    the local server and nothing leaves the machine."""
    profile = tempfile.mkdtemp(prefix="lendercheck-chromium-")
    args: list[str] = [*ARGS, f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}",
                       "--host-resolver-rules=MAP * 127.0.0.1"]
    options: dict[str, Any] = {"executable_path": str(CHROMIUM), "args": args, "headless": False,
                               "ignore_default_args": ["--disable-extensions"]}
    context = playwright.chromium.launch_persistent_context(profile, **options)
    try:
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        yield context, worker.url.split("/")[2]
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
