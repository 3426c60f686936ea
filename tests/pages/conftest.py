"""Fixtures for these tests: a tiny warehouse and a store with the demo users."""

from tests.dashboard.fixtures import dash_env, dash_warehouse  # noqa: F401
