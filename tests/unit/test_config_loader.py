"""Config reading: locations, merging, overrides, safe YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from freight_sim.config.loader import MAX_BASE_DEPTH, apply_overrides, load_merged, parse_override
from freight_sim.config.yaml_source import Location, SourceMap, deep_merge, parse_toml_text, parse_yaml_text
from freight_sim.errors import ConfigError


def test_yaml_locations_are_one_based_lines():
    data, smap = parse_yaml_text("a: 1\nb:\n  c: [1, 2]\n  d: x\n", "f.yaml")
    assert data == {"a": 1, "b": {"c": [1, 2], "d": "x"}}
    assert smap.where(("a",)) == Location("f.yaml", 1)
    assert smap.where(("b", "d")) == Location("f.yaml", 4)
    assert smap.where(("b", "c", 1)).line == 3
    assert smap.where(("b", "missing")).line == 2  # nearest recorded ancestor


def test_yaml_refuses_object_construction():
    with pytest.raises(ConfigError) as info:
        parse_yaml_text("a: !!python/object/apply:os.system ['echo hi']\n", "evil.yaml")
    assert info.value.lines == ["evil.yaml:1: a: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed (plain data only)"]


def test_yaml_merge_keys_are_refused():
    with pytest.raises(ConfigError, match="merge keys"):
        parse_yaml_text("x: &a {k: 1}\ny:\n  <<: *a\n", "f.yaml")


def test_duplicate_key_names_both_lines():
    with pytest.raises(ConfigError) as info:
        parse_yaml_text("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert info.value.lines == ["f.yaml:3: a: duplicate key (first given on line 1)"]


def test_deep_merge_replaces_scalars_merges_maps_and_null_deletes():
    base, bmap = parse_yaml_text("a: {x: 1, y: 2}\nb: [1]\nc: 5\n", "base.yaml")
    over, omap = parse_yaml_text("a: {y: 3}\nb: [9, 9]\nc: null\n", "over.yaml")
    merged = deep_merge(base, over, bmap, omap)
    assert merged == {"a": {"x": 1, "y": 3}, "b": [9, 9]}
    assert bmap.where(("a", "x")).file == "base.yaml"
    assert bmap.where(("a", "y")) == Location("over.yaml", 1)
    assert bmap.where(("b", 1)).file == "over.yaml"
    assert ("c",) not in bmap.locations


def test_toml_locations_found_by_scanning():
    data, smap = parse_toml_text('name = "x"\n\n[simulation]\ndays = 30\nseed = 2\n', "s.toml")
    assert data == {"name": "x", "simulation": {"days": 30, "seed": 2}}
    assert smap.where(("simulation", "seed")) == Location("s.toml", 5)
    assert smap.where(("name",)).line == 1


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("simulation.days=30", ("simulation", "days"), 30),
        ("accounting.grid.factor=shanxi-2022", ("accounting", "grid", "factor"), "shanxi-2022"),
        ("enterprises.E01.siding.enabled=true", ("enterprises", "E01", "siding", "enabled"), True),
        ("chains.default_shares={road: 0.4, drayage_rail: 0.6}", ("chains", "default_shares"), {"road": 0.4, "drayage_rail": 0.6}),
        ("name=", ("name",), ""),
    ],
)
def test_parse_override(text, path, value):
    assert parse_override(text) == (path, value)


@pytest.mark.parametrize("text", ["no-equals", "=3", "a..b=1"])
def test_parse_override_rejects_malformed(text):
    with pytest.raises(ConfigError, match=r"^--set:1: "):
        parse_override(text)


def test_overrides_record_their_origin():
    smap = SourceMap({("a",): Location("f.yaml", 1)})
    data = apply_overrides({"a": {"b": 1}}, smap, ["a.b=2", "a.c=x"])
    assert data == {"a": {"b": 2, "c": "x"}}
    assert smap.where(("a", "b")) == Location("--set", 1)


def test_base_list_merges_in_order(tmp_path: Path):
    (tmp_path / "one.yaml").write_text("a: 1\nb: 1\n")
    (tmp_path / "two.yaml").write_text("b: 2\nc: 2\n")
    (tmp_path / "top.yaml").write_text("base: [one.yaml, two.yaml]\nc: 3\n")
    data, smap = load_merged(tmp_path / "top.yaml")
    assert data == {"a": 1, "b": 2, "c": 3}
    assert Path(smap.where(("b",)).file).name == "two.yaml"
    assert Path(smap.where(("c",)).file).name == "top.yaml"


def test_a_base_chain_deeper_than_the_limit_is_refused(tmp_path: Path):
    # level i names level i+1 as its base; the deepest file has no base
    levels = MAX_BASE_DEPTH + 2
    for i in range(levels):
        (tmp_path / f"level{i}.yaml").write_text((f"base: level{i + 1}.yaml\n" if i + 1 < levels else "") + f"x{i}: {i}\n")
    with pytest.raises(ConfigError, match=f"base files nested more than {MAX_BASE_DEPTH} deep"):
        load_merged(tmp_path / "level0.yaml")
    data, _ = load_merged(tmp_path / "level1.yaml")  # one level less: at the limit, accepted
    assert data[f"x{levels - 1}"] == levels - 1


def test_non_utf8_config_is_refused(tmp_path: Path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("name: 长治\n".encode("gbk"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_merged(path)


def test_share_mappings_are_replaced_whole_not_merged():
    base, bmap = parse_yaml_text("e:\n  fleet_mix: {diesel-cn5: 0.5, diesel-cn6: 0.5}\n  other: {a: 1}\n", "b.yaml")
    over, omap = parse_yaml_text("e:\n  fleet_mix: {bev-swap: 1.0}\n  other: {b: 2}\n", "o.yaml")
    merged = deep_merge(base, over, bmap, omap)
    assert merged == {"e": {"fleet_mix": {"bev-swap": 1.0}, "other": {"a": 1, "b": 2}}}
    assert ("e", "fleet_mix", "diesel-cn5") not in bmap.locations
