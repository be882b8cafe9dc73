"""Which drayage mix an enterprise uses, and the city-wide override for sweeps."""

from __future__ import annotations

from freight_sim.config import load_scenario
from freight_sim.paths import default_scenario_path


def test_enterprise_mix_wins_unless_the_scenario_mix_applies_everywhere():
    loaded = load_scenario(default_scenario_path())
    scenario = loaded.model
    own = next(eid for eid, e in scenario.enterprises.items() if e.drayage_fleet_mix is not None)
    plain = next(eid for eid, e in scenario.enterprises.items() if e.drayage_fleet_mix is None)
    assert scenario.drayage_mix_for(own) == (("enterprises", own, "drayage_fleet_mix"), scenario.enterprises[own].drayage_fleet_mix)
    assert scenario.drayage_mix_for(plain) == (("fleet", "drayage_mix"), scenario.fleet.drayage_mix)
    everywhere = load_scenario(default_scenario_path(), ["fleet.drayage_mix_everywhere=true", "fleet.drayage_mix=nev-drayage"]).model
    assert everywhere.drayage_mix_for(own) == (("fleet", "drayage_mix"), "nev-drayage")
