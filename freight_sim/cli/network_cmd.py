"""`freight-sim network show [FILE] [--png PATH]`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    network_app = typer.Typer(help="Inspect the multimodal network of a scenario.", no_args_is_help=True)
    app.add_typer(network_app, name="network")
