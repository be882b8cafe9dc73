"""Which kind of file the user gave: a scenario or an experiment (the one place that tells them apart).

Each kind names the schema its top level follows and the command that uses it. A file's kind is the one
whose own top-level fields (those no other kind has) it uses most; ties go to the first kind listed. A
new kind of file (a pathway, an optimisation) is one more :class:`FileKind` in :data:`FILE_KINDS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from freight_sim.config.yaml_source import read_config_file
from freight_sim.errors import ConfigError


@dataclass(frozen=True, kw_only=True)
class FileKind:
    """A kind of input file: its name, its schema (``module:Class``) and the command that runs it."""

    name: str
    schema: str
    usage: str  # how to run a file of this kind; FILE stands for the file

    def model(self) -> type[BaseModel]:
        module, _, attr = self.schema.partition(":")
        return getattr(importlib.import_module(module), attr)

    def how_to_run(self, path: Path | str) -> str:
        return self.usage.replace("FILE", str(path))


SCENARIO = FileKind(name="scenario", schema="freight_sim.config.scenario:Scenario", usage="freight-sim run FILE")
EXPERIMENT = FileKind(name="experiment", schema="freight_sim.experiments.spec:ExperimentSpec", usage="freight-sim batch FILE --out DIR")
OPTIMISATION = FileKind(
    name="optimisation", schema="freight_sim.optimise.spec:OptimisationSpec", usage="freight-sim optimise FILE --out DIR"
)
FILE_KINDS: tuple[FileKind, ...] = (SCENARIO, EXPERIMENT, OPTIMISATION)


# Keys the loader reads in every kind of file (a scenario's ``base:`` is resolved before validation).
LOADER_KEYS = frozenset({"base"})


def _own_fields(kind: FileKind) -> set[str]:
    """The top-level fields that tell a file of ``kind`` from a scenario: for a scenario, those no other kind has;
    for the others, those a scenario does not have (an experiment and an optimisation share some, e.g.
    ``replications``; a tie goes to the kind listed first)."""
    fields = set(kind.model().model_fields) - LOADER_KEYS
    if kind is SCENARIO:
        return fields - {name for other in FILE_KINDS if other is not kind for name in other.model().model_fields}
    return fields - set(SCENARIO.model().model_fields)


def detect_kind(path: Path | str) -> FileKind:
    """The kind of the YAML/TOML file at ``path`` (its syntax and size are checked on the way)."""
    data, _ = read_config_file(Path(path))
    if not isinstance(data, dict):
        return FILE_KINDS[0]
    keys = set(data)
    scores = [len(keys & _own_fields(kind)) for kind in FILE_KINDS]
    if isinstance(data.get("base"), str) and data["base"].startswith("bundled:"):
        scores[FILE_KINDS.index(EXPERIMENT)] += 1  # a scenario never names its base scenario this way
        scores[FILE_KINDS.index(OPTIMISATION)] += 1
    return FILE_KINDS[scores.index(max(scores))]


def require_kind(path: Path | str, expected: FileKind) -> None:
    """Raise a one-line hint when ``path`` is a file of another kind than ``expected``."""
    kind = detect_kind(path)
    if kind is not expected:
        raise ConfigError(
            f"{path}:1: (file): this is {_article(kind.name)} file, not {_article(expected.name)}: use `{kind.how_to_run(path)}`"
        )


def _article(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"
