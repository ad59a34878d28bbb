"""What every browser test shares: Debian's chromium, how to launch it here, and axe-core.

Browser tests drive the real site in a real browser. Chromium comes from Debian (Playwright's
own download cannot work offline); missing, it fails the run in CI, where a silently skipped
accessibility check would be a lie, and skips elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from wijkkompas.paths import project_root

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
ARTIFACTS = (project_root() or Path.cwd()) / "test-artifacts"


def require_chromium(chromium: Path | None = None) -> None:
    """Missing chromium fails in CI (the check would silently vanish) and skips elsewhere."""
    chromium = chromium or CHROMIUM
    if chromium.exists():
        return
    message = (
        f"Debian's chromium is not installed at {chromium}; install it: apt-get install chromium"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class Browsing:
    """A page on the live server, with what it tried to load elsewhere and what went wrong."""

    page: Any
    base_url: str
    foreign_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def browse(base_url: str, *, locale: str = "en-GB", **context_options: Any) -> Iterator[Browsing]:
    """Open chromium on ``base_url``, recording foreign requests and console errors.

    The default locale is English on purpose: the site must still open in Dutch.
    """
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            options = {"viewport": {"width": 1280, "height": 900}, **context_options}
            context = browser.new_context(locale=locale, **options)
            page = context.new_page()
            session = Browsing(page=page, base_url=base_url)
            page.on(
                "request",
                lambda request: (
                    None
                    if request.url.startswith((base_url, "data:"))
                    else session.foreign_requests.append(request.url)
                ),
            )
            page.on(
                "console",
                lambda message: (
                    session.errors.append(message.text) if message.type == "error" else None
                ),
            )
            page.on("pageerror", lambda error: session.errors.append(str(error)))
            yield session
        finally:
            browser.close()


def assert_accessible(page: Any, name: str) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, (
        f"axe-core found WCAG violations on the {name} page:\n{results.generate_report()}"
    )


BLUR = "() => document.activeElement && document.activeElement.blur()"
"""Evaluate before a full-page screenshot when the test clicks on afterwards: the screenshot
resizes the viewport for a moment, and chromium then scrolls a focused text box back into
view at the next change of focus, which can fall between the press and the release of the
next click, so the click is lost."""
