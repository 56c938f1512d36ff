"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API.

Never downloads a browser: `/usr/bin/chromium` comes from `make system-packages`, and a missing
one fails the test (a skipped browser test would hide a broken sign-in page).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django's ORM, used by the test
# itself to create users and read the ledger, refuses to run next to one unless told it is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_DIR / "docs" / "screenshots"


MISSING = (
    f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
    "Install it with `make system-packages` (as root), then run the tests again."
)


class Chromium:
    """Launches Chromium on first use, inside the test, so that a missing browser FAILS the test
    (a fixture error or a skip would be easier to overlook)."""

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None
        self._contexts: list[Any] = []

    def new_page(self, base_url: str, locale: str = "en-US") -> Any:
        if not CHROMIUM.exists():
            pytest.fail(MISSING, pytrace=False)
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
        context = self._browser.new_context(
            base_url=base_url, locale=locale, viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(15_000)
        self._contexts.append(context)
        return context.new_page()

    def close_contexts(self) -> None:
        while self._contexts:
            self._contexts.pop().close()

    def stop(self) -> None:
        self.close_contexts()
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()
            self._browser = self._playwright = None


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    """One browser per test module (Playwright's event loop stays out of the other tests)."""
    browser = Chromium()
    try:
        yield browser
    finally:
        browser.stop()


@pytest.fixture
def new_page(chromium: Chromium, live_server: Any) -> Iterator[Callable[..., Any]]:
    """`new_page()` opens a page with its own cookies on the live server. The browser asks for
    English by default: a signed-in user's own language must win."""

    def make(locale: str = "en-US") -> Any:
        return chromium.new_page(live_server.url, locale=locale)

    try:
        yield make
    finally:
        chromium.close_contexts()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where the browser tests save their screenshots: docs/screenshots under `make screenshots`
    (DALIL_SCREENSHOTS=1), else a temporary folder, so a test run leaves the checkout clean."""
    if os.environ.get("DALIL_SCREENSHOTS") != "1":
        return tmp_path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
