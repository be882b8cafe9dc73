"""Fleet mixes: named shares of road vehicle types, and truck counts allocated over them.

``fleets/mixes.yaml`` maps a mix name to ``{source, estimate, shares: {vehicle id: share}}``. A scenario
names a mix, gives one inline (vehicle id -> share), or defines extra named mixes
(``fleet.extra_mixes``, which take precedence over the file).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator

from freight_sim.datafile import Strict, load_data_file, resolve_data_path
from freight_sim.errors import ConfigError
from freight_sim.fleet.catalog import FleetCatalog

SHARE_TOLERANCE = 1e-6


class MixEntry(Strict):
    source: str = Field(min_length=3)
    estimate: bool
    shares: dict[str, float] = Field(min_length=1)

    @field_validator("shares")
    @classmethod
    def _valid_shares(cls, shares: dict[str, float]) -> dict[str, float]:
        if any(not 0.0 <= s <= 1.0 for s in shares.values()):
            raise ValueError("each share is between 0 and 1 (a value above 1 is likely a percentage)")
        if abs(sum(shares.values()) - 1.0) > SHARE_TOLERANCE:
            raise ValueError(f"shares must sum to 1, got {sum(shares.values()):.6g}")
        return shares


class MixFile(Strict):
    mixes: dict[str, MixEntry] = Field(min_length=1)


@dataclass(frozen=True)
class FleetMixes:
    """Named mixes as loaded: name -> shares (sorted by vehicle id)."""

    mixes: dict[str, dict[str, float]]
    path: Path

    def names(self) -> list[str]:
        return sorted(self.mixes)


def load_mixes(path: Path | str | None = None, catalog: FleetCatalog | None = None) -> FleetMixes:
    """Load named mixes (``None``/``'bundled'``: ``fleets/mixes.yaml``); with a catalog, check every id is a road vehicle."""
    file_path = resolve_data_path(path, "mixes.yaml")
    file, smap = load_data_file(MixFile, file_path)
    if catalog is not None:
        errors = [
            f"{smap.where(('mixes', name, 'shares', vid))}: mixes.{name}.shares.{vid}: {problem}"
            for name, entry in file.mixes.items()
            for vid in entry.shares
            if (problem := _id_problem(catalog, vid))
        ]
        if errors:
            raise ConfigError(*errors)
    return FleetMixes({name: dict(sorted(e.shares.items())) for name, e in sorted(file.mixes.items())}, file_path)


def _id_problem(catalog: FleetCatalog, vehicle_id: str) -> str | None:
    if vehicle_id not in catalog.vehicles:
        return f"unknown vehicle type {vehicle_id!r}; known road types: {', '.join(catalog.ids('road'))}"
    if catalog.vehicles[vehicle_id].mode != "road":
        return f"{vehicle_id!r} is a {catalog.vehicles[vehicle_id].mode} vehicle; a fleet mix holds road trucks"
    return None


def resolve_mix(
    catalog: FleetCatalog,
    mixes: FleetMixes | Mapping[str, Mapping[str, float]],
    mix: str | Mapping[str, float],
    extra_mixes: Mapping[str, Mapping[str, float]] | None = None,
    field: str = "fleet_mix",
) -> dict[str, float]:
    """Shares by vehicle id (sorted ids, zero shares dropped) for a mix name or an inline mix.

    Names are looked up in ``extra_mixes`` first, then in ``mixes``. ``field`` names the config field in
    error messages. Raises ConfigError for an unknown name, an unknown or non-road vehicle id, or shares
    that do not sum to 1.
    """
    named = mixes.mixes if isinstance(mixes, FleetMixes) else mixes
    extra = extra_mixes or {}
    if isinstance(mix, str):
        if mix in extra:
            shares, label = extra[mix], f"fleet.extra_mixes.{mix}"
        elif mix in named:
            shares, label = named[mix], f"mix {mix!r}"
        else:
            known = sorted(set(named) | set(extra))
            raise ConfigError(f"{field}: unknown fleet mix {mix!r}; known: {', '.join(known)}")
    else:
        shares, label = mix, "inline mix"
    errors = [f"{field}: {label}: {vid}: {problem}" for vid in sorted(shares) if (problem := _id_problem(catalog, vid))]
    errors += [f"{field}: {label}: {vid}: share {s!r} is not between 0 and 1" for vid, s in sorted(shares.items()) if not 0.0 <= s <= 1.0]
    if errors:
        raise ConfigError(*errors)
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ConfigError(f"{field}: {label}: shares must sum to 1, got {total:.6g}")
    return {vid: float(s) for vid, s in sorted(shares.items()) if s > 0.0}


def allocate_trucks(mix: Mapping[str, float], n_trucks: int) -> dict[str, int]:
    """Whole trucks per vehicle id by largest remainder (ties broken by id); sums to ``n_trucks``.

    Every id of the mix appears in the result (possibly with 0), in sorted order.
    """
    if n_trucks < 0:
        raise ValueError(f"n_trucks must be >= 0, got {n_trucks}")
    total = sum(mix.values())
    if not mix or total <= 0:
        raise ValueError("a mix needs at least one positive share")
    ids = sorted(mix)
    quotas = {vid: n_trucks * mix[vid] / total for vid in ids}
    counts = {vid: math.floor(q) for vid, q in quotas.items()}
    left = n_trucks - sum(counts.values())
    by_remainder = sorted(ids, key=lambda vid: (-(quotas[vid] - counts[vid]), vid))
    for vid in by_remainder[:left]:
        counts[vid] += 1
    return counts
