"""Find the description of a field from a pydantic error location, to explain a bound in an error line."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel


def _unwrap(annotation: Any) -> list[Any]:
    """Candidate types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def field_description(model: type[BaseModel], loc: tuple[str | int, ...]) -> str | None:
    """Description of the field at ``loc`` (keys of mappings and list indices are stepped over)."""
    candidates: list[Any] = [model]
    description = None
    for part in loc:
        nxt: list[Any] = []
        description = None
        for cand in candidates:
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                field = cand.model_fields.get(str(part))
                if field is not None:
                    description = field.description or description
                    nxt.extend(_unwrap(field.annotation))
            elif typing.get_origin(cand) in (dict, list):
                args = typing.get_args(cand)
                if args:
                    nxt.extend(_unwrap(args[-1]))
        if not nxt:
            return description
        candidates = nxt
    return description
