"""Checks of a validated scenario against its data files (fleet catalog and mixes, profiles, grid table).

Each problem is one ``FILE:LINE: dotted.field: message`` line pointing at the scenario field that names
the missing thing. Network checks live in ``freight_sim.network.validate``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from freight_sim.config import Loaded, data_path
from freight_sim.errors import ConfigError


def _strip_field(line: str, field: str) -> str:
    """A message from a library error line ``field: message`` without its field prefix."""
    return line.removeprefix(f"{field}: ")


def _mix_problems(loaded: Loaded, catalog, mixes) -> Iterator[str]:
    from freight_sim.fleet import resolve_mix

    scenario = loaded.model
    extra = scenario.fleet.extra_mixes
    fields: list[tuple[tuple[str, ...], str | Mapping[str, float]]] = [
        (("fleet", "drayage_mix"), scenario.fleet.drayage_mix),
        (("fleet", "fallback_mix"), scenario.fleet.fallback_mix),
    ]
    fields += [(("fleet", "extra_mixes", name), mix) for name, mix in extra.items()]
    for eid, enterprise in scenario.enterprises.items():
        fields.append((("enterprises", eid, "fleet_mix"), enterprise.fleet_mix))
        if enterprise.drayage_fleet_mix is not None:
            fields.append((("enterprises", eid, "drayage_fleet_mix"), enterprise.drayage_fleet_mix))
        if enterprise.fallback_fleet_mix is not None:
            fields.append((("enterprises", eid, "fallback_fleet_mix"), enterprise.fallback_fleet_mix))
    for path, mix in fields:
        field = ".".join(path)
        try:
            resolve_mix(catalog, mixes, mix, extra, field=field)
        except ConfigError as exc:
            yield from (loaded.error(path, _strip_field(line, field)) for line in exc.lines)


def _ban_problems(loaded: Loaded, catalog) -> Iterator[str]:
    alerts = loaded.model.disruptions.alerts
    for level, bans in (("orange_bans", alerts.orange_bans), ("red_bans", alerts.red_bans)):
        for i, vehicle_id in enumerate(bans):
            if vehicle_id not in catalog.vehicles:
                known = ", ".join(catalog.ids("road"))
                yield loaded.error(("disruptions", "alerts", level, i), f"unknown vehicle type {vehicle_id!r}; known road types: {known}")


def _accounting_problems(loaded: Loaded) -> Iterator[str]:
    from freight_sim.emissions import grid_factor, load_grid_table
    from freight_sim.policy import load_profiles

    accounting = loaded.model.accounting
    profiles = load_profiles(data_path(loaded, ("accounting", "rule_profiles"), accounting.rule_profiles))
    if accounting.rule_profile not in profiles:
        yield loaded.error(
            ("accounting", "rule_profile"), f"unknown rule profile {accounting.rule_profile!r}; known: {', '.join(sorted(profiles))}"
        )
    try:
        grid_factor(accounting.grid, load_grid_table(inputs=loaded.model.inputs))
    except ConfigError as exc:
        yield from (loaded.error(("accounting", "grid", "factor"), _strip_field(line, "accounting.grid.factor")) for line in exc.lines)


def pathway_problems(loaded: Loaded, catalog, mixes) -> Iterator[str]:
    """Dated measures naming what the scenario lacks, dates and years outside the pathway's years, fleet
    renewals of one fleet whose windows overlap (freight_sim.config.pathway); ``assemble`` relies on these."""
    from freight_sim.config.scenario import EnterpriseKind, SidingStatus
    from freight_sim.fleet import resolve_mix

    scenario, error = loaded.model, loaded.error
    pathway = scenario.pathway
    if pathway is None:
        return
    first, last = pathway.years.first, pathway.years.last
    span = f"the pathway's years {first}-{last}"
    known = scenario.enterprises
    for eid, dated in pathway.sidings.items():
        at = ("pathway", "sidings", eid)
        siding = known[eid].siding if eid in known else None
        if eid not in known:
            yield error(at, f"unknown enterprise {eid!r}")
        elif siding is None or siding.status != SidingStatus.candidate:
            yield error(at, f"enterprise {eid} has no candidate siding to commission (only candidate sidings get dates)")
        elif siding.enabled:
            yield error(at, f"the siding of {eid} is enabled from the start of the run; set enterprises.{eid}.siding.enabled: false")
        if not first <= dated.commissioned.year <= last:
            yield error((*at, "commissioned"), f"date {dated.commissioned} lies outside {span}")
    if pathway.sidings and scenario.chains.rule != "siding_first":
        yield error(("pathway", "sidings"), "dated sidings need chains.rule: siding_first (the rule that fills a siding as it opens)")
    windows: dict[tuple[str, str], list[tuple[str, object]]] = {}
    for name, renewal in pathway.fleet_renewals.items():
        at = ("pathway", "fleet_renewals", name)
        try:
            resolve_mix(catalog, mixes, renewal.mix, scenario.fleet.extra_mixes, field="mix")
        except ConfigError as exc:
            yield from (error((*at, "mix"), _strip_field(line, "mix")) for line in exc.lines)
        if not first <= renewal.start.year <= last:
            yield error((*at, "start"), f"date {renewal.start} lies outside {span}")
        names = sorted(known) if renewal.enterprises == "all" else renewal.enterprises
        for i, eid in enumerate(names):
            if eid not in known:
                yield error((*at, "enterprises", i), f"unknown enterprise {eid!r}")
                continue
            for other, other_renewal in windows.get((renewal.fleet, eid), []):
                if renewal.start < other_renewal.end and other_renewal.start < renewal.end:  # type: ignore[attr-defined]
                    yield error(
                        (*at, "start"),
                        f"overlaps renewal {other!r} of the {renewal.fleet} fleet of {eid} ({other_renewal.start} to"  # type: ignore[attr-defined]
                        f" {other_renewal.end}): one fleet turns over one renewal at a time",  # type: ignore[attr-defined]
                    )
            windows.setdefault((renewal.fleet, eid), []).append((name, renewal))
    for field in ("targets", "grid", "demand_index"):
        for year in getattr(pathway, field):
            if not first <= year <= last:
                yield error(("pathway", field, str(year)), f"year {year} lies outside {span}")
    kinds = {k.value for k in EnterpriseKind}
    for kind, by_year in pathway.demand_index_by_kind.items():
        if kind not in kinds:
            yield error(("pathway", "demand_index_by_kind", kind), f"unknown enterprise kind {kind!r}; known: {', '.join(sorted(kinds))}")
        yield from (
            error(("pathway", "demand_index_by_kind", kind, str(y)), f"year {y} lies outside {span}")
            for y in by_year
            if not first <= y <= last
        )
    for eid, by_year in pathway.demand_index_by_enterprise.items():
        if eid not in known:
            yield error(("pathway", "demand_index_by_enterprise", eid), f"unknown enterprise {eid!r}")
        yield from (
            error(("pathway", "demand_index_by_enterprise", eid, str(y)), f"year {y} lies outside {span}")
            for y in by_year
            if not first <= y <= last
        )
    yield from _pathway_grid_problems(loaded)
    yield from _chain_shift_problems(loaded, span)


def _chain_shift_problems(loaded: Loaded, span: str) -> Iterator[str]:
    """Chain shifts naming unknown enterprises or flows, starting outside the pathway's years, two shifts of one
    flow starting the same day, a rail_siding share without a built siding under the ``shares`` rule."""
    from freight_sim.sim.pathway_inputs import shift_covers

    scenario, error = loaded.model, loaded.error
    pathway = scenario.pathway
    assert pathway is not None
    known = scenario.enterprises
    starts: dict[tuple[str, str, object], str] = {}
    for name, shift in pathway.chain_shifts.items():
        at = ("pathway", "chain_shifts", name)
        if not pathway.years.first <= shift.start.year <= pathway.years.last:
            yield error((*at, "start"), f"date {shift.start} lies outside {span}")
        names = sorted(known) if shift.enterprises == "all" else shift.enterprises
        for i, eid in enumerate(names):
            if eid not in known:
                yield error((*at, "enterprises", i), f"unknown enterprise {eid!r}")
        covered = [(eid, fid) for eid in names if eid in known for fid in sorted(known[eid].flows) if shift_covers(shift, eid, fid)]
        if shift.flows != "all":
            for i, fid in enumerate(shift.flows):
                if not any(fid in known[eid].flows for eid in names if eid in known):
                    yield error((*at, "flows", i), f"no flow {fid!r} in the enterprises of this shift")
        for eid, fid in covered:
            other = starts.setdefault((eid, fid, shift.start), name)
            if other != name:
                yield error((*at, "start"), f"flow {eid}.{fid} already shifts on {shift.start} by {other!r}: one set of shares a day")
                break
        if scenario.chains.rule == "shares" and shift.shares.get("rail_siding", 0.0) > 0:
            for eid in sorted({eid for eid, _ in covered}):
                siding = known[eid].siding
                if siding is None or not siding.enabled:
                    yield error((*at, "shares", "rail_siding"), f"enterprise {eid} has no built siding for a rail_siding share")


def _pathway_grid_problems(loaded: Loaded) -> Iterator[str]:
    from freight_sim.emissions import grid_factor, load_grid_table
    from freight_sim.pathway.accounting import grid_setting

    pathway = loaded.model.pathway
    for year, by_year in pathway.grid.items():
        try:
            grid_factor(grid_setting(loaded.model.accounting.grid, by_year), load_grid_table())
        except ConfigError as exc:
            yield from (loaded.error(("pathway", "grid", str(year)), _strip_field(line, "accounting.grid.factor")) for line in exc.lines)


def outage_problems(scenario, where) -> list[str]:
    """Outages (calendar and sampled) naming an enterprise the scenario does not have; ``where(path,
    message)`` makes the line. The one home of this check (``assemble`` calls it too)."""
    disruptions, known = scenario.disruptions, scenario.enterprises
    problems = [
        where(("disruptions", "outages", i, "enterprise"), f"unknown enterprise {outage.enterprise!r}")
        for i, outage in enumerate(disruptions.outages)
        if outage.enterprise not in known
    ]
    sampled = disruptions.sampled_outages
    names = sampled.enterprises or [] if sampled is not None else []
    problems += [
        where(("disruptions", "sampled_outages", "enterprises", i), f"unknown enterprise {eid!r}")
        for i, eid in enumerate(names)
        if eid not in known
    ]
    return problems


def scenario_problems(loaded: Loaded, fleet=None) -> list[str]:
    """Every problem of the scenario against its data files (empty when it fits them); ``fleet``: the
    scenario's ``ScenarioFleet`` when already read (with its inputs applied)."""
    from freight_sim.fleet import load_scenario_fleet
    from freight_sim.inputs import input_problems

    problems = input_problems(loaded)
    if problems:  # the data files below are read with the inputs applied
        return problems
    fleet = fleet if fleet is not None else load_scenario_fleet(loaded)
    catalog, mixes = fleet.catalog, fleet.mixes
    return [
        *_mix_problems(loaded, catalog, mixes),
        *_ban_problems(loaded, catalog),
        *_accounting_problems(loaded),
        *outage_problems(loaded.model, loaded.error),
        *pathway_problems(loaded, catalog, mixes),
    ]


def checked_spec(loaded: Loaded, network=None, seed: int | None = None, fleet=None):
    """The ModelSpec of ``checked_model``."""
    return checked_model(loaded, network, seed, fleet).spec


def checked_model(loaded: Loaded, network=None, seed: int | None = None, fleet=None):
    """The model (``sim.api.BuiltModel``) ``run`` simulates, after every check ``validate`` makes: data files, network, then the
    assembly of the model itself (fleets, battery feasibility, routes). Raises ConfigError listing every
    problem as ``FILE:LINE: field: message``; what passes here runs. ``network`` and ``fleet`` (the
    ``ScenarioFleet``): already loaded, else read here, once."""
    from freight_sim.fleet import load_scenario_fleet
    from freight_sim.inputs import input_problems
    from freight_sim.network import load_network
    from freight_sim.sim.api import build_model

    network = network if network is not None else load_network(loaded)
    problems = input_problems(loaded)
    if problems:  # the data files are read with the inputs applied
        raise ConfigError(*problems)
    fleet = fleet if fleet is not None else load_scenario_fleet(loaded)
    problems = all_problems(loaded, network, fleet)
    if problems:
        raise ConfigError(*problems)
    return build_model(loaded, seed, network, fleet)


def all_problems(loaded: Loaded, network=None, fleet=None) -> list[str]:
    """Data-file problems first, then network problems: the scenario against the network, and the network's
    rail data file (line sections, yards, stations) against its nodes and edges (each list is empty when
    fine); ``network`` and ``fleet``: already loaded."""
    from freight_sim.fleet import load_scenario_fleet
    from freight_sim.inputs import input_problems
    from freight_sim.network import load_network
    from freight_sim.network.rail_data import rail_data_problems
    from freight_sim.network.validate import check_scenario

    problems = input_problems(loaded)
    if problems:  # the data files are read with the inputs applied
        return problems
    fleet = fleet if fleet is not None else load_scenario_fleet(loaded)
    problems = scenario_problems(loaded, fleet)
    if problems:
        return problems
    network = network if network is not None else load_network(loaded)
    rail = list(rail_data_problems(network.rail, network)) if network.rail is not None else []
    return rail + check_scenario(loaded, network, fleet)
