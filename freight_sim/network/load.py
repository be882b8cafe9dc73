"""Load a network from a scenario's ``network:`` block: bundled name, node/edge CSV, GraphML or OSM XML."""

from __future__ import annotations

import csv
import dataclasses
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pandas as pd

from freight_sim.config.scenario import NetworkSource
from freight_sim.errors import ConfigError
from freight_sim.network.defaults import NetworkDefaults, load_defaults
from freight_sim.network.model import MultimodalNetwork
from freight_sim.network.rail_data import RAIL_FILE_NAME, load_rail_data
from freight_sim.network.tables import parse_edges, parse_nodes
from freight_sim.paths import bundled_network_dir, data_root

_PATH_FIELDS = ("graphml", "nodes_csv", "edges_csv", "osm_xml", "osm_sites_csv", "rail_yaml")


MAX_NETWORK_FILE_BYTES = 100_000_000


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ConfigError(f"{path}:1: (file): file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}:1: (file): cannot read: {exc.strerror or exc}") from None
    if not path.is_file():
        raise ConfigError(f"{path}:1: (file): not a regular file")
    if size > MAX_NETWORK_FILE_BYTES:
        raise ConfigError(f"{path}:1: (file): {size:,} bytes is more than the {MAX_NETWORK_FILE_BYTES:,} a network file may hold")


def _check_header(path: Path, header: list[str]) -> None:
    """Each column once: a repeated column would silently shadow the first."""
    first: dict[str, int] = {}
    problems = []
    for number, name in enumerate(header, start=1):
        if name in first:
            problems.append(f"{path}:1: {name}: duplicate column (columns {first[name]} and {number})")
        first.setdefault(name, number)
    if problems:
        raise ConfigError(*problems)


def read_csv_records(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """All cells as text, and the file line of each record (header is line 1)."""
    _check_size(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        rows, lines, problems = [], [], []
        try:
            header = [h.strip() for h in next(reader)]
            _check_header(path, header)
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    problems.append(f"{path}:{reader.line_num}: (row): expected {len(header)} cells, got {len(cells)}")
                    continue
                rows.append(cells)
                lines.append(reader.line_num)
        except StopIteration:
            raise ConfigError(f"{path}:1: (header): empty file") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}:{reader.line_num + 1}: (file): not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise ConfigError(f"{path}:{max(reader.line_num, 1)}: (row): {exc}") from None
    if problems:
        raise ConfigError(*problems)
    return pd.DataFrame(rows, columns=header, dtype=str), lines


def _csv_where(path: Path, lines: list[int]):
    return lambda row, column: f"{path}:{1 if row < 0 else lines[row]}"


def load_csv_network(nodes_csv: Path, edges_csv: Path, defaults: NetworkDefaults | None = None) -> MultimodalNetwork:
    defaults = defaults or load_defaults()
    raw_nodes, node_lines = read_csv_records(Path(nodes_csv))
    nodes = parse_nodes(raw_nodes, _csv_where(nodes_csv, node_lines))
    raw_edges, edge_lines = read_csv_records(Path(edges_csv))
    edges = parse_edges(raw_edges, nodes.index, _csv_where(edges_csv, edge_lines), defaults)
    return MultimodalNetwork.from_frames(nodes, edges, source=f"{nodes_csv} + {edges_csv}")


def _graphml_lines(text: str) -> tuple[dict[str, int], dict[tuple[str, str], list[int]]]:
    node_lines: dict[str, int] = {}
    edge_lines: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, line in enumerate(text.splitlines(), start=1):
        for m in re.finditer(r'<node\b[^>]*\bid="([^"]*)"', line):
            node_lines.setdefault(m.group(1), number)
        for m in re.finditer(r"<edge\b[^>]*>", line):
            src = re.search(r'\bsource="([^"]*)"', m.group(0))
            dst = re.search(r'\btarget="([^"]*)"', m.group(0))
            if src and dst:
                edge_lines[(src.group(1), dst.group(1))].append(number)
    return node_lines, edge_lines


def _graphml_edge_row(u, v, data: dict) -> dict:
    row = {"u": u, "v": v, **{k: v_ for k, v_ in data.items() if k not in ("u", "v")}}
    if "distance_km" not in row and "length" in row:  # OSMnx GraphML: length in metres
        row["distance_km"] = float(row["length"]) / 1000.0
    if "mode" not in row:
        row["mode"] = "rail" if "railway" in row else "road" if "highway" in row else ""
    return row


def load_graphml_network(path: Path, defaults: NetworkDefaults | None = None) -> MultimodalNetwork:
    """GraphML whose node and edge attributes use the CSV column names (``x``/``y`` accepted for lon/lat)."""
    defaults = defaults or load_defaults()
    path = Path(path)
    _check_size(path)
    try:
        text = path.read_text(encoding="utf-8")
        graph = nx.read_graphml(path)
    except FileNotFoundError:
        raise ConfigError(f"{path}:1: (file): file not found") from None
    except Exception as exc:
        raise ConfigError(f"{path}:1: (file): cannot read GraphML: {exc}") from None
    node_line, edge_line = _graphml_lines(text)
    node_rows = []
    for node_id, data in graph.nodes(data=True):
        row = {"id": str(node_id), **data}
        row.setdefault("lon", data.get("x", ""))
        row.setdefault("lat", data.get("y", ""))
        node_rows.append(row)
    raw_nodes = pd.DataFrame(node_rows).astype(object).where(lambda f: f.notna(), "").astype(str)
    node_ids = list(raw_nodes["id"]) if "id" in raw_nodes else []
    nodes = parse_nodes(raw_nodes, lambda row, col: f"{path}:{node_line.get(node_ids[row], 1) if row >= 0 else 1}")
    edge_rows: list[dict] = []
    seen: set[tuple] = set()
    taken: defaultdict[tuple, int] = defaultdict(int)
    for u, v, data in graph.edges(data=True):
        row = _graphml_edge_row(str(u), str(v), data)
        signature = (min(u, v), max(u, v), row.get("mode"), str(row.get("distance_km")))
        if graph.is_directed() and signature in seen:
            continue  # a directed export repeats each two-way edge
        seen.add(signature)
        lines = edge_line.get((str(u), str(v)), [1])
        row["_line"] = lines[min(taken[(u, v)], len(lines) - 1)]
        taken[(u, v)] += 1
        edge_rows.append(row)
    raw_edges = pd.DataFrame(edge_rows).astype(object).where(lambda f: f.notna(), "")
    line_of = list(raw_edges["_line"]) if "_line" in raw_edges else []
    raw_edges = raw_edges.drop(columns=["_line"], errors="ignore").astype(str)
    edges = parse_edges(raw_edges, nodes.index, lambda row, col: f"{path}:{line_of[row] if row >= 0 else 1}", defaults)
    return MultimodalNetwork.from_frames(nodes, edges, source=str(path))


def available_bundled_networks() -> list[str]:
    root = data_root() / "networks"
    return sorted(p.name for p in root.iterdir() if (p / "nodes.csv").is_file()) if root.is_dir() else []


def load_network_source(source: NetworkSource, base_dir: Path | None = None, defaults: NetworkDefaults | None = None) -> MultimodalNetwork:
    """Load the network a :class:`NetworkSource` names; relative paths are taken from ``base_dir``."""
    net = _load_graph(source, base_dir, defaults or load_defaults())
    rail_file = None
    if source.rail_yaml is not None:
        rail_file = (
            Path(source.rail_yaml) if Path(source.rail_yaml).is_absolute() or base_dir is None else Path(base_dir) / source.rail_yaml
        )
    elif source.bundled is not None and (bundled_network_dir(source.bundled) / RAIL_FILE_NAME).is_file():
        rail_file = bundled_network_dir(source.bundled) / RAIL_FILE_NAME
    return dataclasses.replace(net, rail=load_rail_data(rail_file)) if rail_file is not None else net


def _load_graph(source: NetworkSource, base_dir: Path | None, defaults: NetworkDefaults) -> MultimodalNetwork:
    def file(value: Path) -> Path:
        value = Path(value)
        return value if value.is_absolute() or base_dir is None else Path(base_dir) / value

    if source.bundled is not None:
        folder = bundled_network_dir(source.bundled)
        if not (folder / "nodes.csv").is_file():
            names = ", ".join(available_bundled_networks()) or "none"
            raise ConfigError(f"<network>:1: network.bundled: no bundled network '{source.bundled}' (available: {names})")
        net = load_csv_network(folder / "nodes.csv", folder / "edges.csv", defaults)
        return dataclasses.replace(net, source=f"bundled network '{source.bundled}'")
    if source.graphml is not None:
        return load_graphml_network(file(source.graphml), defaults)
    if source.nodes_csv is not None and source.edges_csv is not None:  # given together (NetworkSource)
        return load_csv_network(file(source.nodes_csv), file(source.edges_csv), defaults)
    from freight_sim.network.osm import load_osm

    if source.osm_xml is None or source.osm_sites_csv is None:
        raise ConfigError("<network>:1: network.osm_sites_csv: an OSM network needs a sites CSV (id, kind, lon, lat, name)")
    return load_osm(file(source.osm_xml), file(source.osm_sites_csv), defaults)


def load_network(loaded, defaults: NetworkDefaults | None = None) -> MultimodalNetwork:
    """Load the network of a loaded scenario (``freight_sim.config.Loaded``), paths relative to the file giving them."""
    from freight_sim.config import resolve_path

    source: NetworkSource = loaded.model.network
    updates = {}
    for name in _PATH_FIELDS:
        value = getattr(source, name)
        if value is None:
            continue
        path = resolve_path(loaded, ("network", name), value)
        if not path.is_file():
            raise ConfigError(loaded.error(("network", name), f"file not found: {path}"))
        updates[name] = path
    if source.bundled is not None and not (bundled_network_dir(source.bundled) / "nodes.csv").is_file():
        names = ", ".join(available_bundled_networks()) or "none"
        raise ConfigError(loaded.error(("network", "bundled"), f"no bundled network '{source.bundled}' (available: {names})"))
    return load_network_source(source.model_copy(update=updates), None, defaults)
