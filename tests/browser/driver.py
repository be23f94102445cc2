"""Driving the app in Debian's chromium with Playwright: shared by the browser test and bench/app.py.

No browser download (there is no network for it here): Playwright launches `executable_path`
(/usr/bin/chromium from `make browser-deps`, or $POLICYKG_CHROMIUM).
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

CHROMIUM = os.environ.get("POLICYKG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1440, "height": 1000}
RUNNING = '[data-testid="stStatusWidget"]'  # Streamlit's "running" indicator


def missing_browser() -> str | None:
    """Why the browser cannot run here (and how to fix it), or None when it can."""
    missing = []
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        missing.append(f"chromium ({CHROMIUM})")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    if not missing:
        return None
    return f"{' and '.join(missing)} missing: run `make browser-deps` (apt-get install chromium fonts-wqy-microhei)"


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def wait_run_finished(pg, timeout: float = 30.0) -> float:
    """Wait until Streamlit's script run has ended: the running indicator absent on two polls
    100 ms apart. Returns the monotonic time of the first of those polls (when the page was done)."""
    deadline = time.monotonic() + timeout
    done_at = None
    while time.monotonic() < deadline:
        if pg.locator(RUNNING).count() == 0:
            if done_at is not None:
                return done_at
            done_at = time.monotonic()
        else:
            done_at = None
        pg.wait_for_timeout(100)
    raise TimeoutError(f"the app was still running after {timeout:.0f} s")


def open_page(pg, url: str, text: str) -> float:
    """Navigate to `url` (a full page load, as a link or a typed address does), wait for `text`
    and the end of the run; seconds from navigation until then."""
    started = time.monotonic()
    pg.goto(url)
    pg.get_by_text(text).first.wait_for()
    return wait_run_finished(pg) - started


def navigate(pg, link_text: str, text: str) -> float:
    """Click the sidebar's link to a page (Streamlit switches pages without reloading) and wait for
    `text` and the end of the run; seconds from the click until then."""
    started = time.monotonic()
    pg.locator('[data-testid="stSidebarNav"]').get_by_text(link_text, exact=True).first.click()
    pg.get_by_text(text).first.wait_for()
    return wait_run_finished(pg) - started


def settle(pg, ms: int = 600) -> None:
    """Wait until the network is quiet and the run has ended, then `ms` more (for screenshots)."""
    pg.wait_for_load_state("networkidle")
    wait_run_finished(pg)
    pg.wait_for_timeout(ms)
