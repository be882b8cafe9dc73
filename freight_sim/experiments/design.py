"""Expand an experiment into run specs: variant x sweep point x sample x replication, with seeds.

Pure apart from reading the base scenario once. Seeds: replication ``r`` gets child ``r`` of
``numpy.random.SeedSequence(root_seed)`` in every variant and sample (common random numbers), so
differences between variants are not blurred by different random draws.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from freight_sim.config.digests import config_sha256, inputs_sha256
from freight_sim.config.loader import Loaded, load_merged, override_hints, parse_override, parse_overrides, validate
from freight_sim.config.scenario import Scenario
from freight_sim.config.yaml_source import Location, SourceMap, deep_merge
from freight_sim.errors import ConfigError
from freight_sim.experiments.sampling import SampleDesign, draw_sample
from freight_sim.experiments.spec import BASELINE, INPUTS_PREFIX, Experiment, Range

Patch = tuple[dict[str, Any], SourceMap | None]
MAX_ERROR_LINES = 20


@dataclass(frozen=True, kw_only=True)
class RunSpec:
    """Everything one run needs: which scenario, which changes, which seed; where it sits in the design."""

    run_id: str
    variant: str
    sample: int | None
    replication: int
    seed: int
    scenario_path: str
    patches: tuple[Patch, ...]
    overrides: tuple[str, ...]
    config_sha256: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    inputs_sha256: str = ""  # data files and package version (freight_sim.config.digests)

    def brief(self) -> dict[str, Any]:
        """The spec as plain data (for batch.json and manifests)."""
        return {
            "run_id": self.run_id,
            "variant": self.variant,
            "sample": self.sample,
            "replication": self.replication,
            "seed": self.seed,
            "config_sha256": self.config_sha256,
            "inputs_sha256": self.inputs_sha256,
            "parameters": dict(self.parameters),
        }


@dataclass(frozen=True)
class VariantInfo:
    """One design variant: the named variant, the sweep point it is run at, and siding data if generated."""

    name: str
    base_variant: str
    sweep_point: Mapping[str, Any] = field(default_factory=dict)
    siding_enterprise: str | None = None
    capex_million_cny: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "base_variant": self.base_variant,
            "sweep_point": dict(self.sweep_point),
            "siding_enterprise": self.siding_enterprise,
            "capex_million_cny": self.capex_million_cny,
        }


@dataclass(frozen=True)
class Design:
    experiment: str
    root_seed: int
    replications: int
    runs: tuple[RunSpec, ...]
    variants: tuple[VariantInfo, ...]
    sample: SampleDesign | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "root_seed": self.root_seed,
            "replications": self.replications,
            "variants": [v.to_json() for v in self.variants],
            "sample": self.sample.to_json() if self.sample is not None else None,
            "runs": [run.brief() for run in self.runs],
        }


def replication_seeds(root_seed: int, replications: int) -> list[int]:
    """One 64-bit seed per replication, from ``SeedSequence(root_seed).spawn(replications)``."""
    children = np.random.SeedSequence(root_seed).spawn(replications)
    return [int(child.generate_state(1, dtype=np.uint64)[0]) for child in children]


def nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """``("a", "b"), 1`` -> ``{"a": {"b": 1}}``."""
    patch: Any = value
    for part in reversed(path):
        patch = {part: patch}
    return patch


def slug(text: str) -> str:
    """A file-name-safe version of ``text``."""
    return re.sub(r"[^A-Za-z0-9._=\-]+", "-", text).strip("-")


def _data_key(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ScenarioDigests:
    """Validates each distinct effective scenario once; collects errors instead of stopping at the first."""

    context: dict[str, Any]
    scenario_path: Path
    digests: dict[str, tuple[str, str]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)  # error line -> the variants it occurs in
    labels: list[str] = field(default_factory=list)

    def error_lines(self) -> list[str]:
        """Each distinct error once, naming the variants it occurs in (or "every variant")."""
        lines = []
        for line, labels in self.errors.items():
            where = (
                "every variant"
                if len(labels) == len(self.labels) > 1
                else ("variant " if len(labels) == 1 else "variants ") + ", ".join(labels)
            )
            lines.append(f"{line} ({where})")
        return lines

    def digest(self, data: dict[str, Any], smap: SourceMap, label: str) -> tuple[str, str]:
        """(config_sha256, inputs_sha256) of a variant's effective scenario; ("", "") when it is invalid."""
        key = _data_key(data)
        if label not in self.labels:
            self.labels.append(label)
        if key not in self.digests:
            try:
                scenario = validate(Scenario, data, smap, self.context)
                self.digests[key] = (config_sha256(scenario), inputs_sha256(Loaded(scenario, self.scenario_path, smap)))
            except ConfigError as exc:
                for line in exc.lines:
                    self.errors.setdefault(line, [])
                    if label not in self.errors[line]:
                        self.errors[line].append(label)
                self.digests[key] = ("", "")
        return self.digests[key]


def _rerooted(smap: SourceMap, prefix: tuple[str | int, ...], new_prefix: tuple[str | int, ...] = ()) -> SourceMap:
    """The locations under ``prefix`` in ``smap``, moved to ``new_prefix``."""
    n = len(prefix)
    moved = {new_prefix + k[n:]: v for k, v in smap.locations.items() if k[:n] == prefix}
    top = smap.where(prefix)
    for i in range(len(new_prefix) + 1):
        moved.setdefault(new_prefix[:i], top)
    return SourceMap(moved, smap.default_file)


def _point_map(location: Location, path: tuple[str, ...]) -> SourceMap:
    return SourceMap({path[:i]: location for i in range(len(path) + 1)}, location.file)


def _variant_patches(experiment: Experiment, name: str, patch: dict[str, Any]) -> list[Patch]:
    """A user variant as patches: the mapping part, then each ``set:`` override in order."""
    smap = experiment.source
    mapping = {k: v for k, v in patch.items() if k != "set"}
    patches: list[Patch] = []
    if mapping:
        patches.append((mapping, _rerooted(smap, ("variants", name))))
    for i, text in enumerate(patch.get("set", [])):
        location = smap.where(("variants", name, "set", i))
        try:
            path, value = parse_override(text)
        except ConfigError as exc:
            raise ConfigError(f"{location}: variants.{name}.set.{i}: {exc.lines[0].split(': ', 2)[-1]}") from None
        patches.append((nested(path, value), _point_map(location, path)))
    return patches


@dataclass(frozen=True)
class _Variant:
    info: VariantInfo
    patches: tuple[Patch, ...]


def _candidate_sidings(base: Scenario) -> list[tuple[str, float | None]]:
    return [
        (eid, ent.siding.capex_million_cny)
        for eid, ent in base.enterprises.items()
        if ent.siding is not None and ent.siding.status.value == "candidate"
    ]


def _named_variants(experiment: Experiment, base: Scenario) -> list[_Variant]:
    spec = experiment.spec
    smap = experiment.source
    common: list[Patch] = []
    generated: dict[str, _Variant] = {}
    if spec.generate.each_candidate_siding:
        candidates = _candidate_sidings(base)
        where = smap.where(("generate", "each_candidate_siding"))
        if not candidates:
            raise ConfigError(f"{where}: generate.each_candidate_siding: the base scenario has no candidate siding")
        off = {"enterprises": {eid: {"siding": {"enabled": False}} for eid, _ in candidates}}
        common.append((off, _point_map(where, ())))
        for eid, cost in candidates:
            on = {"enterprises": {eid: {"siding": {"enabled": True}}}}
            name = f"siding-{eid}"
            generated[name] = _Variant(VariantInfo(name, name, {}, eid, cost), ((on, _point_map(where, ())),))
    variants: list[_Variant] = []
    if BASELINE not in spec.variants:
        variants.append(_Variant(VariantInfo(BASELINE, BASELINE), ()))
    for name, patch in spec.variants.items():
        if name in generated:
            raise ConfigError(f"{smap.where(('variants', name))}: variants.{name}: name clashes with a generated siding variant")
        variants.append(_Variant(VariantInfo(name, name), tuple(_variant_patches(experiment, name, patch))))
    variants.extend(generated.values())
    return [_Variant(v.info, tuple(common) + v.patches) for v in variants]


def _sweep_points(experiment: Experiment) -> list[tuple[dict[str, Any], list[Patch]]]:
    """Cartesian product of the sweep, each point with its patches; one empty point when no sweep."""
    sweep = experiment.spec.sweep
    if not sweep:
        return [({}, [])]
    keys = list(sweep)
    value_lists = [v.values() if isinstance(v, Range) else list(v) for v in sweep.values()]
    points = []
    for combo in itertools.product(*value_lists):
        patches: list[tuple[dict[str, Any], SourceMap | None]] = []
        for key, value in zip(keys, combo, strict=True):
            path = tuple(key.split("."))
            patches.append((nested(path, value), _point_map(experiment.source.where(("sweep", key)), path)))
        points.append((dict(zip(keys, combo, strict=True)), patches))
    return points


def _label(variant: str, point: Mapping[str, Any]) -> str:
    if not point:
        return variant
    return variant + "@" + ",".join(f"{key.split('.')[-1]}={value}" for key, value in point.items())


def effective_scenario(
    base_data: dict[str, Any], base_map: SourceMap, patches: list[Patch], overrides: tuple[str, ...]
) -> tuple[dict, SourceMap]:
    smap = SourceMap(dict(base_map.locations), base_map.default_file)
    data = base_data
    for patch, patch_map in patches:
        data = deep_merge(data, patch, smap, patch_map or SourceMap(default_file="<patch>"))
    for text in overrides:
        path, value = parse_override(text)
        data = deep_merge(data, nested(path, value), smap, _point_map(Location("--set", 1), path))
    return data, smap


def _input_ranges(experiment: Experiment, base: Loaded) -> dict[str, tuple[float, float]]:
    """The data-file range of every sampled uncertain input (``inputs.<data path>``) of the experiment."""
    settings = experiment.spec.sample
    return input_ranges(settings.parameters if settings is not None else {}, base, experiment.source, ("sample", "parameters"))


def input_ranges(
    parameters: Mapping[str, Any], base: Loaded, source: SourceMap, section: tuple[str, ...]
) -> dict[str, tuple[float, float]]:
    """The data-file range of every uncertain input (``inputs.<data path>``) among ``parameters``, read from the
    base scenario's data files; a data path that addresses no number with a range is an error at its line of
    the file (``section``: where the parameters sit in it)."""
    from freight_sim.inputs import data_path_range

    ranges: dict[str, tuple[float, float]] = {}
    problems: list[str] = []
    read: dict[Path, Any] = {}  # each data file parsed once
    for name in parameters:
        if not name.startswith(INPUTS_PREFIX):
            continue
        try:
            ranges[name] = data_path_range(base, name.removeprefix(INPUTS_PREFIX), read)
        except (ValueError, ConfigError) as exc:
            message = exc.lines[0].split(": ", 2)[-1] if isinstance(exc, ConfigError) else str(exc)
            problems.append(f"{source.where((*section, name))}: {'.'.join((*section, name))}: {message}")
    if problems:
        raise ConfigError(*problems)
    return ranges


def expand_design(
    experiment: Experiment,
    replications: int | None = None,
    overrides: tuple[str, ...] | list[str] = (),
) -> Design:
    """All runs of ``experiment`` (``replications`` and ``overrides`` as given on the command line).

    Every distinct scenario of the design is validated against the schema first, so a typo in a variant
    fails before any run starts, with the experiment file's line.
    """
    spec = experiment.spec
    reps = replications if replications is not None else spec.replications
    if reps < 1:
        raise ConfigError(f"--replications:1: replications: must be at least 1, got {reps}")
    overrides = tuple(overrides)
    parse_overrides(overrides)
    base_path = experiment.base_path
    base_data, base_map = load_merged(base_path)
    validator = ScenarioDigests({"base_dir": base_path.resolve().parent}, base_path)
    base_model = validate(Scenario, base_data, SourceMap(dict(base_map.locations), base_map.default_file), validator.context)
    simulation_patch: list[Patch] = []
    if spec.simulation:
        simulation_patch.append(({"simulation": dict(spec.simulation)}, _rerooted(experiment.source, ("simulation",), ("simulation",))))
    base_loaded = Loaded(base_model, base_path, SourceMap(dict(base_map.locations), base_map.default_file))
    sample = draw_sample(spec.sample, spec.seed, _input_ranges(experiment, base_loaded)) if spec.sample is not None else None
    sample_indices: list[int | None] = list(range(len(sample.matrix))) if sample is not None else [None]
    seeds = replication_seeds(spec.seed, reps)

    runs: list[RunSpec] = []
    infos: list[VariantInfo] = []
    seen_ids: set[str] = set()
    for variant in _named_variants(experiment, base_model):
        for point, sweep_patches in _sweep_points(experiment):
            label = _label(variant.info.name, point)
            infos.append(VariantInfo(label, variant.info.name, point, variant.info.siding_enterprise, variant.info.capex_million_cny))
            for sample_index in sample_indices:
                patches = simulation_patch + list(variant.patches) + sweep_patches
                parameters: dict[str, Any] = dict(point)
                if sample is not None and sample_index is not None:
                    values = sample.point(sample_index)
                    parameters.update(values)
                    for key, value in values.items():
                        path = tuple(key.split("."))
                        where = experiment.source.where(("sample", "parameters", key))
                        patches.append((nested(path, value), _point_map(where, path)))
                data, smap = effective_scenario(base_data, base_map, patches, overrides)
                sha, inputs_sha = validator.digest(data, smap, label)
                stem = "v-" + slug(label) + (f"__s{sample_index:04d}" if sample_index is not None else "")
                for rep, seed in enumerate(seeds):
                    run_id = f"{stem}__r{rep:03d}"
                    if run_id in seen_ids:
                        raise ConfigError(f"{experiment.path}:1: variants: two runs would share the id {run_id}; rename a variant")
                    seen_ids.add(run_id)
                    runs.append(
                        RunSpec(
                            run_id=run_id,
                            variant=label,
                            sample=sample_index,
                            replication=rep,
                            seed=seed,
                            scenario_path=str(base_path),
                            patches=tuple(patches),
                            overrides=overrides,
                            config_sha256=sha,
                            parameters=parameters,
                            inputs_sha256=inputs_sha,
                        )
                    )
    if validator.errors:
        hints = override_hints(Scenario, base_data, overrides)
        raise ConfigError(*(hints or validator.error_lines()[:MAX_ERROR_LINES]))
    return Design(spec.name, spec.seed, reps, tuple(runs), tuple(infos), sample)


def design_from_file(path: Path | str, replications: int | None = None, overrides: tuple[str, ...] | list[str] = ()) -> Design:
    """Load an experiment file and expand it."""
    from freight_sim.experiments.spec import load_experiment

    return expand_design(load_experiment(path), replications, overrides)
