"""The alias table: header texts and cell labels of enterprise records mapped to canonical names.

The table is data (``aliases.yaml`` beside this module, or a user file with the same layout). Both the
aliases and the text being looked up are normalised the same way (:func:`normalise`), so width, case and
spacing variants match without listing each one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from freight_sim.errors import ConfigError

CANONICAL_COLUMNS = (
    "date",
    "plate",
    "vehicle_type",
    "fuel",
    "standard",
    "net_weight",
    "gross_weight",
    "tare_weight",
    "material",
    "direction",
    "mode",
    "counterpart",
    "waybill",
)
WEIGHT_COLUMNS = ("net_weight", "gross_weight", "tare_weight")
VALUE_KINDS = ("fuel", "standard", "mode", "direction")

_STRIP = re.compile(r"[\s_\-]+")
_UNIT_SUFFIX = re.compile(r"^(?P<name>.+?)\s*(?:[(\[](?P<bracket>[^)\]]+)[)\]]|/(?P<slash>[^/]+))$")


def normalise(text: str) -> str:
    """NFKC, lower case, without spaces, underscores and hyphens: the form aliases are compared in."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", str(text)).lower())


@dataclass(frozen=True)
class HeaderMatch:
    """A header cell recognised as a canonical column; ``tonnes_per_unit`` is set for weight columns."""

    canonical: str
    tonnes_per_unit: float | None = None
    unit_label: str | None = None


@dataclass(frozen=True)
class AliasTable:
    """Lookup tables built from ``aliases.yaml``; every mapping is keyed by normalised text."""

    columns: Mapping[str, str]
    weight_units: Mapping[str, float]
    values: Mapping[str, Mapping[str, str]]
    totals_markers: tuple[str, ...]
    battery_swap_markers: tuple[str, ...]
    materials: Mapping[str, str]
    source: str

    def match_header(self, text: Any) -> HeaderMatch | None:
        """The canonical column a header cell names, with its unit, or None when it is not an alias."""
        if not isinstance(text, str) or not text.strip():
            return None
        key = normalise(text)
        if key in self.columns:
            return HeaderMatch(self.columns[key])
        parsed = _UNIT_SUFFIX.match(unicodedata.normalize("NFKC", text.strip()))
        if parsed is None:
            return None
        name_key = normalise(parsed.group("name"))
        unit_key = normalise(parsed.group("bracket") or parsed.group("slash"))
        canonical = self.columns.get(name_key)
        if canonical is None:
            return None
        if canonical in WEIGHT_COLUMNS:
            return HeaderMatch(canonical, self.weight_units.get(unit_key), unit_key)
        return HeaderMatch(canonical)

    def rank(self, canonical: str, text: str) -> int:
        """Where ``text`` stands among the aliases of ``canonical`` in aliases.yaml (unknown: after all)."""
        names = [alias for alias, name in self.columns.items() if name == canonical]
        key = normalise(text)
        return names.index(key) if key in names else len(names)

    def unit_of(self, text: Any) -> tuple[float, str] | None:
        """A weight unit named by a group header such as ``重量(kg)`` or a bare ``kg``, if any."""
        if not isinstance(text, str) or not text.strip():
            return None
        bare = normalise(text)
        if bare in self.weight_units:
            return self.weight_units[bare], bare
        parsed = _UNIT_SUFFIX.match(unicodedata.normalize("NFKC", text.strip()))
        if parsed is None:
            return None
        unit_key = normalise(parsed.group("bracket") or parsed.group("slash"))
        return (self.weight_units[unit_key], unit_key) if unit_key in self.weight_units else None

    def value_labels(self, kind: str) -> Mapping[str, str]:
        """Normalised label -> canonical value for ``fuel``, ``standard``, ``mode`` or ``direction``."""
        return self.values[kind]

    def canonical_values(self, kind: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.values[kind].values()))


def load_aliases(path: Path | None = None) -> AliasTable:
    """The bundled alias table, or a user file with the same layout."""
    if path is None:
        name = "aliases.yaml"
        text = resources.files("freight_sim.records").joinpath(name).read_text(encoding="utf-8")
    else:
        name = str(path)
        text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    try:
        return _build(data, name)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ConfigError(f"{name}:1: alias table: {exc}") from None


def _invert(groups: Mapping[str, list[Any]], section: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, aliases in groups.items():
        for alias in [canonical, *aliases]:
            key = normalise(str(alias))
            if table.get(key, canonical) != canonical:
                raise ValueError(f"{section}: alias {alias!r} names both {table[key]!r} and {canonical!r}")
            table[key] = str(canonical)
    return table


def _build(data: dict[str, Any], name: str) -> AliasTable:
    unknown = set(data["columns"]) - set(CANONICAL_COLUMNS)
    if unknown:
        raise ValueError(f"columns: unknown canonical column(s) {sorted(unknown)}")
    columns = _invert(data["columns"], "columns")
    values = {kind: MappingProxyType(_invert(data["values"][kind], f"values.{kind}")) for kind in VALUE_KINDS}
    units = {normalise(k): float(v) for k, v in data["weight_units"].items()}
    return AliasTable(
        columns=MappingProxyType(columns),
        weight_units=MappingProxyType(units),
        values=MappingProxyType(values),
        totals_markers=tuple(str(m) for m in data["totals_markers"]),
        battery_swap_markers=tuple(str(m) for m in data.get("battery_swap_markers", [])),
        materials=MappingProxyType(_invert(data.get("materials", {}), "materials")),
        source=name,
    )
