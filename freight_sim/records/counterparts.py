"""Place the counterparts of shipment records on network nodes, with a table the user can edit and re-run.

Rules (``counterpart_nodes.yaml``): the user's edited table first, then name fragments, places (counties,
districts, cities, provinces; longest fragment first), then a gateway by direction and commodity. The
result lists each (counterpart, direction, commodity) with its tonnes, node and the rule that placed it;
``counterpart_map.csv`` holds it for editing (change ``node``, run again with ``--counterpart-map``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from freight_sim.errors import RecordError

MAP_COLUMNS = ("counterpart", "direction", "commodity", "tonnes", "node", "matched_by")
UNNAMED = "(none)"


def load_counterpart_rules() -> dict[str, Any]:
    text = resources.files("freight_sim.records").joinpath("counterpart_nodes.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def read_user_map(path: Path, node_ids: set[str]) -> dict[tuple[str, str, str], str]:
    """(counterpart, direction, commodity) -> node from an edited counterpart_map.csv; unknown nodes are errors."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise RecordError(f"{path}:1:1: cannot read the counterpart map: {exc}") from None
    missing = [c for c in ("counterpart", "direction", "commodity", "node") if c not in table.columns]
    if missing:
        raise RecordError(f"{path}:1:0: counterpart map without column(s) {', '.join(missing)}")
    problems = []
    mapping = {}
    for offset, row in enumerate(table.itertuples(index=False), start=2):
        node = str(row.node).strip()
        if node not in node_ids:
            column = list(table.columns).index("node") + 1
            problems.append(f"{path}:{offset}:{column}: node {node!r} is not a node of the network")
            continue
        mapping[(str(row.counterpart), str(row.direction), str(row.commodity))] = node
    if problems:
        raise RecordError(*problems)
    return mapping


@dataclass(frozen=True, kw_only=True)
class Placement:
    node: str
    matched_by: str


def place(counterpart: str, direction: str, commodity: str, rules: dict[str, Any], user: dict[tuple[str, str, str], str]) -> Placement:
    """The node of one counterpart by the first rule that matches."""
    if (counterpart, direction, commodity) in user:
        return Placement(node=user[(counterpart, direction, commodity)], matched_by="counterpart map")
    for section in ("names", "places"):
        table = rules.get(section) or {}
        for fragment in sorted(table, key=len, reverse=True):
            if counterpart != UNNAMED and fragment in counterpart:
                return Placement(node=str(table[fragment]), matched_by=f"{section}: {fragment}")
    for rule in rules["gateways"]:
        if rule["direction"] == direction and rule.get("commodity", commodity) == commodity:
            what = f"{direction} {rule['commodity']}" if "commodity" in rule else direction
            return Placement(node=str(rule["node"]), matched_by=f"gateway for {what} (estimate)")
    raise RecordError(f"counterpart_nodes.yaml:1:0: no gateway rule for direction {direction!r}")


def counterpart_map(rows: pd.DataFrame, commodity: pd.Series, rules: dict[str, Any], user: dict[tuple[str, str, str], str]) -> pd.DataFrame:
    """One row per (counterpart, direction, commodity) of ``rows`` with tonnes, node and rule (largest tonnes first)."""
    names = rows["counterpart"].astype(object).where(rows["counterpart"].notna(), UNNAMED).astype(str)
    keys = pd.DataFrame({"counterpart": names, "direction": rows["direction"].astype(str), "commodity": commodity.astype(str)})
    tonnes = rows["net_weight_t"].groupby([keys["counterpart"], keys["direction"], keys["commodity"]], sort=True).sum()
    records = []
    for (name, direction, goods), total in tonnes.items():
        placed = place(name, direction, goods, rules, user)
        records.append({"counterpart": name, "direction": direction, "commodity": goods, "tonnes": round(float(total), 3),
                        "node": placed.node, "matched_by": placed.matched_by})  # fmt: skip
    table = pd.DataFrame(records, columns=list(MAP_COLUMNS))
    return table.sort_values(["tonnes", "counterpart"], ascending=[False, True], kind="stable").reset_index(drop=True)
