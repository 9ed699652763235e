"""The shared personas and settings for every test live in sightline/testing/personas.py."""

pytest_plugins = ["sightline.testing.personas"]
