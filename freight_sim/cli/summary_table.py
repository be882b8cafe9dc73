"""Readable terminal summary of a run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def print_run_summary(summary: dict[str, Any], out_dir: Path) -> None:
    console = Console()
    table = Table(title=f"{summary['scenario']}: {summary['simulated_days']:g} simulated days, seed {summary['seed']}", show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        (f"clean-transport ratio ({summary['rule_profile']})", f"{summary['clean_transport_ratio']:.1%}"),
        (f"key enterprises at {summary['target_ratio']:.0%}", f"{summary['enterprises_compliant']} of {len(summary['enterprises'])}"),
        ("tonnes delivered", f"{summary['tonnes_delivered']:,.0f} t"),
        *((f"  by {chain}", f"{tonnes:,.0f} t") for chain, tonnes in summary["tonnes_by_chain"].items()),
        ("backlog at end", f"{summary['backlog_t']:,.0f} t"),
        ("truck trips", f"{summary['truck_trips']:,}"),
        ("train departures", f"{summary['train_departures']:,}" + _missed(summary)),
        ("NOx (tailpipe)", f"{summary['nox_kg']:,.0f} kg"),
        ("PM (tailpipe)", f"{summary['pm_kg']:,.0f} kg"),
        ("CO2 tank-to-wheel", f"{summary['co2_ttw_t']:,.0f} t"),
        ("CO2 well-to-wheel", f"{summary['co2_wtw_t']:,.0f} t"),
        ("transport cost", f"{summary['cost_cny'] / 1e6:,.1f} M CNY ({summary['cost_cny_per_t']:.1f} CNY/t)"),
        ("mean wait at loading bays", f"{summary['loading_bay_wait_mean_h'] * 60:.1f} min"),
        ("mean wait at swap stations", f"{summary['swap_wait_mean_h'] * 60:.1f} min"),
        ("mean wait at full station piles", f"{summary.get('station_pile_wait_mean_h', 0.0) * 60:.1f} min"),
        ("events / wall time", f"{summary['events']:,} / {summary['wall_s']:.1f} s"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    console.print(f"results in {out_dir}/ (summary.json, report.html, KPI tables, manifest.json)")


def _missed(summary: dict) -> str:
    missed = summary.get("train_slots_missed", 0)
    return f" ({missed:,} timetable slots missed)" if missed else ""
