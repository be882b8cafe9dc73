"""Sampled input uncertainty of an optimisation: the file's ``uncertainty`` section (the syntax of an
experiment's ``sample``: ``inputs.<data path>`` numbers of the data files, bounds defaulting to their range,
or scenario fields with bounds) drawn once per root seed with the experiments' sampler, so every portfolio is
simulated at the same sample points (common random numbers across portfolios, in the inputs as in the
replications' seeds). The search's points come from the file's seed, the verification's from the
verification seed (fresh points as well as fresh replications).
"""

from __future__ import annotations

from typing import Any

from freight_sim.config.loader import Loaded
from freight_sim.experiments.design import Patch, input_ranges, nested
from freight_sim.experiments.sampling import SampleDesign, draw_sample
from freight_sim.optimise.spec import Optimisation

SECTION = ("uncertainty", "parameters")


def input_sample(optimisation: Optimisation, base: Loaded, root_seed: int) -> SampleDesign | None:
    """The sample points of the file's uncertain inputs from ``root_seed``; None without an ``uncertainty`` section.
    A data path that addresses no number with a range is an error at its line of the file."""
    settings = optimisation.spec.uncertainty
    if settings is None:
        return None
    ranges = input_ranges(settings.parameters, base, optimisation.source, SECTION)
    return draw_sample(settings, root_seed, ranges)


def point_patches(optimisation: Optimisation, sample: SampleDesign, index: int) -> tuple[list[Patch], dict[str, Any]]:
    """The scenario patches of sample point ``index`` (each located at its parameter's line) and its values."""
    from freight_sim.config.yaml_source import SourceMap

    values = sample.point(index)
    patches: list[Patch] = []
    for name, value in values.items():
        path = tuple(name.split("."))
        location = optimisation.source.where((*SECTION, name))
        smap = SourceMap({path[:i]: location for i in range(len(path) + 1)}, location.file)
        patches.append((nested(path, value), smap))
    return patches, values
