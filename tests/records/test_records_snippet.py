"""Scenario snippet derived from records: validates against the schema and carries the observed numbers."""

from __future__ import annotations

import pytest
import yaml
from record_generators import HEADER, TEN_ROWS, many_rows, write_csv

from freight_sim.config.scenario import Chain, Enterprise
from freight_sim.records import derive_snippet, load_aliases, read_records


@pytest.fixture(scope="module")
def aliases():
    return load_aliases()


@pytest.fixture()
def ten(tmp_path):
    return read_records([write_csv(tmp_path / "ten.csv", [HEADER] + TEN_ROWS)]).frame


def test_snippet_yaml_validates_as_an_enterprise(ten, aliases):
    snippet = derive_snippet(ten, aliases, "LUCHENG_COKING")
    loaded = yaml.safe_load(snippet.as_yaml())
    enterprise = Enterprise.model_validate(loaded["enterprises"]["LUCHENG_COKING"])
    assert enterprise.node == "EDIT_ME_PLANT_NODE"
    assert {flow.counterpart for flow in enterprise.flows.values()} == {"EDIT_ME_COUNTERPART"}
    assert "counterpart nodes are not in the records" in snippet.as_yaml()


def test_flows_are_annualised_from_observed_months(ten, aliases):
    enterprise = Enterprise.model_validate(derive_snippet(ten, aliases).enterprise)
    # two observed months (Jan, Feb 2025) -> x6; coke out 187 t, coal in 213 t
    assert enterprise.flows["coke-out"].tonnes_per_year == pytest.approx(187.0 * 6)
    assert enterprise.flows["coal-in"].tonnes_per_year == pytest.approx(213.0 * 6)
    assert enterprise.kind.value == "coking"
    coal = enterprise.flows["coal-in"]
    assert coal.chain_shares == {
        Chain.road: pytest.approx(63 / 213, abs=1e-6),
        Chain.rail_siding: pytest.approx(100 / 213, abs=1e-6),
        Chain.conveyor: pytest.approx(50 / 213, abs=1e-6),
    }
    # coke went out in both months (122 t in Jan, 65 t in Feb); unobserved months get the mean weight
    profile = enterprise.flows["coke-out"].monthly_profile
    assert profile[0] / profile[1] == pytest.approx(122 / 65, rel=1e-3)
    assert profile[2:] == [pytest.approx(1.0, abs=1e-4)] * 10
    assert sum(profile) == pytest.approx(12.0, abs=1e-3)


def test_fleet_mix_from_fuel_and_standard_shares(ten, aliases):
    snippet = derive_snippet(ten, aliases)
    # road tonnes with a known vehicle: diesel-cn5 30, diesel-cn6 32, bev-plug 31, bev-swap 29, lng-cn6 33,
    # fcev 30, diesel-cn4 34 (219 t); row 10 has no fuel and is left out of the mix
    mix = snippet.enterprise["fleet_mix"]
    assert mix == pytest.approx(
        {
            "bev-plug": 31 / 219,
            "bev-swap": 29 / 219,
            "diesel-cn4": 34 / 219,
            "diesel-cn5": 30 / 219,
            "diesel-cn6": 32 / 219,
            "fcev": 30 / 219,
            "lng-cn6": 33 / 219,
        },
        abs=2e-6,
    )
    assert sum(mix.values()) == pytest.approx(1.0, abs=1e-9)
    assert snippet.enterprise["trucks"] == 7
    assert any("no known vehicle type" in note for note in snippet.notes)


def test_snippet_on_a_year_of_rows_validates(tmp_path, aliases):
    frame = read_records([write_csv(tmp_path / "year.csv", [HEADER] + many_rows(1200))]).frame
    enterprise = Enterprise.model_validate(derive_snippet(frame, aliases, kind="steel").enterprise)
    assert enterprise.kind.value == "steel"
    assert enterprise.tonnes_per_year == pytest.approx(frame["net_weight_t"].sum(), rel=1e-6)


def test_rows_without_direction_cannot_make_flows(ten, aliases):
    with pytest.raises(ValueError, match="direction"):
        derive_snippet(ten.assign(direction=None), aliases)
