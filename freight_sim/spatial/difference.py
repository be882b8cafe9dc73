"""Difference grids of a batch: each variant's emissions per grid cell minus its baseline's.

Runs of a batch whose scenario has ``spatial`` enabled keep their non-empty cells (``emissions_cells``)
with their tables. A variant is paired with the baseline at its sweep point (as the paired differences
of the batch summary are) by (sample, replication); per pair the difference is taken cell by cell (a cell
missing from one run counts as 0) and averaged over the pairs. ``write_difference_grids`` writes
``emissions_cells_difference.parquet`` and ``.csv``, and ``emissions_difference.nc`` (dims variant,
lat, lon) when the extra ``spatial`` is installed.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd

from freight_sim import atomic
from freight_sim.errors import FreightSimError

CELLS_TABLE = "emissions_cells"
CELL_KEYS = ["column", "row"]


def _finished_cells(folder: Path, run_id: str) -> pd.DataFrame | None:
    run = folder / "runs" / run_id
    try:
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    path = run / "tables" / f"{CELLS_TABLE}.parquet"
    if manifest.get("status") != "finished" or not path.is_file():
        return None
    return pd.read_parquet(path)


def difference_cells(batch_dir: Path | str) -> pd.DataFrame:
    """Rows (variant, reference, pairs, lon, lat, column, row, ``<pollutant>_kg`` mean difference,
    ``<pollutant>_kg_reference`` mean of the baseline); empty when no run kept its cells."""
    from freight_sim.experiments.design import VariantInfo
    from freight_sim.experiments.summary import reference_of

    folder = Path(batch_dir)
    try:
        design = json.loads((folder / "batch.json").read_text(encoding="utf-8")).get("design") or {}
    except FileNotFoundError:
        return pd.DataFrame()
    except json.JSONDecodeError as exc:
        raise FreightSimError(f"{folder / 'batch.json'}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    variants = [VariantInfo(v["name"], v["base_variant"], v.get("sweep_point") or {}) for v in design.get("variants", [])]
    runs: dict[tuple[str, int, int], pd.DataFrame] = {}
    for run in design.get("runs", []):
        cells = _finished_cells(folder, run["run_id"])
        if cells is not None:
            sample = -1 if run.get("sample") is None else int(run["sample"])
            runs[(run["variant"], sample, int(run["replication"]))] = cells
    frames = []
    for variant, reference in sorted(reference_of(variants).items()):
        pairs = [(runs[key], runs[(reference, *key[1:])]) for key in sorted(runs) if key[0] == variant and (reference, *key[1:]) in runs]
        if pairs:
            frames.append(_mean_difference(variant, reference, pairs))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _mean_difference(variant: str, reference: str, pairs: list[tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    kg = [c for c in pairs[0][0].columns if c.endswith("_kg")]
    differences, references = [], []
    for mine, base in pairs:
        both = mine.set_index(CELL_KEYS)[["lon", "lat", *kg]].merge(
            base.set_index(CELL_KEYS)[["lon", "lat", *kg]], how="outer", left_index=True, right_index=True, suffixes=("", "_reference")
        )
        both["lon"] = both["lon"].fillna(both["lon_reference"])
        both["lat"] = both["lat"].fillna(both["lat_reference"])
        for column in kg:
            both[column] = both[column].fillna(0.0) - both[f"{column}_reference"].fillna(0.0)
            both[f"{column}_reference"] = both[f"{column}_reference"].fillna(0.0)
        differences.append(both[["lon", "lat", *kg]])
        references.append(both[[f"{c}_reference" for c in kg]])
    total = pd.concat(differences).groupby(level=CELL_KEYS).agg({"lon": "first", "lat": "first", **{c: "sum" for c in kg}})
    base_total = pd.concat(references).groupby(level=CELL_KEYS).sum()
    out = total.join(base_total, how="left").fillna(0.0)
    for column in [*kg, *[f"{c}_reference" for c in kg]]:
        out[column] = out[column] / len(pairs)
    out = out.reset_index()
    out.insert(0, "pairs", len(pairs))
    out.insert(0, "reference", reference)
    out.insert(0, "variant", variant)
    return out[["variant", "reference", "pairs", "lon", "lat", *CELL_KEYS, *kg, *[f"{c}_reference" for c in kg]]]


def write_difference_grids(batch_dir: Path | str) -> list[Path]:
    """Write the difference grids of a batch folder (module docstring); [] when no run kept its cells."""
    folder = Path(batch_dir)
    table = difference_cells(folder)
    if table.empty:
        return []
    written = [folder / "emissions_cells_difference.parquet", folder / "emissions_cells_difference.csv"]
    atomic.write_parquet(written[0], table)
    atomic.write_csv(written[1], table)
    if importlib.util.find_spec("xarray") is not None and any(importlib.util.find_spec(m) for m in ("netCDF4", "h5netcdf")):
        written.append(_write_netcdf(table, folder / "emissions_difference.nc"))
    return written


def _write_netcdf(table: pd.DataFrame, path: Path) -> Path:
    """Mean differences as a CF-1.8 NetCDF with dims (variant, lat, lon)."""
    import xarray as xr

    from freight_sim.spatial.netcdf import save_dataset

    deg = float(np.median(table["lon"] / (table["column"] + 0.5)))
    deg = round(deg, 9)
    columns = np.arange(table["column"].min(), table["column"].max() + 1)
    rows = np.arange(table["row"].min(), table["row"].max() + 1)
    variants = list(dict.fromkeys(table["variant"]))
    kg = [c for c in table.columns if c.endswith("_kg")]
    data_vars = {}
    for column in kg:
        values = np.zeros((len(variants), len(rows), len(columns)))
        v = table["variant"].map(variants.index).to_numpy()
        values[v, table["row"].to_numpy() - rows[0], table["column"].to_numpy() - columns[0]] = table[column].to_numpy()
        data_vars[column.removesuffix("_kg")] = (
            ("variant", "lat", "lon"),
            values,
            {
                "units": "kg",
                "long_name": f"{column.removesuffix('_kg')} emission, variant minus its baseline, per grid cell",
                "cell_methods": "area: sum",
            },
        )
    ds = xr.Dataset(
        data_vars=data_vars,
        coords={
            "variant": ("variant", np.array(variants, dtype=object), {"long_name": "variant (minus its baseline)"}),
            "reference": ("variant", np.array([table.loc[table["variant"] == v, "reference"].iloc[0] for v in variants], dtype=object)),
            "lat": ("lat", (rows + 0.5) * deg, {"standard_name": "latitude", "units": "degrees_north", "axis": "Y"}),
            "lon": ("lon", (columns + 0.5) * deg, {"standard_name": "longitude", "units": "degrees_east", "axis": "X"}),
        },
        attrs={
            "Conventions": "CF-1.8",
            "title": "Difference of gridded freight emissions, variant minus baseline",
            "institution": "freight_sim",
        },
    )
    return save_dataset(ds, path)
