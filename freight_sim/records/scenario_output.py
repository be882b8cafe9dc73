"""Write the scenario fitted to shipment records (``scenario.yaml``, ``counterpart_map.csv``) and check
that it validates, data files and network included, before saying it was written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from freight_sim.atomic import write_csv, write_text
from freight_sim.errors import ConfigError, NetworkError
from freight_sim.records.aliases import AliasTable
from freight_sim.records.audit import clean_mask
from freight_sim.records.scenario_builder import ScenarioRequest, build_scenario

__all__ = ["ScenarioRequest", "write_scenario"]


def write_scenario(out_dir: Path, frame: pd.DataFrame, profile, aliases: AliasTable, request: ScenarioRequest) -> dict[str, Any]:
    """Write the files and return what summary.json says about them: ``written`` false with the reason when
    the records cannot make a scenario, or the scenario would not validate or assemble (then only
    counterpart_map.csv is left, to edit)."""
    from freight_sim.config.loader import load_model
    from freight_sim.config.scenario import NetworkSource, Scenario
    from freight_sim.network import load_network
    from freight_sim.network.load import load_network_source
    from freight_sim.records.counterparts import load_counterpart_rules
    from freight_sim.scenario_checks import all_problems
    from freight_sim.sim.api import build_spec

    network = load_network_source(NetworkSource(bundled=load_counterpart_rules()["network"]))
    try:
        built = build_scenario(frame, clean_mask(frame, profile), aliases, request, network)
    except ValueError as exc:
        return {"written": False, "reason": str(exc)}
    out_dir = Path(out_dir)
    path = out_dir / "scenario.yaml"
    write_csv(out_dir / "counterpart_map.csv", built.counterparts)
    write_text(path, built.as_yaml())
    try:
        loaded = load_model(Scenario, path)
        network = load_network(loaded)
        problems = all_problems(loaded, network)
        if not problems:
            build_spec(loaded, network=network)  # routes, fleets, battery ranges: what a run checks before it starts
    except (ConfigError, NetworkError) as exc:
        problems = getattr(exc, "lines", [str(exc)])
    if problems:  # e.g. battery trucks whose haul to a placed counterpart exceeds their range
        path.unlink()
        return {"written": False, "reason": "; ".join(problems), "counterpart_map": "counterpart_map.csv"}
    return {
        "written": True,
        "file": "scenario.yaml",
        "counterpart_map": "counterpart_map.csv",
        "records_ratio": round(built.records_ratio, 6),
        "records_trips_per_truck": None if built.records_trips_per_truck is None else round(built.records_trips_per_truck, 4),
        "node": built.scenario["enterprises"][request.enterprise_id]["node"],
    }
