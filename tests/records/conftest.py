"""Shared fixtures for the record tests."""

from __future__ import annotations

import pytest

from freight_sim.records import load_aliases


@pytest.fixture(scope="session")
def aliases():
    return load_aliases()
