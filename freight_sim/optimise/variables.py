"""Decision variables as lists of concrete scenario values, and a portfolio (one choice per variable) as patches.

Choice 0 of every variable is the base scenario's own value, so the all-zero portfolio is the base. A patch
sets every key of a mapping it changes (zero shares included), because patches merge into the base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from freight_sim.config.scenario import Scenario
from freight_sim.config.yaml_source import Location, SourceMap
from freight_sim.errors import ConfigError
from freight_sim.experiments.design import Patch, nested
from freight_sim.optimise.spec import ChainShiftVariable, FleetShareVariable, Optimisation, ValuesVariable, YearVariable

SHARE_DIGITS = 9


@dataclass(frozen=True, kw_only=True)
class Choices:
    """One decision variable: its name, scenario path, the values it can take (the base's own first) and their labels."""

    name: str
    path: tuple[str, ...]
    values: tuple[Any, ...]
    labels: tuple[str, ...]
    location: Location


def _get(data: Any, path: Sequence[str]) -> Any:
    for part in path:
        data = getattr(data, part) if not isinstance(data, Mapping) else data.get(part)
        if data is None:
            return None
    return data


def _rounded(shares: Mapping[str, float]) -> dict[str, float]:
    out = {key: round(float(value), SHARE_DIGITS) for key, value in shares.items()}
    drift = round(1.0 - sum(out.values()), SHARE_DIGITS)
    if drift and out:
        largest = max(out, key=lambda k: out[k])
        out[largest] = round(out[largest] + drift, SHARE_DIGITS)
    return out


def _base_mix(scenario: Scenario, path: tuple[str, ...], named: Mapping[str, Mapping[str, float]], where: str) -> dict[str, float]:
    if path[0] == "pathway":
        renewal = scenario.pathway.fleet_renewals.get(path[2]) if scenario.pathway is not None else None
        if renewal is None:
            raise ConfigError(f"{where}: the base scenario's pathway has no fleet renewal {path[2]!r}")
        target: Any = named.get(renewal.mix, {renewal.mix: 1.0}) if isinstance(renewal.mix, str) else renewal.mix
        return {str(k): float(v) for k, v in dict(target).items()}
    if path[1] not in scenario.enterprises:
        raise ConfigError(f"{where}: no enterprise {path[1]!r} in the base scenario")
    mix: Any = _get(scenario, path)
    if path[-1] == "drayage_fleet_mix":
        if scenario.fleet.drayage_mix_everywhere:
            raise ConfigError(f"{where}: the base scenario sets fleet.drayage_mix_everywhere, so an enterprise's drayage mix is not used")
        mix = scenario.drayage_mix_for(path[1])[1]
    if isinstance(mix, str):
        mix = named.get(mix, {mix: 1.0})
    return {str(k): float(v) for k, v in dict(mix or {}).items()}


def fleet_share_values(variable: FleetShareVariable, base: Mapping[str, float], where: str) -> list[dict[str, float]]:
    """The mix at each step: ``vehicle`` at the step's share, the other vehicles in the base mix's proportions."""
    others = {k: v for k, v in base.items() if k != variable.vehicle and v > 0}
    rest = sum(others.values())
    keys = sorted({*base, variable.vehicle})
    values = []
    for step in variable.steps:
        if step < 1 and rest <= 0:
            raise ConfigError(f"{where}: the base mix is all {variable.vehicle}; a share of {step} leaves nothing for the rest")
        mix = {k: 0.0 for k in keys}
        mix[variable.vehicle] = step
        for key, share in others.items():
            mix[key] = (1 - step) * share / rest
        values.append(_rounded(mix))
    return values


def chain_shift_values(variable: ChainShiftVariable, base: Mapping[str, float], where: str) -> list[dict[str, float]]:
    """The flow's chain shares at each step: that part of the ``from_chain`` share moved to ``to_chain``."""
    source, target = variable.from_chain.value, variable.to_chain.value
    if base.get(source, 0.0) <= 0:
        raise ConfigError(f"{where}: the flow has no {source} share to move")
    values = []
    for step in variable.steps:
        shares = {k: float(v) for k, v in base.items()}
        moved = shares[source] * step
        shares[source] -= moved
        shares[target] = shares.get(target, 0.0) + moved
        values.append(_rounded(shares))
    return values


def _plain(value: Any) -> Any:
    """A date as ISO text (as the base scenario's dump gives it), so a value equal to the base's is recognised."""
    return value.isoformat() if isinstance(value, dt.date) else value


def year_values(variable: YearVariable, base: Scenario, own: Any, where: str, where_years: str) -> list[str]:
    """The dates of a ``year`` variable (ISO text), each checked against the base's pathway years."""
    if base.pathway is None:
        raise ConfigError(f"{where}: the base scenario has no pathway section: a year variable dates a pathway's measure")
    if variable.path.startswith("pathway.fleet_renewals.") and own is None:
        raise ConfigError(f"{where}: the base scenario's pathway has no fleet renewal {variable.path.split('.')[2]!r}")
    first, last = base.pathway.years.first, base.pathway.years.last
    outside = [y for y in variable.years if not first <= y <= last]
    if outside:
        raise ConfigError(f"{where_years}: {', '.join(map(str, outside))} outside the pathway's years {first}-{last}")
    return [dt.date(y, variable.month, variable.day).isoformat() for y in variable.years]


def _label(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v:.0%}" for k, v in value.items() if v > 0)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _base_value(base: Scenario, path: tuple[str, ...]) -> Any:
    data: Any = base.model_dump(mode="json")
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _variable_choices(
    variable: Any, base: Scenario, path: tuple[str, ...], named_mixes: Mapping[str, Mapping[str, float]], where: str, where_years: str = ""
):
    """(values, labels) of one variable, the base scenario's own value first."""
    if isinstance(variable, ValuesVariable):
        own = _base_value(base, path)
        values = [own, *dict.fromkeys(_plain(v) for v in variable.values if _plain(v) != own)]
        return values, [f"{_label(own)} (base)", *(_label(v) for v in values[1:])]
    if isinstance(variable, YearVariable):
        own = _base_value(base, path)
        dates = [d for d in year_values(variable, base, own, where, where_years) if d != own]
        return [own, *dates], [f"{'not dated' if own is None else own} (base)", *dates]
    if isinstance(variable, FleetShareVariable):
        mix = _base_mix(base, path, named_mixes, where)
        share = mix.get(variable.vehicle, 0.0)
        steps = [s for s in variable.steps if s > share + 1e-9]
        if not steps:
            raise ConfigError(f"{where}: the base mix already has {share:.0%} {variable.vehicle}, at or above every step")
        chosen = fleet_share_values(variable.model_copy(update={"steps": steps}), mix, where)
        return [mix, *chosen], [f"{variable.vehicle} {share:.0%} (base)", *(f"{variable.vehicle} {s:.0%}" for s in steps)]
    flow = _get(base, path)
    if flow is None:
        raise ConfigError(f"{where}: no such flow in the base scenario")
    shares = {k.value: v for k, v in (flow.chain_shares or base.chains.default_shares).items()}
    steps = [s for s in variable.steps if s > 0]
    moved = chain_shift_values(variable.model_copy(update={"steps": steps}), shares, where)
    arrow = f"{variable.from_chain.value} -> {variable.to_chain.value}"
    return [shares, *moved], [f"0% {arrow} (base)", *(f"{s:.0%} {arrow}" for s in steps)]


def decision_choices(optimisation: Optimisation, base: Scenario, named_mixes: Mapping[str, Mapping[str, float]]) -> list[Choices]:
    """Every variable of the optimisation file as concrete values on ``base``, the base's own value first (choice
    0); errors name the file's line."""
    out: list[Choices] = []
    problems: list[str] = []
    for i, variable in enumerate(optimisation.spec.variables):
        where = optimisation.where("variables", i, "path")
        path = tuple(variable.path.split("."))
        try:
            values, labels = _variable_choices(variable, base, path, named_mixes, where, optimisation.where("variables", i, "years"))
        except ConfigError as exc:
            problems += exc.lines
            continue
        if len(values) < 2:
            problems.append(f"{where}: every value equals the base scenario's: the variable has no choice")
            continue
        location = optimisation.source.where(("variables", i))
        target = (*path, "chain_shares") if isinstance(variable, ChainShiftVariable) else path
        out.append(Choices(name=variable.name, path=target, values=tuple(values), labels=tuple(labels), location=location))
    if problems:
        raise ConfigError(*problems)
    return out


def portfolio_patches(choices: Sequence[Choices], picks: Sequence[int]) -> list[Patch]:
    """The scenario patches of a portfolio (``picks[i]``: index into ``choices[i].values``); base choices add none."""
    patches: list[Patch] = []
    for variable, pick in zip(choices, picks, strict=True):
        if pick == 0:
            continue
        smap = SourceMap({variable.path[:j]: variable.location for j in range(len(variable.path) + 1)}, variable.location.file)
        patches.append((nested(variable.path, variable.values[pick]), smap))
    return patches


def portfolio_label(choices: Sequence[Choices], picks: Sequence[int]) -> str:
    """``name=label; ...`` of the variables a portfolio changes, or ``base``."""
    parts = [f"{v.name}={v.labels[p]}" for v, p in zip(choices, picks, strict=True) if p]
    return "; ".join(parts) or "base"
