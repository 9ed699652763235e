"""Shared test plugins: personas and settings (sightline/testing/personas.py) and the
browser set-up for Playwright journeys (sightline/testing/browser.py)."""

pytest_plugins = ["sightline.testing.personas", "sightline.testing.browser"]
