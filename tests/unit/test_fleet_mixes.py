"""Fleet mixes: resolution and validation, and truck allocation by largest remainder."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from freight_sim.errors import ConfigError
from freight_sim.fleet import allocate_trucks, load_catalog, load_mixes, resolve_mix

REQUIRED = [
    "diesel-cn5-typical", "diesel-cn6", "legacy-heavy", "lng-cn6", "bev-swap", "bev-plug", "drayage-typical",
    "nev-drayage", "mine-default", "steel-default", "coking-default", "power-default", "chemical-default",
    "cement-default", "logistics-default",
]  # fmt: skip


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def mixes(catalog):
    return load_mixes(catalog=catalog)


def test_required_mixes_exist_and_sum_to_one(catalog, mixes):
    for name in REQUIRED:
        shares = resolve_mix(catalog, mixes, name)
        assert sum(shares.values()) == pytest.approx(1.0)
        assert list(shares) == sorted(shares)
    assert resolve_mix(catalog, mixes, "nev-drayage") == {"bev-swap": 1.0}
    legacy = resolve_mix(catalog, mixes, "legacy-heavy")
    assert legacy["diesel-cn3"] + legacy["diesel-cn4"] >= 0.5


def test_extra_mixes_take_precedence_and_inline_mixes_are_sorted(catalog, mixes):
    extra = {"bev-swap": {"bev-swap": 0.5, "bev-plug": 0.5}}
    assert resolve_mix(catalog, mixes, "bev-swap", extra) == {"bev-plug": 0.5, "bev-swap": 0.5}
    assert list(resolve_mix(catalog, mixes, {"lng-cn6": 0.25, "diesel-cn6": 0.75, "fcev": 0.0})) == ["diesel-cn6", "lng-cn6"]


@pytest.mark.parametrize(
    ("mix", "message"),
    [
        ("no-such-mix", "fleet_mix: unknown fleet mix 'no-such-mix'; known: bev-plug"),
        ({"diesel-cn9": 1.0}, "fleet_mix: inline mix: diesel-cn9: unknown vehicle type 'diesel-cn9'; known road types: bev-plug"),
        ({"rail-electric": 1.0}, "fleet_mix: inline mix: rail-electric: 'rail-electric' is a rail vehicle"),
        ({"diesel-cn6": 0.5, "bev-swap": 0.4}, "fleet_mix: inline mix: shares must sum to 1, got 0.9"),
    ],
)
def test_invalid_mixes_are_rejected(catalog, mixes, mix, message):
    with pytest.raises(ConfigError) as info:
        resolve_mix(catalog, mixes, mix)
    assert str(info.value).startswith(message)


def test_mix_file_with_unknown_vehicle_reports_line(tmp_path, catalog):
    path = tmp_path / "mixes.yaml"
    path.write_text("mixes:\n  m:\n    source: test mix\n    estimate: true\n    shares:\n      diesel-cn6: 0.5\n      tram: 0.5\n")
    with pytest.raises(ConfigError) as info:
        load_mixes(path, catalog=catalog)
    assert info.value.lines[0].startswith(f"{path}:7: mixes.m.shares.tram: unknown vehicle type 'tram'")


def test_allocate_trucks_largest_remainder():
    # quotas 10*0.45=4.5, 10*0.35=3.5, 10*0.2=2.0: floors 4,3,2 (9); one left goes to the larger
    # remainder, a tie of 0.5 broken by id order -> a
    assert allocate_trucks({"b": 0.35, "a": 0.45, "c": 0.2}, 10) == {"a": 5, "b": 3, "c": 2}
    assert allocate_trucks({"x": 0.7, "y": 0.3}, 3) == {"x": 2, "y": 1}  # 2.1 / 0.9 -> y gets the spare
    assert allocate_trucks({"x": 1.0}, 0) == {"x": 0}
    with pytest.raises(ValueError):
        allocate_trucks({"x": 1.0}, -1)


@given(
    shares=st.dictionaries(st.sampled_from(list("abcdefgh")), st.floats(0.01, 1.0), min_size=1, max_size=8),
    n=st.integers(0, 5000),
)
def test_allocation_sums_to_n_and_stays_within_one_of_quota(shares, n):
    counts = allocate_trucks(shares, n)
    total = sum(shares.values())
    assert sum(counts.values()) == n
    assert list(counts) == sorted(shares)
    for vid, count in counts.items():
        assert abs(count - n * shares[vid] / total) < 1.0 + 1e-9
