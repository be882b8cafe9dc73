"""``freight-sim generate province``: a synthetic province scenario (network + shippers) from sourced figures.

The result is a folder with ``nodes.csv``, ``edges.csv``, ``scenario.yaml`` (``illustrative: true``,
network by relative paths) and ``README.md``; the same seed and figures give byte-identical files.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from freight_sim import atomic
from freight_sim.errors import ConfigError, FreightSimError
from freight_sim.province import DEFAULT_SEED
from freight_sim.province.figures import FIGURES_PATH, ProvinceFigures, load_figures
from freight_sim.province.network_gen import EDGE_COLUMNS, NODE_COLUMNS, build_backbone
from freight_sim.province.readme import province_readme
from freight_sim.province.shippers_gen import (
    NO_BATTERY_MIXES,
    Shipper,
    add_flows,
    add_haul_lengths,
    add_sidings,
    enterprise_block,
    place_shippers,
)

FILES = ("nodes.csv", "edges.csv", "scenario.yaml", "README.md")


@dataclass(frozen=True, kw_only=True)
class GeneratedProvince:
    """The generated tables and scenario mapping, and the figures and seed they came from."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    scenario: dict
    shippers: tuple[Shipper, ...]
    figures: ProvinceFigures
    seed: int
    command: str

    @property
    def tonnes_per_year(self) -> float:
        return sum(f["tonnes_per_year"] for e in self.scenario["enterprises"].values() for f in e["flows"].values())


def _check_references(figures: ProvinceFigures) -> None:
    """Every gateway, stop and city a figures file names exists in it (FILE:LINE-free: names the field)."""
    where = figures.path
    gateways, codes = set(figures.gateways), {c.code for c in figures.cities.values()}
    problems = []
    for key, city in figures.cities.items():
        problems += [f"{where}:1: cities.{key}.gateways: unknown gateway {g}" for g in city.gateways if g not in gateways]
    for railway in figures.railways:
        for stop in railway.stops:
            if stop not in gateways and not (stop.startswith("ST_") and stop[3:] in codes):
                problems.append(f"{where}:1: railways.{railway.line}: unknown stop {stop} (ST_<city code> or a gateway)")
    for a, b in figures.expressways:
        problems += [f"{where}:1: expressways: unknown city {c}" for c in (a, b) if c not in figures.cities]
    for gw, city_key in figures.expressway_gateways.items():
        if gw not in gateways or city_key not in figures.cities:
            problems.append(f"{where}:1: expressway_gateways.{gw}: unknown gateway or city {city_key}")
    if problems:
        raise ConfigError(*problems)


def _scenario(figures: ProvinceFigures, shippers: list[Shipper], seed: int) -> dict:
    enterprises = {s.eid: enterprise_block(s, figures.cities[s.city].name) for s in shippers}
    return {
        "name": "shanxi-synthetic",
        "description": (
            f"SYNTHETIC province-scale scenario: {len(shippers)} generated bulk shippers across Shanxi's 11 prefecture-level "
            "cities, sized from province-level figures (freight_sim/province/shanxi_figures.yaml); sites, shippers and "
            "flows are illustrative, not observed."
        ),
        "illustrative": True,
        "network": {"nodes_csv": "nodes.csv", "edges_csv": "edges.csv"},
        "fleet": {
            "catalog": "bundled",
            "mixes": "bundled",
            "drayage_mix": "drayage-typical",
            "target_trips_per_truck_day": 3.0,
            "extra_mixes": NO_BATTERY_MIXES,
        },
        "chains": {"rule": "siding_first", "default_shares": {"road": 1.0}, "drayage_station": "nearest"},
        "disruptions": {
            "alerts": {"sampled": {"orange_days_per_year": 6, "red_days_per_year": 1, "winter_weight": 4.0, "mean_episode_days": 2.0}},
            "rail_maintenance": {"window_start_h": 10.0, "window_h": 2.0},
        },
        "accounting": {
            "rule_profile": "nev-counts",
            "target_ratio": 0.8,
            "scope_threshold_t_per_year": 1500000,
            "grid": {"factor": "shanxi-2023"},
            "factors": "bundled",
            "costs": "bundled",
            "well_to_wheel": True,
        },
        "simulation": {
            "days": 365,
            "warmup_days": 0,
            "seed": seed,
            "start_date": "2025-01-01",
            "travel_time_cv": 0.1,
            "record_legs": False,
        },
        "enterprises": enterprises,
    }


def generate_province(seed: int = DEFAULT_SEED, figures_path: Path | None = None) -> GeneratedProvince:
    """Generate the province from the figures file (the bundled Shanxi one by default) and ``seed``."""
    if seed < 0:
        raise FreightSimError(f"--seed: must be 0 or more, got {seed}")
    figures = load_figures(figures_path)
    _check_references(figures)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    net = build_backbone(figures, rng)
    shippers = place_shippers(figures, net, rng)
    add_flows(figures, net, shippers, rng)
    add_sidings(figures, net, shippers, rng)
    add_haul_lengths(net, shippers)
    figures_arg = "" if figures_path is None else f" --figures {figures_path}"
    command = f"freight-sim generate province --out DIR --seed {seed}{figures_arg}"
    return GeneratedProvince(
        nodes=pd.DataFrame(net.nodes, columns=list(NODE_COLUMNS)),
        edges=pd.DataFrame(net.edges, columns=list(EDGE_COLUMNS)),
        scenario=_scenario(figures, shippers, seed),
        shippers=tuple(shippers),
        figures=figures,
        seed=seed,
        command=command,
    )


def _scenario_text(province: GeneratedProvince) -> str:
    header = (
        "# SYNTHETIC province-scale scenario (Shanxi), generated: do not edit by hand, regenerate instead.\n"
        f"#   {province.command}\n"
        "# Shippers, sites, sizes and flows are drawn from province-level figures with sources\n"
        f"# ({FIGURES_PATH.name} in freight_sim/province/); they are illustrative, not records of real firms.\n"
        "# See README.md beside this file for what is sourced and what is estimated.\n\n"
    )
    return header + yaml.safe_dump(province.scenario, sort_keys=False, allow_unicode=True, width=140)


def _csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def write_province(province: GeneratedProvince, out_dir: Path | str, overwrite: bool = False) -> list[Path]:
    """Write the four files into ``out_dir``; a folder holding other files, or these without ``overwrite``, is refused."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FreightSimError(f"{out}: --out: names an existing file, not a folder")
    present = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    foreign = [name for name in present if name not in FILES]
    if foreign:
        raise FreightSimError(f"{out}: --out: the folder holds other files ({', '.join(foreign[:3])}); choose an empty or new folder")
    if present and not overwrite:
        raise FreightSimError(f"{out}: --out: the folder already holds {', '.join(present)}; give --overwrite to replace them")
    out.mkdir(parents=True, exist_ok=True)
    texts = {
        "nodes.csv": _csv_text(province.nodes),
        "edges.csv": _csv_text(province.edges),
        "scenario.yaml": _scenario_text(province),
        "README.md": province_readme(province),
    }
    for name, text in texts.items():
        atomic.write_text(out / name, text)
    return [out / name for name in FILES]
