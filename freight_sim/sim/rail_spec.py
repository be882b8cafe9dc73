"""The rail part of the static model: loading terminals (public stations and sidings, with their
timetables), line sections and yards, and the crossings of a train's run; with the checks of each that
``freight_sim.sim.spec.check_spec`` makes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from freight_sim.sim.spec import HOURS_PER_DAY


@dataclass(frozen=True)
class Crossing:
    """A train reaches line section (or yard) ``section`` ``offset_h`` after it sets off, if it never waits."""

    section: str
    offset_h: float


@dataclass(frozen=True, kw_only=True)
class RailTerminal:
    """A public station or a siding where trains load: loading tracks at a t/h rate and wagon sets.

    Trains are formed as soon as a pile holds a train load, or, with ``slots_h``, only at those hours of
    each day, taking up to a train load when a pile holds at least ``min_load_t``.
    """

    id: str
    node: str
    kind: str  # 'station' | 'siding'
    loading_rate_tph: float
    loading_tracks: int
    wagon_sets: int
    train_load_t: float
    slots_h: tuple[float, ...] = ()
    min_load_t: float = 0.0
    opens_h: float = 0.0  # trains start loading only from opens_h to closes_h (hours of day; equal: always)
    closes_h: float = 0.0


@dataclass(frozen=True, kw_only=True)
class LineSection:
    """Train paths of one line section in one direction (or both, on single track), or a yard's receiving tracks.

    ``paths_per_day`` paths lie on a daily grid ``24 / floor(paths_per_day)`` h apart; those starting inside
    the daily maintenance window are closed; ``background_per_day`` of the others (passenger and through
    trains) are taken before the region's trains, spread evenly. A yard (``kind='yard'``) admits a train
    every ``dwell_h / tracks`` h and holds it ``dwell_h``.
    """

    id: str
    paths_per_day: float
    maintenance_start_h: float = 0.0
    maintenance_h: float = 0.0
    background_per_day: float = 0.0
    kind: str = "line_section"  # 'line_section' | 'yard'


def section_problems(section: LineSection):
    """What is wrong with a line section: fewer than one path a day, or background traffic that leaves no path."""
    from freight_sim.sim.line_sections import free_slot_offsets

    where = f"line section {section.id}"
    if section.paths_per_day < 1:
        yield f"{where}: paths_per_day {section.paths_per_day:g} must be at least 1"
        return
    free = len(free_slot_offsets(section.paths_per_day, section.maintenance_start_h, section.maintenance_h))
    if not 0 <= section.background_per_day < free:
        yield f"{where}: background {section.background_per_day:g} trains/day leaves none of its {free} open paths a day"


def slot_hours_problem(slots_h: Sequence[float]) -> str | None:
    """What is wrong with a timetable's slot hours (each in [0, 24), rising strictly), or None.

    The one home of this rule: the scenario schema and ``check_spec`` (through ``timetable_problems``) both call it."""
    if any(not 0.0 <= h < HOURS_PER_DAY for h in slots_h):
        return f"slot hours must lie in [0, 24): {list(slots_h)}"
    if any(b <= a for a, b in pairwise(slots_h)):
        return f"slot hours must rise strictly: {list(slots_h)}"
    return None


def timetable_problems(terminal: RailTerminal):
    """What is wrong with a terminal's timetable: its slot hours, or a minimum load outside (0, train load]."""
    slots = terminal.slots_h
    if not slots:
        return
    where = f"terminal {terminal.id}"
    if problem := slot_hours_problem(slots):
        yield f"{where}: {problem}"
    if not 0.0 < terminal.min_load_t <= terminal.train_load_t:
        yield f"{where}: min_load_t {terminal.min_load_t:g} must be above 0 and at most the train load {terminal.train_load_t:g}"
