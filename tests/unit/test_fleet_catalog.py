"""Vehicle catalog: values after loading, unknown ids, unit slips, consistency with the factor table."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from freight_sim.emissions import load_factors
from freight_sim.errors import ConfigError
from freight_sim.fleet import load_catalog
from freight_sim.paths import fleets_dir

REQUIRED_IDS = [
    "diesel-cn3", "diesel-cn4", "diesel-cn5", "diesel-cn6", "lng-cn5", "lng-cn6", "bev-plug", "bev-swap",
    "fcev", "methanol-cn6", "rail-electric", "rail-diesel", "conveyor-belt",
]  # fmt: skip


def test_required_ids_exist_with_expected_modes():
    catalog = load_catalog()
    for vid in REQUIRED_IDS:
        assert catalog.vehicle(vid).id == vid
    assert catalog.ids("rail") == ["rail-diesel", "rail-electric"]
    assert catalog.ids("conveyor") == ["conveyor-belt"]
    assert sorted(catalog.wagons) == ["wagon-c70", "wagon-c80", "wagon-c96"]


def test_values_follow_facts_section_3():
    catalog = load_catalog()
    diesel, bev, swap = catalog.vehicle("diesel-cn5"), catalog.vehicle("bev-plug"), catalog.vehicle("bev-swap")
    assert (diesel.payload_t, diesel.energy_per_km_loaded, diesel.energy_per_km_empty) == (33.0, 0.40, 0.25)
    assert diesel.payload_t + diesel.tare_t == 49.0  # GB 1589-2016 6-axle GVW
    assert (bev.payload_t, bev.energy_per_km_loaded, bev.energy_per_km_empty, bev.battery_kwh) == (30.0, 1.6, 1.0, 282.0)
    assert bev.refuel == "plug" and bev.swap_h is None and bev.charge_h == pytest.approx(40 / 60, abs=1e-3)
    assert swap.refuel == "swap" and swap.swap_h == pytest.approx(5 / 60, abs=1e-4)
    assert diesel.battery_kwh is None and diesel.refuel is None
    assert (diesel.standard, diesel.new_energy, bev.standard, bev.new_energy) == ("cn5", False, None, True)
    assert catalog.vehicle("methanol-cn6").energy_per_km_loaded == pytest.approx(2.2 * 0.40)
    assert isinstance(diesel.payload_t, float)


def test_vehicle_type_is_frozen():
    vehicle = load_catalog().vehicle("diesel-cn6")
    with pytest.raises(ValidationError, match="frozen"):
        vehicle.payload_t = 40.0  # type: ignore[misc]


def test_unknown_id_names_it_and_the_known_ids():
    with pytest.raises(ConfigError) as info:
        load_catalog().vehicle("diesel-cn7")
    message = str(info.value)
    assert "'diesel-cn7'" in message and "diesel-cn6" in message and "bev-swap" in message


def test_rail_and_conveyor_energy_agree_with_factor_table():
    """The catalog's per-km train energy is derived from the per gross t-km factors used by the accounting."""
    catalog, factors = load_catalog(), load_factors()
    for vid in ("rail-electric", "rail-diesel"):
        train = catalog.vehicle(vid)
        wagon = catalog.wagon(train.wagon_type)
        assert train.tare_t == pytest.approx(train.payload_t / wagon.payload_t * wagon.tare_t)
        per_gross_tkm = (
            factors.rail.electric_kwh_per_gross_tkm
            if vid == "rail-electric"
            else factors.rail.diesel_kg_per_gross_tkm / factors.fuels.diesel.density_kg_per_l
        )
        assert train.energy_per_km_loaded == pytest.approx((train.payload_t + train.tare_t) * per_gross_tkm, rel=1e-4)
        assert train.energy_per_km_empty == pytest.approx(train.tare_t * per_gross_tkm, rel=1e-4)
    assert catalog.vehicle("conveyor-belt").energy_per_km_loaded == factors.conveyor.kwh_per_tkm


def _slipped(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    text = (fleets_dir() / "catalog.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "catalog.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, text[: text.index(old)].count("\n") + 1


def test_litres_per_100km_is_rejected_with_line(tmp_path):
    path, line = _slipped(tmp_path, "&diesel_loaded {value: 0.40,", "&diesel_loaded {value: 40,")
    with pytest.raises(ConfigError) as info:
        load_catalog(path)
    # the anchored value is reported where it is written
    assert info.value.lines[0].startswith(f"{path}:{line}: vehicles.diesel-cn3.energy_per_km_loaded: 40 L/km is outside")
    assert "100 times too large" in info.value.lines[0] and "per 100 km" in info.value.lines[0]


def test_swap_time_in_minutes_is_rejected(tmp_path):
    path, line = _slipped(tmp_path, "swap_h: {value: 0.0833,", "swap_h: {value: 5,")
    with pytest.raises(ConfigError) as info:
        load_catalog(path)
    assert info.value.lines == [
        f"{path}:{line}: vehicles.bev-swap.swap_h: 5 h is outside the plausible range [0.01, 2]: "
        "60 times too large for h: likely a unit slip (minutes for hours)"
    ]


def test_battery_vehicle_without_battery_is_rejected(tmp_path):
    text = (fleets_dir() / "catalog.yaml").read_text(encoding="utf-8")
    path = tmp_path / "catalog.yaml"
    path.write_text(text.replace("    battery_kwh: *bev_battery\n", ""), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"catalog.yaml:\d+: vehicles.bev-plug: a battery vehicle \(refuel swap/plug\) needs battery_kwh"):
        load_catalog(path)


def test_carrier_of_another_mode_and_unknown_wagon_are_rejected_at_their_lines(tmp_path):
    text = (fleets_dir() / "catalog.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("  rail-electric:")
    carrier = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("energy_carrier:"))
    wagon = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("wagon_type:"))
    lines[carrier] = "    energy_carrier: h2_kg"
    lines[wagon] = "    wagon_type: wagon-c99"
    path = tmp_path / "catalog.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_catalog(path)
    assert f"{path}:{carrier + 1}: vehicles.rail-electric.energy_carrier: not a rail carrier (got 'h2_kg')" in info.value.lines
    # the wagon reference is checked once the entries are valid
    lines[carrier] = text.splitlines()[carrier]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_catalog(path)
    assert info.value.lines[0].startswith(f"{path}:{wagon + 1}: vehicles.rail-electric.wagon_type: unknown wagon type 'wagon-c99'")
