"""`freight-sim validate FILE`."""

from __future__ import annotations

from pathlib import Path

import typer

from freight_sim.cli.common import user_errors


def register(app: typer.Typer) -> None:
    @app.command()
    def validate(
        file: Path = typer.Argument(..., help="scenario file (YAML or TOML)"),
        set_: list[str] = typer.Option([], "--set", help="override a field: dotted.path=value (repeatable)"),
    ) -> None:
        """Check a scenario file: schema, data files (fleet mixes, profiles, grid), network nodes and reachability."""
        from freight_sim.config import load_scenario
        from freight_sim.scenario_checks import checked_spec

        with user_errors():
            loaded = load_scenario(file, set_)
            scenario = loaded.model
            checked_spec(loaded)  # every check `run` makes before simulating, model assembly included
            typer.echo(f"{file}: ok: scenario '{scenario.name}', {len(scenario.enterprises)} enterprises")
