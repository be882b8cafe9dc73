"""Benchmark: read + validate + ratio on a 1,000,000-row CSV and a 200,000-row xlsx (not a test).

Run: ``.venv/bin/python benchmarks/records_bench.py [--csv-rows N] [--xlsx-rows N]``. Files are generated
in a temporary folder; each audit then runs in a fresh child process, so its peak RSS (``resource.getrusage``)
is the audit's own and not the generator's. The script prints generation time, then seconds and peak memory
of each audit (and the peak of Python allocations from tracemalloc when ``--tracemalloc`` is given, which
slows the run down). ``--measure FILE`` audits one file in this process.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from freight_sim.policy.profiles import get_profile
from freight_sim.records import audit, read_records

HEADER = ["日期", "车牌号", "车辆类型", "燃料类型", "排放标准", "净重(吨)", "物料", "进出厂", "运输方式", "收货单位", "磅单号"]


def synthetic_records(rows: int, seed: int = 20261124) -> pd.DataFrame:
    """Plausible weighbridge rows: road trucks of several fuels, some rail and conveyor, a few faults."""
    rng = np.random.default_rng(seed)
    mode = rng.choice(["公路", "铁路", "皮带"], size=rows, p=[0.8, 0.15, 0.05])
    road = mode == "公路"
    fuel = np.where(road, rng.choice(["柴油", "纯电", "换电", "LNG", "氢燃料"], size=rows, p=[0.55, 0.2, 0.15, 0.08, 0.02]), "")
    standard = np.where(fuel == "柴油", rng.choice(["国四", "国五", "国六"], size=rows), np.where(fuel == "LNG", "国六", ""))
    tonnes = np.where(road, rng.uniform(25, 35, rows).round(2), rng.uniform(300, 3000, rows).round(1)).astype(str)
    tonnes[rng.random(rows) < 1e-4] = "-1"  # a few rejected rows, as in real exports
    seconds = rng.integers(0, 365 * 86400, rows)
    dates = (pd.Timestamp("2025-01-01") + pd.to_timedelta(seconds, unit="s")).strftime("%Y-%m-%d %H:%M:%S")
    plates = np.char.add("晋D", rng.integers(10000, 12000, rows).astype(str))
    return pd.DataFrame(
        {
            HEADER[0]: dates,
            HEADER[1]: np.where(road, plates, ""),
            HEADER[2]: np.where(road, "重型半挂牵引车", ""),
            HEADER[3]: fuel,
            HEADER[4]: standard,
            HEADER[5]: tonnes,
            HEADER[6]: rng.choice(["焦炭", "原煤", "精煤"], size=rows),
            HEADER[7]: rng.choice(["出厂", "进厂"], size=rows),
            HEADER[8]: mode,
            HEADER[9]: "邯郸钢铁",
            HEADER[10]: np.char.add("B", np.arange(rows).astype(str)),
        }
    )


def _peak_rss_mb() -> float:
    """Peak resident memory of this process: VmHWM on Linux (reset by exec, unlike ``ru_maxrss``, which a child
    inherits from the parent that forked it), else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def _measure(label: str, path: Path, trace: bool) -> None:
    if trace:
        tracemalloc.start()
    start, cpu_start = time.perf_counter(), time.process_time()
    records = read_records([path])
    read_s = time.perf_counter() - start
    result = audit(records.frame, get_profile("nev-counts"), 0.8, "month")
    total_s = time.perf_counter() - start
    cpu_s = time.process_time() - cpu_start
    traced = ""
    if trace:
        traced = f", traced peak {tracemalloc.get_traced_memory()[1] / 1e6:,.0f} MB"
        tracemalloc.stop()
    print(
        f"{label}: {records.rows_read:,} rows read, {records.rows_rejected:,} rejected, ratio {result.ratio:.4f};"
        f" read+validate {read_s:.2f} s, with ratio {total_s:.2f} s (CPU {cpu_s:.2f} s); peak RSS {_peak_rss_mb():,.0f} MB{traced}"
    )


def _measure_in_child(label: str, path: Path, trace: bool) -> None:
    command = [sys.executable, __file__, "--measure", str(path), "--label", label] + (["--tracemalloc"] if trace else [])
    subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--tracemalloc", action="store_true", help="also report the peak of Python allocations")
    parser.add_argument("--measure", type=Path, help="audit this file in this process and print the figures")
    parser.add_argument("--label", default="file")
    args = parser.parse_args()
    if args.measure is not None:
        _measure(args.label, args.measure, args.tracemalloc)
        return
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        csv_path = Path(folder) / "records.csv"
        synthetic_records(args.csv_rows).to_csv(csv_path, index=False, encoding="gb18030")
        print(f"generated {args.csv_rows:,}-row GB18030 CSV in {time.perf_counter() - start:.1f} s")
        _measure_in_child("csv", csv_path, args.tracemalloc)
        if args.xlsx_rows:
            start = time.perf_counter()
            xlsx_path = Path(folder) / "records.xlsx"
            synthetic_records(args.xlsx_rows, seed=7).to_excel(xlsx_path, index=False, sheet_name="过磅记录", engine="openpyxl")
            print(f"generated {args.xlsx_rows:,}-row xlsx in {time.perf_counter() - start:.1f} s")
            _measure_in_child("xlsx", xlsx_path, args.tracemalloc)


if __name__ == "__main__":
    main()
