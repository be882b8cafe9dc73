"""Vehicles of a fleet mix that cannot serve a road segment, and what serves it instead.

A vehicle type cannot serve a segment when its battery does not cover the haul even with swaps at both
ends (or no station is reachable), or when alerts ban it on every day of the run. Such a type's share goes
to the types of the same mix that can serve, in proportion to their shares; when none can, the
enterprise's fallback mix (``fallback_fleet_mix``, else ``fleet.fallback_mix``) serves, re-weighted the same
way. Every reassignment is a ``FleetSubstitution`` row (and a warning); only a segment that no vehicle of
either mix can serve is an error.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

SUBSTITUTION_COLUMNS = ("lane", "segment", "vehicle_asked", "vehicle_used", "share", "tonnes_per_year", "reason")


class FleetSubstitutionWarning(UserWarning):
    """A vehicle type of a fleet mix replaced on a segment it cannot serve."""


@dataclass(frozen=True, kw_only=True)
class FleetSubstitution:
    """``share`` of the segment's trucks asked of ``vehicle_asked`` and run with ``vehicle_used``;
    ``tonnes_per_year`` is that share of the lane's planned (demand-scaled) tonnage."""

    lane: str
    segment: str
    vehicle_asked: str
    vehicle_used: str
    share: float
    tonnes_per_year: float
    reason: str


@dataclass(frozen=True)
class ServingMix:
    """The shares that run a segment, the substitutions made, and the problems of the types left out."""

    shares: dict[str, float]
    substitutions: tuple[FleetSubstitution, ...]
    problems: dict[str, str]


def serving_mix(
    asked: Mapping[str, float],
    fallback: Callable[[], Mapping[str, float]],
    cannot_serve: Callable[[str], str | None],
    *,
    lane: str,
    segment: str,
    tonnes_per_year: float,
) -> ServingMix:
    """The mix that serves a segment (see module docstring). ``fallback()`` resolves the fallback mix
    (called only when needed); ``cannot_serve(vehicle id)`` is the reason it cannot serve, or None.
    ``shares`` is empty when no vehicle of either mix can serve."""
    problems = {vid: reason for vid, share in sorted(asked.items()) if share > 0 and (reason := cannot_serve(vid)) is not None}
    if not problems:
        return ServingMix(dict(asked), (), {})
    used = {vid: share for vid, share in asked.items() if share > 0 and vid not in problems}
    if not used:
        backup = fallback()
        backup_problems = {vid: why for vid, s in sorted(backup.items()) if s > 0 and (why := cannot_serve(vid)) is not None}
        used = {vid: share for vid, share in backup.items() if share > 0 and vid not in backup_problems}
        if not used:
            return ServingMix({}, (), {**problems, **backup_problems})
    total = sum(used.values())
    used = {vid: share / total for vid, share in sorted(used.items())}
    rows = tuple(
        FleetSubstitution(
            lane=lane,
            segment=segment,
            vehicle_asked=asked_id,
            vehicle_used=used_id,
            share=asked[asked_id] * used_share,
            tonnes_per_year=tonnes_per_year * asked[asked_id] * used_share,
            reason=problems[asked_id],
        )
        for asked_id in sorted(problems)
        for used_id, used_share in used.items()
    )
    return ServingMix(used, rows, problems)


def warn_substitutions(where: str, substitutions: tuple[FleetSubstitution, ...]) -> None:
    """One warning per vehicle type replaced on a segment, located at ``where`` (``FILE:LINE: field``)."""
    by_asked: dict[tuple[str, str, str], list[FleetSubstitution]] = {}
    for row in substitutions:
        by_asked.setdefault((row.lane, row.segment, row.vehicle_asked), []).append(row)
    located = re.match(r"^(?P<file>.+):(?P<line>\d+): (?P<field>.+)$", where)
    file, line, field = (located["file"], int(located["line"]), located["field"]) if located else ("<scenario>", 1, where)
    for (lane, segment, asked), rows in by_asked.items():
        used = ", ".join(f"{r.vehicle_used} {r.tonnes_per_year:,.0f} t/yr" for r in rows)
        message = f"{field}: lane {lane} ({segment}): {asked} cannot serve it ({rows[0].reason}); run with {used}"
        # shown as FILE:LINE: FleetSubstitutionWarning: field: message, located at the scenario field
        warnings.warn_explicit(message, FleetSubstitutionWarning, file, line)


def substitutions_table(substitutions: tuple[FleetSubstitution, ...]) -> pd.DataFrame:
    """The ``fleet_substitutions`` table of a run (empty, with its columns, when nothing was replaced)."""
    return pd.DataFrame([[getattr(r, c) for c in SUBSTITUTION_COLUMNS] for r in substitutions], columns=list(SUBSTITUTION_COLUMNS))
