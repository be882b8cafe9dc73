"""Digests of what a run reads, so equal inputs are recognised and a resumed batch notices a changed one.

``config_sha256`` digests the validated scenario; ``inputs_sha256`` what a run reads besides it: the bundled data set (``networks/``
(of the bundled networks, only the scenario's own), ``fleets/`` and the bundled rule profiles), every data file the scenario names (network files, vehicle
catalog, fleet mixes, emission factors, costs, rule profiles) and the package version. Files are digested
by content under a name that does not depend on where they sit (a path inside the bundled data, or the
scenario field that names them), so the digest is the same on every machine that holds the same data.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from freight_sim import __version__
from freight_sim.config import resolve_path
from freight_sim.config.loader import Loaded
from freight_sim.config.scenario import Scenario
from freight_sim.paths import data_root

BUNDLED_FOLDERS = ("networks", "fleets")
DATA_FILE_FIELDS = (
    ("fleet", "catalog"),
    ("fleet", "mixes"),
    ("accounting", "factors"),
    ("accounting", "costs"),
    ("accounting", "rule_profiles"),
)
NETWORK_FILE_FIELDS = ("graphml", "nodes_csv", "edges_csv", "osm_xml", "osm_sites_csv")


def config_sha256(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario as canonical JSON: defaults are filled in, so two files that differ
    only in layout or in spelling out a default hash equal."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_files(loaded: Loaded) -> list[tuple[str, Path]]:
    """(name, path) of every input file of ``loaded``: the bundled data set first, then the named files."""
    root = data_root()
    scenario = loaded.model
    named: list[tuple[str, Path]] = []
    for folder in BUNDLED_FOLDERS:
        files = sorted(p for p in (root / folder).rglob("*") if p.is_file() and not p.name.startswith("."))
        named += [(p.relative_to(root).as_posix(), p) for p in files if _read_by(p.relative_to(root).parts, scenario.network.bundled)]
    named.append(("freight_sim/policy/rule_profiles.yaml", Path(str(resources.files("freight_sim.policy").joinpath("rule_profiles.yaml")))))
    for field_path in DATA_FILE_FIELDS:
        value = getattr(getattr(scenario, field_path[0]), field_path[1])
        if value != "bundled":  # as data_path resolves it, without reading the file: a digest never fails
            named.append((".".join(field_path), Path(resolve_path(loaded, field_path, value))))
    for name in NETWORK_FILE_FIELDS:
        value = getattr(scenario.network, name)
        if value is not None:
            named.append((f"network.{name}", Path(resolve_path(loaded, ("network", name), value))))
    return named


def _read_by(parts: tuple[str, ...], bundled_network: str | None) -> bool:
    """A file in a bundled network's folder (``networks/NAME/...``) is read only by scenarios on that network;
    every other bundled file (``networks/*.yaml``, ``fleets/``) by all."""
    return not (parts[0] == "networks" and len(parts) > 2 and parts[1] != bundled_network)


def inputs_sha256(loaded: Loaded) -> str:
    """SHA-256 over the package version and each input file's name and content (a missing file counts as missing)."""
    digest = hashlib.sha256(f"freight_sim {__version__}\n".encode())
    for name, path in input_files(loaded):
        try:
            content = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            content = "missing"
        digest.update(f"{name} {content}\n".encode())
    return digest.hexdigest()
