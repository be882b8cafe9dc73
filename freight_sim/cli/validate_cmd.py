"""`freight-sim validate FILE`: check a scenario or an experiment file and say which it is."""

from __future__ import annotations

from pathlib import Path

import typer

from freight_sim.cli.common import user_errors


def _validate_scenario(file: Path, overrides: list[str]) -> str:
    from freight_sim.config import load_scenario
    from freight_sim.scenario_checks import checked_spec

    loaded = load_scenario(file, overrides)
    checked_spec(loaded)  # every check `run` makes before simulating, model assembly included
    return f"{file}: ok: scenario '{loaded.model.name}', {len(loaded.model.enterprises)} enterprises"


def _validate_experiment(file: Path, overrides: list[str]) -> str:
    from freight_sim.experiments.design import expand_design
    from freight_sim.experiments.spec import load_experiment

    experiment = load_experiment(file)
    design = expand_design(experiment, overrides=overrides)
    _check_every_configuration(design)
    return (
        f"{file}: ok: experiment '{design.experiment}', {_count(len(design.variants), 'variant')}, "
        f"{_count(len(design.runs), 'run')} (run it with: freight-sim batch {file} --out DIR)"
    )


def _check_every_configuration(design) -> None:
    """Assemble the model of every distinct configuration the batch would run (each variant and sample
    point; replications differ only in their seed), so that a batch of a valid experiment runs."""
    from freight_sim.config import load_scenario
    from freight_sim.errors import ConfigError
    from freight_sim.scenario_checks import checked_spec

    seen: set[str] = set()
    problems: list[str] = []
    for spec in design.runs:
        if spec.config_sha256 in seen:
            continue
        seen.add(spec.config_sha256)
        try:
            checked_spec(load_scenario(spec.scenario_path, overrides=list(spec.overrides), patches=list(spec.patches)))
        except ConfigError as exc:
            problems.extend(f"{line} (run {spec.run_id})" for line in exc.lines if line not in problems)
    if problems:
        raise ConfigError(*dict.fromkeys(problems))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _validate_optimisation(file: Path, overrides: list[str]) -> str:
    from freight_sim.errors import ConfigError
    from freight_sim.optimise.checks import check_optimisation
    from freight_sim.optimise.spec import load_optimisation

    if overrides:
        raise ConfigError(f"--set:1: set: an optimisation file takes no --set; put settings under its simulation: ({overrides[0]})")
    evaluator = check_optimisation(load_optimisation(file))
    portfolios = 1
    for bound in evaluator.bounds:
        portfolios *= bound + 1
    points = len(evaluator.sample.matrix) if evaluator.sample is not None else 1
    runs = f"{_count(len(evaluator.seeds) * points, 'run')} per portfolio"
    if points > 1:
        runs += f" ({_count(len(evaluator.seeds), 'replication')} x {points} sample points)"
    return (
        f"{file}: ok: optimisation '{evaluator.optimisation.spec.name}', {_count(len(evaluator.bounds), 'variable')}, "
        f"{portfolios:,} possible portfolios, {runs} (run it with: freight-sim optimise {file} --out DIR)"
    )


VALIDATORS = {"scenario": _validate_scenario, "experiment": _validate_experiment, "optimisation": _validate_optimisation}


def register(app: typer.Typer) -> None:
    @app.command()
    def validate(
        file: Path = typer.Argument(..., help="scenario or experiment file (YAML or TOML); its kind is recognised"),
        set_: list[str] = typer.Option([], "--set", help="override a field: dotted.path=value (repeatable)"),
    ) -> None:
        """Check a scenario (schema, data files, network) or an experiment (every variant's scenario)."""
        from freight_sim.config.file_kind import detect_kind
        from freight_sim.config.loader import parse_overrides

        with user_errors():
            parse_overrides(set_)
            kind = detect_kind(file)
            typer.echo(VALIDATORS[kind.name](file, set_))
