"""`freight-sim validate FILE`: check a scenario or an experiment file and say which it is."""

from __future__ import annotations

from pathlib import Path

import typer

from freight_sim.cli.common import user_errors


def _validate_scenario(file: Path, overrides: list[str]) -> str:
    from freight_sim.config import load_scenario
    from freight_sim.errors import ConfigError
    from freight_sim.scenario_checks import all_problems

    loaded = load_scenario(file, overrides)
    problems = all_problems(loaded)
    if problems:
        raise ConfigError(*problems)
    return f"{file}: ok: scenario '{loaded.model.name}', {len(loaded.model.enterprises)} enterprises"


def _validate_experiment(file: Path, overrides: list[str]) -> str:
    from freight_sim.experiments.design import expand_design
    from freight_sim.experiments.spec import load_experiment

    experiment = load_experiment(file)
    design = expand_design(experiment, overrides=overrides)
    return (
        f"{file}: ok: experiment '{design.experiment}', {_count(len(design.variants), 'variant')}, "
        f"{_count(len(design.runs), 'run')} (run it with: freight-sim batch {file} --out DIR)"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


VALIDATORS = {"scenario": _validate_scenario, "experiment": _validate_experiment}


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
