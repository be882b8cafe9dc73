"""Hints for mistaken inputs: the closest known name, and ids an override does not know.

``--set enterprises.E4.siding.enabled=true`` would otherwise create a new enterprise ``E4`` holding one
field and fail with a line per missing field; :func:`unknown_id_lines` says instead
``--set:1: enterprises.E4: unknown enterprise E4 (did you mean E04?)``.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from freight_sim.config.field_docs import unwrap_annotation
from freight_sim.config.yaml_source import dotted

MAX_KNOWN_SHOWN = 8


def _normalised(word: str) -> str:
    """Lower case without leading zeros in numbers: ``E04`` and ``e4`` are the same id."""
    return re.sub(r"(?<!\d)0+(?=\d)", "", word.lower())


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest of ``known``, `` (known: a, b, ...)`` for a short list, else ``""``."""
    known = sorted(str(k) for k in known)
    close = [k for k in known if _normalised(k) == _normalised(str(word))][:1]
    close = close or difflib.get_close_matches(str(word), known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]}?)"
    if 0 < len(known) <= MAX_KNOWN_SHOWN:
        return f" (known: {', '.join(known)})"
    return ""


def _model_of(annotation: Any) -> type[BaseModel] | None:
    for alt in unwrap_annotation(annotation):
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            return alt
    return None


def _id_keyed_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a ``dict[id, Model]`` field (a collection of named things), else None."""
    for alt in unwrap_annotation(annotation):
        if typing.get_origin(alt) is dict:
            return _model_of(typing.get_args(alt)[1])
    return None


def noun(model: type[BaseModel]) -> str:
    """``StationTimetable`` -> ``station timetable``."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def unknown_id(model: type[BaseModel], data: Any, path: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    """If ``path`` names an entry of a named collection that ``data`` does not hold: (its path, a message)."""
    current_model: type[BaseModel] | None = model
    current = data
    for i, key in enumerate(path):
        if current_model is None or not isinstance(current, dict):
            return None
        field = current_model.model_fields.get(key)
        if field is None:
            return None
        current = current.get(key)
        item_model = _id_keyed_model(field.annotation)
        if item_model is not None and i + 1 < len(path) and isinstance(current, dict):
            entry = path[i + 1]
            if entry not in current:
                return path[: i + 2], f"unknown {noun(item_model)} {entry}{did_you_mean(entry, current)}"
            rest = path[i + 2 :]
            inner = unknown_id(item_model, current[entry], rest) if rest else None
            return (path[: i + 2] + inner[0], inner[1]) if inner else None
        current_model = _model_of(field.annotation)
    return None


def unknown_id_lines(model: type[BaseModel], data: dict[str, Any], path: tuple[str, ...], where: str) -> list[str]:
    """``WHERE: dotted.path: unknown <noun> <id> (did you mean ...?)`` when an override names an unknown id."""
    found = unknown_id(model, data, path)
    if found is None:
        return []
    return [f"{where}: {dotted(found[0])}: {found[1]}"]
