"""Sizes of the reduced report fixtures (imported by conftest.py and the tests)."""

REDUCED = ["simulation.days=5", "simulation.warmup_days=0"]
SIDINGS_CHOSEN = ["siding-E02", "siding-E04", "siding-E37"]
