"""Factor tables: unit slips rejected with FILE:LINE, grid factor resolution, every fleets/ file loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from freight_sim.config.scenario import GridSetting
from freight_sim.cost import load_costs
from freight_sim.emissions import grid_factor, load_factors, load_grid_table
from freight_sim.errors import ConfigError
from freight_sim.fleet import load_catalog, load_mixes
from freight_sim.paths import fleets_dir

DATA = Path(__file__).resolve().parents[1] / "data" / "factors"


def _slipped_copy(tmp_path: Path, name: str, old: str, new: str) -> tuple[Path, int]:
    """Copy a bundled file with one substitution; return the path and the 1-based line changed."""
    text = (fleets_dir() / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {name}"
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, line


def test_diesel_co2_in_grams_per_litre_is_rejected_with_file_and_line(tmp_path):
    path, line = _slipped_copy(tmp_path, "emission_factors.yaml", "co2_kg_per_l: {value: 2.60,", "co2_kg_per_l: {value: 2600,")
    with pytest.raises(ConfigError) as info:
        load_factors(path)
    assert len(info.value.lines) == 1
    message = info.value.lines[0]
    assert message.startswith(f"{path}:{line}: fuels.diesel.co2_kg_per_l: 2600 kg/L is outside the plausible range")
    assert "1000 times too large" in message and "g for kg" in message


def test_nox_in_kg_per_km_is_rejected(tmp_path):
    path, line = _slipped_copy(tmp_path, "emission_factors.yaml", "nox_g_per_km: {value: 4.5,", "nox_g_per_km: {value: 0.0045,")
    with pytest.raises(ConfigError) as info:
        load_factors(path)
    assert info.value.lines[0].startswith(f"{path}:{line}: road_classes.diesel-cn5.nox_g_per_km: 0.0045 g/km is outside")
    assert "1000 times too small" in info.value.lines[0]


def test_rail_energy_per_gross_tkm_instead_of_per_10k_is_rejected(tmp_path):
    path, line = _slipped_copy(
        tmp_path, "emission_factors.yaml", "electric_kwh_per_10k_gross_tkm: {value: 105,", "electric_kwh_per_10k_gross_tkm: {value: 0.0105,"
    )
    with pytest.raises(ConfigError) as info:
        load_factors(path)
    assert info.value.lines[0].startswith(f"{path}:{line}: rail.electric_kwh_per_10k_gross_tkm:")
    assert "10000 times too small" in info.value.lines[0]


def test_grid_factor_in_grams_is_rejected_with_line():
    path = DATA / "grid_in_grams.yaml"
    with pytest.raises(ConfigError) as info:
        load_grid_table(path)
    assert info.value.lines == [
        f"{path}:11: grids.shanxi-2023.kg_co2_per_kwh: 663.4 kg/kWh is outside the plausible range [0.05, 1.5]: "
        "1000 times too large for kg/kWh: likely a unit slip (g for kg, Wh for kWh, kg for t)"
    ]


def test_wrong_unit_label_is_rejected():
    path = DATA / "grid_unit_label_grams.yaml"
    with pytest.raises(ConfigError) as info:
        load_grid_table(path)
    assert info.value.lines == [f"{path}:11: grids.shanxi-2023.kg_co2_per_kwh: unit must be 'kg/kWh', got 'g/kWh'"]


def test_unknown_field_in_factor_file_is_rejected(tmp_path):
    path, line = _slipped_copy(tmp_path, "emission_factors.yaml", "conveyor:\n  kwh_per_tkm:", "conveyor:\n  kwh_per_tkn:")
    with pytest.raises(ConfigError) as info:
        load_factors(path)
    assert f"{path}:{line + 1}: conveyor.kwh_per_tkn: unknown field (did you mean kwh_per_tkm?)" in info.value.lines


def test_named_grid_factor_scales_upstream_by_thermal_share():
    table = load_grid_table()
    factor = grid_factor(GridSetting(factor="shanxi-2023"), table)
    assert factor.kg_co2_per_kwh == 0.6634  # FACTS 4
    assert factor.nox_g_per_kwh == pytest.approx(0.17 * 0.72, rel=1e-12)
    assert factor.charging_loss_share == 0.08
    assert grid_factor(GridSetting(factor="national-2022"), table).kg_co2_per_kwh == 0.5366


def test_new_energy_share_scales_the_fossil_part():
    table = load_grid_table()
    factor = grid_factor(GridSetting(factor="shanxi-2023", new_energy_share=0.45), table)
    # kg = kg_named * (1 - s) / thermal_share_named
    assert factor.kg_co2_per_kwh == pytest.approx(0.6634 * 0.55 / 0.72, rel=1e-12)
    assert factor.thermal_share == pytest.approx(0.55)
    assert factor.so2_g_per_kwh == pytest.approx(0.12 * 0.55, rel=1e-12)
    # a share equal to the named grid's non-thermal share reproduces the named factor
    same = grid_factor(GridSetting(factor="shanxi-2023", new_energy_share=1 - 0.72), table)
    assert same.kg_co2_per_kwh == pytest.approx(0.6634, rel=1e-12)


def test_user_grid_value_infers_thermal_share():
    table = load_grid_table()
    factor = grid_factor(GridSetting(kg_co2_per_kwh=0.3), table)
    assert factor.kg_co2_per_kwh == 0.3
    assert factor.thermal_share == pytest.approx(0.3 / (0.6634 / 0.72), rel=1e-12)


def test_unknown_grid_name_lists_known_names():
    with pytest.raises(ConfigError, match=r"unknown grid factor 'mars-2023'.*shanxi-2023"):
        grid_factor(GridSetting(factor="mars-2023"), load_grid_table())


LOADERS = {
    "catalog.yaml": lambda p: load_catalog(p),
    "mixes.yaml": lambda p: load_mixes(p, catalog=load_catalog()),
    "emission_factors.yaml": lambda p: load_factors(p),
    "grid_factors.yaml": lambda p: load_grid_table(p),
    "costs.yaml": lambda p: load_costs(p),
}


@pytest.mark.parametrize("path", sorted(fleets_dir().iterdir()), ids=lambda p: p.name)
def test_every_file_in_fleets_loads_against_its_schema(path):
    assert path.name in LOADERS, f"no schema for {path.name}: add a loader to LOADERS"
    LOADERS[path.name](path)


def test_tables_cover_every_catalog_vehicle():
    catalog, factors, costs = load_catalog(), load_factors(), load_costs()
    for vid in catalog.ids("road"):
        factors.road_factor(catalog.vehicle(vid).class_key)
        costs.truck_cost_per_km(vid)


def test_value_outside_its_own_range_is_rejected(tmp_path):
    path, line = _slipped_copy(tmp_path, "emission_factors.yaml", "wtt_uplift: {value: 0.18,", "wtt_uplift: {value: 0.25,")
    with pytest.raises(ConfigError) as info:
        load_factors(path)
    assert info.value.lines == [
        f"{path}:{line}: fuels.diesel.wtt_uplift: 0.25 is outside its own range [0.15, 0.2]: check the value and its unit"
    ]
