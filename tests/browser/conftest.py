"""Browser journeys: Playwright driving Debian's Chromium (never a downloaded browser),
against Django's live server, each page checked with axe."""

from __future__ import annotations

import json

import pytest

from sightline.testing.browser import add_axe


@pytest.fixture
def site(live_server, page):  # type: ignore[no-untyped-def]
    """A browser page with helpers bound to the live server."""
    return Site(live_server.url, page)


class Site:
    def __init__(self, base_url: str, page) -> None:  # type: ignore[no-untyped-def]
        self.base_url = base_url
        self.page = page
        self.checked: list[str] = []
        # Anything the browser refused under the Content-Security-Policy (a script or style
        # the page needed): reported by Chromium on the console.
        self.refused: list[str] = []
        page.on(
            "console",
            lambda message: (
                self.refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def sign_in(self, username: str, password: str) -> None:
        self.go("/accounts/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_load_state()

    def check_accessibility(self) -> None:
        """Run axe on the current page; fail with each violation and the elements concerned."""
        self.page.wait_for_load_state("load")
        add_axe(self.page)
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]
        self.checked.append(self.page.url)
        assert not self.refused, "Refused by the Content-Security-Policy:\n" + "\n".join(
            self.refused
        )
        assert not violations, f"Accessibility violations on {self.page.url}:\n" + json.dumps(
            violations, indent=2
        )
