"""Read YAML/TOML config files into plain data plus a map of where every value came from.

YAML is parsed with PyYAML's safe composer (no object construction) and duplicate keys are rejected.
Each value's location is recorded under its path (a tuple of keys and list indices), so that a later
validation error can be reported as ``FILE:LINE: dotted.field: message``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from freight_sim.errors import ConfigError

Path_ = tuple[str | int, ...]


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


def _construct(node: yaml.Node, path: Path_, file: str, smap: SourceMap, line: int | None = None) -> Any:
    """Build plain data from ``node``; ``line`` is where the key of this value stands (1-based)."""
    smap.locations[path] = Location(file, line if line is not None else node.start_mark.line + 1)
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
                    f"{file}:{key_node.start_mark.line + 1}: {dotted(path + (key,))}: duplicate key "
                    f"(first given on line {smap.locations[path + (key,)].line})"
                )
            result[key] = _construct(value_node, path + (key,), file, smap, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (i,), file, smap) for i, item in enumerate(node.value)]
    return yaml.SafeLoader.construct_object(_SCALAR_LOADER, node)


class _ScalarLoader(yaml.SafeLoader):
    def __init__(self) -> None:
        super().__init__("")


_SCALAR_LOADER = _ScalarLoader()


def parse_yaml_text(text: str, file: str) -> tuple[Any, SourceMap]:
    smap = SourceMap(default_file=file)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or str(exc)
        raise ConfigError(f"{file}:{line}: (syntax): {problem}") from None
    if node is None:
        return {}, smap
    return _construct(node, (), file, smap), smap


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
    return data, smap


def read_config_file(path: Path) -> tuple[Any, SourceMap]:
    """Parse one YAML or TOML file (chosen by suffix; YAML otherwise)."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{file}:1: (file): file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}:1: (file): not UTF-8 text ({exc.reason})") from None
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
    base_map.replace_subtree(prefix, _subtree(over_map, prefix))
    return over


def _subtree(smap: SourceMap, prefix: Path_) -> SourceMap:
    n = len(prefix)
    return SourceMap({k: v for k, v in smap.locations.items() if k[:n] == prefix}, smap.default_file)
