"""Load a scenario file: resolve ``base:`` files, apply ``--set`` overrides, validate, report file:line errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from freight_sim.config.field_docs import field_description, field_names_at
from freight_sim.config.hints import did_you_mean, unknown_id_lines
from freight_sim.config.yaml_source import Location, SourceMap, deep_merge, dotted, parse_yaml_text, read_config_file
from freight_sim.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
MAX_BASE_DEPTH = 16
MAX_BASE_FILES = 64
MAX_ECHO_CHARS = 60


def load_merged(path: Path, _chain: tuple[Path, ...] = (), _files_left: list[int] | None = None) -> tuple[dict[str, Any], SourceMap]:
    """Read ``path`` and the files it names in ``base:`` (a path or a list, merged in order, relative to it).

    At most ``MAX_BASE_DEPTH`` files deep and ``MAX_BASE_FILES`` files read in all.
    """
    path = Path(path)
    resolved = path.resolve()
    files_left = [MAX_BASE_FILES] if _files_left is None else _files_left
    if resolved in _chain:
        raise ConfigError(f"{path}:1: base: circular base chain through {path}")
    if len(_chain) > MAX_BASE_DEPTH:
        raise ConfigError(f"{_chain[0]}:1: base: base files nested more than {MAX_BASE_DEPTH} deep")
    files_left[0] -= 1
    if files_left[0] < 0:
        raise ConfigError(f"{_chain[0] if _chain else path}:1: base: more than {MAX_BASE_FILES} base files to read")
    data, smap = read_config_file(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: (top level): expected a mapping of fields, got {type(data).__name__}")
    bases = data.pop("base", None)
    if bases is None:
        return data, smap
    base_list = [bases] if isinstance(bases, str) else bases
    if not isinstance(base_list, list) or not all(isinstance(b, str) for b in base_list):
        raise ConfigError(f"{smap.where(('base',))}: base: must be a file path or a list of file paths")
    merged: dict[str, Any] = {}
    merged_map = SourceMap(default_file=str(path))
    for i, base in enumerate(base_list):
        base_path = (path.parent / base) if not Path(base).is_absolute() else Path(base)
        if not base_path.is_file():
            where = smap.where(("base", i) if isinstance(bases, list) else ("base",))
            raise ConfigError(f"{where}: base: base file not found: {base_path}")
        base_data, base_map = load_merged(base_path, _chain + (resolved,), files_left)
        merged = deep_merge(merged, base_data, merged_map, base_map)
    merged = deep_merge(merged, data, merged_map, smap)
    merged_map.default_file = str(path)
    return merged, merged_map


def parse_override(text: str) -> tuple[tuple[str, ...], Any]:
    """``a.b.c=value`` -> (("a","b","c"), value), the value read as a YAML scalar or flow collection."""
    if "=" not in text:
        hint = f" (write --set {text.strip()}=VALUE: '=' and no space)" if text.strip() and " " not in text.strip() else ""
        raise ConfigError(f"--set:1: {text}: expected dotted.path=value{hint}")
    key, _, raw = text.partition("=")
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ConfigError(f"--set:1: {key or '(empty)'}: expected dotted.path=value")
    path = tuple(key.split("."))
    value = parse_yaml_text(raw, "--set", root=path)[0] if raw.strip() else ""
    return path, value


def parse_overrides(overrides: list[str] | tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    """Every ``--set`` read before any file is, so a mistyped one is reported as itself, one line each."""
    lines, parsed = [], []
    for text in overrides:
        try:
            parsed.append(parse_override(text))
        except ConfigError as exc:
            lines.extend(exc.lines)
    if lines:
        raise ConfigError(*lines)
    return parsed


def override_hints(model: type[BaseModel], data: dict[str, Any], overrides: list[str] | tuple[str, ...]) -> list[str]:
    """One line per ``--set`` naming an id ``data`` does not hold (``unknown enterprise E4 (did you mean E04?)``)."""
    return [line for path, _value in parse_overrides(overrides) for line in unknown_id_lines(model, data, path, "--set:1")]


def apply_overrides(data: dict[str, Any], smap: SourceMap, overrides: list[str] | tuple[str, ...]) -> dict[str, Any]:
    for path, value in parse_overrides(overrides):
        patch: Any = value
        for part in reversed(path):
            patch = {part: patch}
        patch_map = SourceMap({path[:i]: Location("--set", 1) for i in range(1, len(path) + 1)}, "--set")
        data = deep_merge(data, patch, smap, patch_map)
    return data


_BOUND_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "too_short", "too_long"}


def validation_lines(exc: ValidationError, smap: SourceMap, model: type[BaseModel] | None = None) -> list[str]:
    """One ``FILE:LINE: dotted.field: message`` line per pydantic error; bounds say what the field means."""
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "field required"
        if err["type"] == "extra_forbidden" and model is not None and loc:
            message += did_you_mean(str(loc[-1]), field_names_at(model, loc[:-1])).replace(" (known:", " (fields:")
        if "input" in err and err["type"] not in ("missing", "extra_forbidden") and not isinstance(err["input"], (dict, list)):
            message = f"{message} (got {shorten(repr(err['input']))})"
        if model is not None and err["type"] in _BOUND_ERRORS:
            description = field_description(model, loc)
            if description:
                message = f"{message}; expected {description}"
        lines.append(f"{smap.where(loc)}: {dotted(loc)}: {message}")
    return lines


def validate(model: type[M], data: dict[str, Any], smap: SourceMap, context: dict[str, Any] | None = None) -> M:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ConfigError(*validation_lines(exc, smap, model)) from None


@dataclass(frozen=True)
class Loaded:
    """A validated model with the file it came from and the location of each of its fields."""

    model: Any
    path: Path
    source: SourceMap

    def where(self, *path: str | int) -> str:
        return str(self.source.where(tuple(path)))

    def error(self, path: tuple[str | int, ...], message: str) -> str:
        """One ``FILE:LINE: dotted.field: message`` line for a problem found after validation."""
        return f"{self.source.where(path)}: {dotted(path)}: {message}"


def apply_patch(data: dict[str, Any], smap: SourceMap, patch: dict[str, Any], patch_map: SourceMap | None = None) -> dict[str, Any]:
    """Deep-merge a nested mapping (e.g. a variant of an experiment file) into ``data``."""
    return deep_merge(data, patch, smap, patch_map or SourceMap(default_file="<patch>"))


def shorten(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """At most ``limit`` characters of a value echoed in an error line (never a whole file)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def load_model(
    model: type[M],
    path: Path,
    overrides: list[str] | tuple[str, ...] = (),
    patches: Sequence[tuple[dict[str, Any], SourceMap | None]] = (),
) -> Loaded:
    """Load ``path`` with its bases, merge ``patches`` (mapping, where-it-came-from) then ``--set`` overrides."""
    parse_overrides(overrides)
    data, smap = load_merged(Path(path))
    for patch, patch_map in patches:
        data = apply_patch(data, smap, patch, patch_map)
    hints = override_hints(model, data, overrides)
    data = apply_overrides(data, smap, overrides)
    try:
        validated = validate(model, data, smap, context={"base_dir": Path(path).resolve().parent})
    except ConfigError:
        if hints:
            raise ConfigError(*hints) from None
        raise
    return Loaded(validated, Path(path), smap)
