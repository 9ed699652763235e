"""pytest plugin for browser journeys: Playwright drives Debian's Chromium (installed by
`make system-packages`; never a downloaded browser) against Django's live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SIGHTLINE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / "core" / "static" / "axe" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    missing = [str(path) for path in (Path(CHROMIUM), AXE) if not path.exists()]
    if missing:
        pytest.fail(
            f"Browser journeys need {' and '.join(missing)}: run `make system-packages "
            "assets` (Debian's chromium package and the axe-core asset)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def add_axe(page) -> None:  # type: ignore[no-untyped-def]
    """Load axe into the page from Sightline's own static files: the pages'
    Content-Security-Policy refuses inline scripts, and the journeys run with it on."""
    from urllib.parse import urlsplit

    where = urlsplit(page.url)
    page.add_script_tag(url=f"{where.scheme}://{where.netloc}/static/axe/axe.min.js")
