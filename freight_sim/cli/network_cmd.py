"""`freight-sim network show [FILE] [--bundled NAME] [--png PATH]`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import JustifyMethod


def summary_table(summary: dict, title: str):
    """A rich table of node counts by kind, then edge counts and km by mode."""
    from rich.table import Table

    table = Table(title=title)
    columns: tuple[tuple[str, JustifyMethod], ...] = (("item", "left"), ("count", "right"), ("km", "right"))
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for kind, count in summary["nodes_by_kind"].items():
        table.add_row(f"nodes: {kind}", str(count), "")
    for mode, count in summary["edges_by_mode"].items():
        table.add_row(f"edges: {mode}", str(count), f"{summary['km_by_mode'][mode]:,.1f}")
    table.add_row("rail electrified", "", f"{summary['electrified_rail_km']:,.1f}")
    return table


def register(app: typer.Typer) -> None:
    network_app = typer.Typer(help="Inspect the multimodal network of a scenario.", no_args_is_help=True)
    app.add_typer(network_app, name="network")

    @network_app.command()
    def show(
        file: Path | None = typer.Argument(None, help="scenario file (default: the bundled Changzhi scenario)"),
        bundled: str | None = typer.Option(None, "--bundled", help="show a bundled network by name instead of a scenario's"),
        png: Path | None = typer.Option(None, "--png", help="also draw the network to this PNG or SVG file"),
        flows: Path | None = typer.Option(None, "--flows", help="with --png: draw the tonnes moved in this run folder (its legs.parquet)"),
    ) -> None:
        """Print node counts by kind and edge counts and km by mode; optionally draw a map (sidings, or a run's flows)."""
        from rich.console import Console

        from freight_sim.cli.common import user_errors
        from freight_sim.config import load_scenario
        from freight_sim.config.scenario import NetworkSource
        from freight_sim.errors import ConfigError
        from freight_sim.network import load_network, load_network_source
        from freight_sim.paths import default_scenario_path

        with user_errors():
            if file is not None and bundled is not None:
                raise ConfigError("--bundled:1: network: give a scenario file or --bundled, not both")
            if file is None and bundled is None and default_scenario_path().is_file():
                file = default_scenario_path()
            sidings = None
            if file is not None:
                loaded = load_scenario(file)
                net = load_network(loaded)
                from freight_sim.kpis import siding_sites_table

                sidings = siding_sites_table(loaded.model)
            else:
                net = load_network_source(NetworkSource(bundled=bundled or "changzhi"))
            Console().print(summary_table(net.summary(), f"Network {net.source}"))
            if flows is not None and png is None:
                raise ConfigError("--flows:1: flows: give --png FILE to draw the flows to")
            if png is not None:
                from freight_sim.network.draw import draw_network

                edge_tonnes = None
                if flows is not None:
                    from freight_sim.network.flows import read_run_flows

                    edge_tonnes, sidings = read_run_flows(net, flows)
                typer.echo(f"wrote {draw_network(net, png, sidings=sidings, flows=edge_tonnes)}")
