"""Bounded parsing of every config the tool reads: alias bombs, size, depth, unreadable and non-finite values."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from freight_sim.config.loader import load_merged, parse_override
from freight_sim.config.yaml_source import MAX_CONFIG_BYTES, parse_yaml_text, read_config_file
from freight_sim.errors import ConfigError


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": each level lists the previous one nine times (9**9 values from ~700 bytes)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


FLOW_BOMB = "[&a0 [x,x,x,x,x,x,x,x,x], " + ", ".join(f"&a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 7)) + "]"


def test_an_alias_bomb_is_refused_at_once_with_its_file_and_line(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    assert path.stat().st_size < 800
    started = time.perf_counter()
    with pytest.raises(ConfigError, match=rf"^{path}:\d+: a\d[.\d]*: the YAML expands to more than 100,000 values"):
        read_config_file(path)
    assert time.perf_counter() - started < 10.0  # a bound, generous for a shared machine


def test_aliases_that_expand_to_too_many_values_are_refused():
    # few alias uses, each of a large list: the expansion budget stops it
    big = "[" + ", ".join(["x"] * 60_000) + "]"
    text = f"a: &a {big}\nb: [*a, *a, *a, *a]\n"
    with pytest.raises(ConfigError, match=r"^f.yaml:2: b[.\d]+: the YAML expands to more than 100,000 values"):
        parse_yaml_text(text, "f.yaml")


def test_many_alias_uses_are_refused():
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 1001) + "]\n"
    with pytest.raises(ConfigError, match=r"^f.yaml:2: b.1000: more than 1,000 YAML alias uses; refused$"):
        parse_yaml_text(text, "f.yaml")


def test_shipped_aliases_still_work():
    data, _ = parse_yaml_text("a: &x {v: 1}\nb: *x\n", "f.yaml")
    assert data == {"a": {"v": 1}, "b": {"v": 1}}


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_CONFIG_BYTES + 1)
    with pytest.raises(ConfigError, match=rf"^{path}:1: \(file\): 5,000,001 bytes is more than the 5,000,000"):
        read_config_file(path)


def test_deep_nesting_is_refused():
    with pytest.raises(ConfigError, match="nested more than 64 levels deep"):
        parse_yaml_text("[" * 5000 + "]" * 5000, "f.yaml")
    with pytest.raises(ConfigError, match="nested more than 64 levels deep"):
        parse_yaml_text("[" * 100 + "]" * 100, "f.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "simulation:\n  start_date: 2025-02-29\n",
            "f.yaml:2: simulation.start_date: cannot read '2025-02-29' as a date: day is out of range",
        ),
        ("x:\n  - 1\n  - .inf\n", "f.yaml:3: x.1: inf is not a finite number"),
        ("x: .nan\n", "f.yaml:1: x: nan is not a finite number"),
        ("x: !!python/object:os.system ls\n", "f.yaml:1: x: YAML tag tag:yaml.org,2002:python/object:os.system is not allowed"),
    ],
)
def test_values_that_cannot_be_read_are_located(text, message):
    with pytest.raises(ConfigError) as info:
        parse_yaml_text(text, "f.yaml")
    assert info.value.lines[0].startswith(message)


def test_toml_non_finite_numbers_are_located(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('name = "x"\n[simulation]\ndays = inf\n')
    with pytest.raises(ConfigError, match=rf"^{path}:3: simulation.days: inf is not a finite number"):
        read_config_file(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("simulation.start_date=2025-13-01", "--set:1: simulation.start_date: cannot read '2025-13-01' as a date: month must be in 1..12"),
        ("simulation.days", "--set:1: simulation.days: expected dotted.path=value (write --set simulation.days=VALUE: '=' and no space)"),
        ("demand_scale=.inf", "--set:1: demand_scale: inf is not a finite number"),
        ("a=" + FLOW_BOMB, "--set:1: a."),
    ],
)
def test_set_values_use_the_same_bounded_parser(text, message):
    with pytest.raises(ConfigError) as info:
        parse_override(text)
    assert info.value.lines[0].startswith(message)


def test_a_directory_given_as_a_config_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match=rf"^{tmp_path}:1: \(file\): not a regular file$"):
        read_config_file(Path(tmp_path))


def test_a_diamond_of_base_files_is_bounded(tmp_path):
    # each level lists the next one three times: 3**10 files to read without a bound
    for level in range(10):
        (tmp_path / f"b{level}.yaml").write_text(f"base: [b{level + 1}.yaml, b{level + 1}.yaml, b{level + 1}.yaml]\n")
    (tmp_path / "b10.yaml").write_text("name: x\n")
    with pytest.raises(ConfigError, match=rf"^{tmp_path / 'b0.yaml'}:1: base: more than 64 base files to read$"):
        load_merged(tmp_path / "b0.yaml")


def test_a_deep_chain_of_base_files_is_bounded(tmp_path):
    for level in range(20):
        (tmp_path / f"c{level}.yaml").write_text(f"base: c{level + 1}.yaml\n")
    (tmp_path / "c20.yaml").write_text("name: x\n")
    with pytest.raises(ConfigError, match="base files nested more than 16 deep"):
        load_merged(tmp_path / "c0.yaml")
