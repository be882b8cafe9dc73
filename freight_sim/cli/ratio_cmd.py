"""`freight-sim ratio`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `ratio` command to app."""
