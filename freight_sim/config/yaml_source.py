"""Read YAML/TOML config files into plain data plus a map of where every value came from.

YAML is parsed with PyYAML's safe composer (no object construction) and duplicate keys are rejected.
Each value's location is recorded under its path (a tuple of keys and list indices), so that a later
validation error can be reported as ``FILE:LINE: dotted.field: message``.

Parsing is bounded, for every config the tool reads (scenarios, experiments, data files, ``--set`` values):
files over ``MAX_CONFIG_BYTES``, more than ``MAX_ALIAS_USES`` alias uses, aliases expanding to more than
``MAX_VALUES`` values (an "alias bomb") and nesting deeper than ``MAX_DEPTH`` are refused with
``FILE:LINE``, as are values that cannot be read (``2025-02-29``) and non-finite numbers (``.inf``, ``.nan``).
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from freight_sim.errors import ConfigError

Path_ = tuple[str | int, ...]

MAX_CONFIG_BYTES = 5_000_000
MAX_ALIAS_USES = 1_000
MAX_VALUES = 100_000
MAX_DEPTH = 64


@dataclass(frozen=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class SourceMap:
    """Where each value of a merged config came from."""

    locations: dict[Path_, Location] = field(default_factory=dict)
    default_file: str = "<config>"

    def where(self, path: Path_) -> Location:
        """Location of ``path`` or of its nearest recorded ancestor."""
        path = tuple(path)
        while path:
            if path in self.locations:
                return self.locations[path]
            path = path[:-1]
        return self.locations.get((), Location(self.default_file, 1))

    def replace_subtree(self, prefix: Path_, other: SourceMap) -> None:
        n = len(prefix)
        for key in [k for k in self.locations if k[:n] == prefix]:
            del self.locations[key]
        self.locations.update(other.locations)


def dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path) if path else "(top level)"


_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_TAG_NAMES = {"timestamp": "a date", "int": "an integer", "float": "a number", "bool": "true or false"}


@dataclass
class _Budget:
    """What one document may still expand to: values and alias uses; the nodes already built."""

    file: str
    values_left: int = MAX_VALUES
    alias_uses: int = 0
    inside_alias: int = 0  # > 0 while an alias's copy is being built (its own nodes are not further uses)
    built: set[int] = field(default_factory=set)

    def enter(self, node: yaml.Node, path: Path_, line: int) -> bool:
        """Spend one value on ``node``; True when it is an alias of a node built before."""
        if len(path) > MAX_DEPTH:
            raise ConfigError(f"{self.file}:{line}: {dotted(path[:MAX_DEPTH])}: nested more than {MAX_DEPTH} levels deep")
        alias = id(node) in self.built
        if alias and not self.inside_alias:
            self.alias_uses += 1
            if self.alias_uses > MAX_ALIAS_USES:
                raise ConfigError(f"{self.file}:{line}: {dotted(path)}: more than {MAX_ALIAS_USES:,} YAML alias uses; refused")
        self.built.add(id(node))
        self.values_left -= 1
        if self.values_left < 0:
            raise ConfigError(
                f"{self.file}:{line}: {dotted(path)}: the YAML expands to more than {MAX_VALUES:,} values "
                "(aliases that repeat aliases?); refused"
            )
        self.inside_alias += alias
        return alias


def check_finite(value: Any, where: str) -> None:
    """Refuse .inf and .nan: no field of the tool means 'unbounded' by an infinite number."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{where}: {value} is not a finite number (.inf and .nan are not accepted)")


def _scalar(node: yaml.ScalarNode, where: str) -> Any:
    try:
        value = yaml.SafeLoader.construct_object(_SCALAR_LOADER, node)
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        kind = _TAG_NAMES.get(node.tag.rsplit(":", 1)[-1], "a value")
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"{where}: cannot read {node.value!r} as {kind}: {reason}") from None
    check_finite(value, where)
    return value


def _construct(node: yaml.Node, path: Path_, file: str, smap: SourceMap, budget: _Budget, line: int | None = None) -> Any:
    """Build plain data from ``node``; ``line`` is where the key of this value stands (1-based)."""
    line = line if line is not None else node.start_mark.line + 1
    smap.locations[path] = Location(file, line)
    alias = budget.enter(node, path, line)
    try:
        return _build(node, path, file, smap, budget, line)
    finally:
        budget.inside_alias -= alias


def _build(node: yaml.Node, path: Path_, file: str, smap: SourceMap, budget: _Budget, line: int) -> Any:
    if node.tag not in _PLAIN_TAGS:
        raise ConfigError(f"{file}:{node.start_mark.line + 1}: {dotted(path)}: YAML tag {node.tag} is not allowed (plain data only)")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ConfigError(f"{file}:{key_node.start_mark.line + 1}: {dotted(path)}: keys must be plain text")
            key = key_node.value
            if key == "<<":
                raise ConfigError(f"{file}:{key_node.start_mark.line + 1}: {dotted(path)}: YAML merge keys are not supported; use 'base:'")
            if key in result:
                raise ConfigError(
                    f"{file}:{key_node.start_mark.line + 1}: {dotted((*path, key))}: duplicate key "
                    f"(first given on line {smap.locations[(*path, key)].line})"
                )
            result[key] = _construct(value_node, (*path, key), file, smap, budget, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        # an alias has no line of its own: it is reported at the line of the list that uses it
        return [
            _construct(item, (*path, i), file, smap, budget, line if id(item) in budget.built else None)
            for i, item in enumerate(node.value)
        ]
    return _scalar(node, f"{file}:{line}: {dotted(path)}")


class _ScalarLoader(yaml.SafeLoader):
    def __init__(self) -> None:
        super().__init__("")


_SCALAR_LOADER = _ScalarLoader()
# libyaml's parser when PyYAML was built with it (its wheels are): the same nodes, tags and marks, about ten
# times faster than the pure-Python one, which stays the fallback
_COMPOSING_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml_text(text: str, file: str, root: Path_ = ()) -> tuple[Any, SourceMap]:
    """Parse YAML ``text`` (bounded); values are recorded under ``root`` + their path (``--set`` values)."""
    smap = SourceMap(default_file=file)
    try:
        node = yaml.compose(text, Loader=_COMPOSING_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or str(exc)
        if "maximum nesting depth" in problem:  # libyaml's own limit (1,000 levels), deeper than ours
            problem = f"nested more than {MAX_DEPTH} levels deep"
        raise ConfigError(f"{file}:{line}: {dotted(root) if root else '(syntax)'}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}:1: {dotted(root) if root else '(syntax)'}: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise ConfigError(f"{file}:1: {dotted(root) if root else '(syntax)'}: nested more than {MAX_DEPTH} levels deep") from None
    if node is None:
        return ({} if not root else None), smap
    return _construct(node, root, file, smap, _Budget(file)), smap


_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]+\")\s*=")
_TOML_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*$")


def parse_toml_text(text: str, file: str) -> tuple[Any, SourceMap]:
    """TOML has no position information in tomllib; lines are found by scanning tables and keys."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"{file}:{m.group(1) if m else 1}: (syntax): {exc}") from None
    smap = SourceMap(default_file=file)
    smap.locations[()] = Location(file, 1)
    table: Path_ = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _TOML_TABLE.match(line):
            table = tuple(part.strip().strip('"') for part in m.group(1).split("."))
            smap.locations.setdefault(table, Location(file, number))
        elif m := _TOML_KEY.match(line):
            key = m.group(1).strip('"')
            smap.locations.setdefault(table + (key,), Location(file, number))
    _check_finite_tree(data, (), smap)
    return data, smap


def _check_finite_tree(value: Any, path: Path_, smap: SourceMap) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite_tree(item, path + (key,), smap)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_finite_tree(item, path + (i,), smap)
    else:
        check_finite(value, f"{smap.where(path)}: {dotted(path)}")


def read_config_file(path: Path) -> tuple[Any, SourceMap]:
    """Parse one YAML or TOML file (chosen by suffix; YAML otherwise), at most ``MAX_CONFIG_BYTES`` long."""
    file = str(path)
    try:
        if not path.is_file():
            reason = "file not found" if not path.exists() else "not a regular file"
            raise ConfigError(f"{file}:1: (file): {reason}")
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{file}:1: (file): {size:,} bytes is more than the {MAX_CONFIG_BYTES:,} a config file may hold")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}:1: (file): not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(f"{file}:1: (file): cannot read: {exc.strerror or exc}") from None
    if path.suffix.lower() == ".toml":
        return parse_toml_text(text, file)
    return parse_yaml_text(text, file)


# Mappings of shares are replaced whole when overridden: merging {bev-swap: 1} into {diesel-cn5: 1} would
# give a mix summing to 2.
REPLACED_WHOLE = frozenset({"fleet_mix", "drayage_fleet_mix", "drayage_mix", "chain_shares", "default_shares"})


def _replaced_whole(prefix: Path_) -> bool:
    return bool(prefix) and (prefix[-1] in REPLACED_WHOLE or (len(prefix) >= 2 and prefix[-2] == "extra_mixes"))


def deep_merge(base: Any, over: Any, base_map: SourceMap, over_map: SourceMap, prefix: Path_ = ()) -> Any:
    """Merge ``over`` into ``base``: mappings merge key by key, anything else replaces.

    A value of ``null`` in ``over`` deletes the key from ``base``. Share mappings (fleet mixes, chain
    shares; see ``REPLACED_WHOLE``) are replaced whole.
    """
    if isinstance(base, dict) and isinstance(over, dict) and not _replaced_whole(prefix):
        if prefix and prefix in over_map.locations:
            # the overriding file is the last to mention this mapping: errors about it point there
            base_map.locations[prefix] = over_map.locations[prefix]
        merged = dict(base)
        for key, value in over.items():
            path = prefix + (key,)
            if value is None and key in merged:
                del merged[key]
                base_map.replace_subtree(path, SourceMap())
                continue
            if key in merged:
                merged[key] = deep_merge(merged[key], value, base_map, over_map, path)
            else:
                merged[key] = value
                base_map.replace_subtree(path, _subtree(over_map, path))
        return merged
    if not isinstance(base, (dict, list)) and not isinstance(over, (dict, list)):
        # a value for a value: on either side the only location at or under ``prefix`` is its own
        base_map.locations.pop(prefix, None)
        if prefix in over_map.locations:
            base_map.locations[prefix] = over_map.locations[prefix]
        return over
    base_map.replace_subtree(prefix, _subtree(over_map, prefix))
    return over


def _subtree(smap: SourceMap, prefix: Path_) -> SourceMap:
    n = len(prefix)
    return SourceMap({k: v for k, v in smap.locations.items() if k[:n] == prefix}, smap.default_file)
