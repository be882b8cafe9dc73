"""A scenario can name a rule profile from its own profiles file; unknown names are FILE:LINE errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from freight_sim.config import load_scenario
from freight_sim.errors import ConfigError
from freight_sim.policy import Movement, get_profile
from freight_sim.scenario_checks import scenario_problems

DATA = Path(__file__).resolve().parents[1] / "data"
VALID = DATA / "broken" / "valid.yaml"
PROFILES = DATA / "profiles" / "city_profiles.yaml"


def test_user_profile_file_is_used_by_name():
    profile = get_profile("rail-long-haul", PROFILES)
    chain = [Movement("road", "diesel", "cn5", gate=True), Movement("rail", long_haul=True)]
    assert profile.chain_is_clean(chain)
    assert not get_profile("nev-counts").chain_is_clean(chain)


def test_scenario_names_its_profiles_file():
    loaded = load_scenario(VALID, [f"accounting.rule_profiles={PROFILES}", "accounting.rule_profile=rail-long-haul"])
    assert scenario_problems(loaded) == []


def test_unknown_profile_is_reported_at_the_field():
    loaded = load_scenario(VALID, [f"accounting.rule_profiles={PROFILES}", "accounting.rule_profile=nev-counts"])
    problems = scenario_problems(loaded)
    assert problems == ["--set:1: accounting.rule_profile: unknown rule profile 'nev-counts'; known: rail-long-haul"]


def test_bad_profile_file_is_a_config_error(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("x:\n  description: d\n  source: s\n  clean_modes: [rail, truck]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"p.yaml:4: profiles.x.clean_modes"):
        get_profile("x", bad)
