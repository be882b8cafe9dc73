"""Plausibility bounds of record rows (``plausibility.yaml`` beside this module): the largest net weight
one gate movement can carry by mode, wagon labels, the kg-column check and export-date markers."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml


@dataclass(frozen=True, kw_only=True)
class Plausibility:
    net_weight_max_t: dict[str, float]  # road, rail_wagon, rail_train, conveyor, waterway, pipeline
    wagon_markers: tuple[str, ...]
    kg_column_min_median_kg: float
    export_date_markers: tuple[str, ...]

    def max_net_weight_t(self, mode: str, wagon: bool = False) -> float | None:
        if mode == "rail":
            return self.net_weight_max_t["rail_wagon" if wagon else "rail_train"]
        return self.net_weight_max_t.get(mode)


def load_plausibility() -> Plausibility:
    text = resources.files("freight_sim.records").joinpath("plausibility.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return Plausibility(
        net_weight_max_t={mode: float(entry["value"]) for mode, entry in data["net_weight_max_t"].items()},
        wagon_markers=tuple(str(m) for m in data["wagon_markers"]),
        kg_column_min_median_kg=float(data["kg_column_min_median_kg"]["value"]),
        export_date_markers=tuple(str(m) for m in data["export_date_markers"]),
    )
