"""Clean-transport rule profiles: which movements count as clean under a named rule.

A movement is described by its mode (``road``, ``rail``, ``conveyor``, ``waterway``, ``pipeline``) and,
for trucks, its powertrain (``diesel``, ``lng``, ``cng``, ``methanol``, ``bev``, ``fcev``, ``phev``) and
emission standard (``cn3`` .. ``cn6``). Profiles are data (``rule_profiles.yaml`` or a user file).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from freight_sim.config.loader import validate
from freight_sim.config.yaml_source import SourceMap, parse_yaml_text, read_config_file

DEFAULT_PROFILE = "nev-counts"
ChainRule = Literal["gate_leg", "all_legs", "long_haul"]


class RuleProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    description: str
    source: str
    clean_modes: frozenset[Literal["rail", "conveyor", "waterway", "pipeline"]]
    clean_road_powertrains: frozenset[Literal["diesel", "lng", "cng", "methanol", "bev", "fcev", "phev"]] = frozenset()
    clean_road_standards: frozenset[Literal["cn3", "cn4", "cn5", "cn6"]] = frozenset()
    chain_rule: ChainRule = "gate_leg"

    def is_clean(self, mode: str, powertrain: str | None = None, standard: str | None = None) -> bool:
        """Whether one movement counts as clean under this profile."""
        if mode != "road":
            return mode in self.clean_modes
        return powertrain in self.clean_road_powertrains or (standard is not None and standard in self.clean_road_standards)

    def chain_is_clean(self, legs: Iterable[Movement]) -> bool:
        """Whether a multi-leg chain counts as clean, by the profile's chain rule."""
        legs = list(legs)
        if not legs:
            raise ValueError("a chain has at least one leg")
        if self.chain_rule == "all_legs":
            chosen = legs
        elif self.chain_rule == "gate_leg":
            chosen = [leg for leg in legs if leg.gate] or legs[:1]
        else:
            chosen = [leg for leg in legs if leg.long_haul] or legs[:1]
        return all(self.is_clean(leg.mode, leg.powertrain, leg.standard) for leg in chosen)


@dataclass(frozen=True)
class Movement:
    """One leg of a chain as the rule sees it."""

    mode: str
    powertrain: str | None = None
    standard: str | None = None
    gate: bool = False
    long_haul: bool = False


class _ProfileFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profiles: dict[str, RuleProfile] = Field(min_length=1)


def load_profiles(path: Path | None = None) -> dict[str, RuleProfile]:
    """Profiles from ``path`` (a YAML mapping name -> profile) or the bundled file."""
    if path is None:
        text = resources.files("freight_sim.policy").joinpath("rule_profiles.yaml").read_text(encoding="utf-8")
        data, smap = parse_yaml_text(text, "rule_profiles.yaml")
        parsed = validate(_ProfileFile, {"profiles": data}, _shift(smap))
    else:
        parsed = _load_user(path)
    return {name: profile.model_copy(update={"name": name}) for name, profile in parsed.profiles.items()}


def _shift(smap: SourceMap) -> SourceMap:
    return SourceMap({("profiles",) + k: v for k, v in smap.locations.items()}, smap.default_file)


def _load_user(path: Path) -> _ProfileFile:
    data, smap = read_config_file(Path(path))
    return validate(_ProfileFile, {"profiles": data}, _shift(smap))


def get_profile(name: str = DEFAULT_PROFILE, path: Path | None = None) -> RuleProfile:
    profiles = load_profiles(path)
    if name not in profiles:
        from freight_sim.errors import ConfigError

        raise ConfigError(f"{path or 'rule_profiles.yaml'}:1: rule_profile: unknown profile {name!r}; known: {', '.join(sorted(profiles))}")
    return profiles[name]
