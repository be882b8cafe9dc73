"""Find the description of a field from a pydantic error location, to explain a bound in an error line."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel


def unwrap_annotation(annotation: Any) -> list[Any]:
    """Candidate types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap_annotation(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in unwrap_annotation(arg)]
    return [annotation]


def field_names_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names a model at ``loc`` accepts (for "did you mean" on an unknown field)."""
    candidates: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for cand in candidates:
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                field = cand.model_fields.get(str(part))
                nxt.extend(unwrap_annotation(field.annotation) if field is not None else [])
            elif typing.get_origin(cand) in (dict, list) and typing.get_args(cand):
                nxt.extend(unwrap_annotation(typing.get_args(cand)[-1]))
        candidates = nxt
    return sorted({name for cand in candidates if isinstance(cand, type) and issubclass(cand, BaseModel) for name in cand.model_fields})


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
                    nxt.extend(unwrap_annotation(field.annotation))
            elif typing.get_origin(cand) in (dict, list):
                args = typing.get_args(cand)
                if args:
                    nxt.extend(unwrap_annotation(args[-1]))
        if not nxt:
            return description
        candidates = nxt
    return description
