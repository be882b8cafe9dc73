"""`freight-sim batch`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `batch` command to app."""
