"""The README's results table, reproduced by one command.

``python -m freight_sim.experiments.readme_results`` runs ``experiments/readme-results.yaml`` (four
cases, a simulated year each) through the batch machinery, writes the per-case figures to
``docs/readme-results.csv`` with the fingerprint of what produced them (``docs/readme-results.json``:
each run's config and input-file SHA-256 and a SHA-256 of the model's source), and rewrites the table and
the sentences between the README's ``readme-results`` markers from them. The test suite checks that the
README block is exactly what the committed figures render to, and that the fingerprint still matches
the experiment, the data files and the source: a change to any of them fails the test until this command
is run again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from pathlib import Path
from typing import Literal

import pandas as pd

from freight_sim.errors import FreightSimError
from freight_sim.paths import experiments_dir

EXPERIMENT_FILE = "readme-results.yaml"
CASES = {
    "baseline": "baseline",
    "all-sidings": "all 14 candidate sidings built",
    "battery-drayage": "all station drayage by battery-swap trucks (`fleet.drayage_mix: nev-drayage`, `drayage_mix_everywhere: true`)",
    "both": "both",
}
COLUMNS = (
    "variant",
    "clean_transport_ratio",
    "nox_tailpipe_t",
    "co2_wtw_kt",
    "truck_trips",
    "battery_truck_co2_wtw_g_per_tkm",
    "battery_truck_detour_share",
    "single_track_utilisation",
    "busiest_section_utilisation",
    "rail_path_wait_mean_h",
    "busiest_section",
)
# the single-track Taiyuan-Jiaozuo section north of Changzhi North (networks/changzhi/rail.yaml; FACTS 8)
SINGLE_TRACK_SECTION = "TJ_NORTH"
SECTION_METRIC = "line_section_utilisation."
# docs/facts.md section 7: battery trucks on the Shanxi grid, empty return included, 57-65 g CO2/tkm well-to-wheel
BATTERY_TRUCK_BAND_G_PER_TKM = (57.0, 65.0)
START, END = "<!-- readme-results:start -->", "<!-- readme-results:end -->"
# parts of the package whose code does not change a run's figures (commands, reports, record audit, batch plumbing)
_NOT_MODEL = ("cli", "report", "records", "experiments", "province", "optimise")
_REPO = Path(__file__).resolve().parents[2]


def experiment_path() -> Path:
    return experiments_dir() / EXPERIMENT_FILE


def results_paths(repo: Path = _REPO) -> tuple[Path, Path]:
    """(figures CSV, fingerprint JSON) under the repository's docs/."""
    return repo / "docs" / "readme-results.csv", repo / "docs" / "readme-results.json"


def model_source_sha256(package_dir: Path | None = None) -> str:
    """SHA-256 over the package's Python source that computes a run's figures (sorted paths and contents)."""
    root = package_dir or Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in _NOT_MODEL:
            continue
        digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(overrides: tuple[str, ...] = ()) -> dict:
    """What the figures depend on: each run's config and input-file SHA-256, and the model source SHA-256."""
    from freight_sim.experiments.design import expand_design
    from freight_sim.experiments.spec import load_experiment

    design = expand_design(load_experiment(experiment_path()), 1, overrides)
    runs = {r.variant: {"seed": r.seed, "config_sha256": r.config_sha256, "inputs_sha256": r.inputs_sha256} for r in design.runs}
    return {"experiment": EXPERIMENT_FILE, "overrides": list(overrides), "runs": runs, "model_source_sha256": model_source_sha256()}


def run_cases(
    out_dir: Path | str, overrides: tuple[str, ...] = (), executor: Literal["inprocess", "pool", "dask"] = "inprocess", workers: int = 1
) -> pd.DataFrame:
    """Run the four cases (one replication each) and return one row per case (``COLUMNS``)."""
    from freight_sim.experiments.batch import run_batch

    result = run_batch(experiment_path(), out_dir, executor=executor, workers=workers, replications=1, overrides=overrides)
    if result.failures:
        raise FreightSimError("; ".join(f"{r.run_id}: {r.error}" for r in result.failures))
    wide = result.metrics.pivot_table(index="variant", columns="metric", values="value", aggfunc="mean")
    missing = [case for case in CASES if case not in wide.index]
    if missing:
        raise FreightSimError(f"{EXPERIMENT_FILE}: cases missing from the batch: {', '.join(missing)}")
    wide = wide.loc[list(CASES)]
    sections = [c for c in wide.columns if c.startswith(SECTION_METRIC) and not c.startswith(SECTION_METRIC + "yard ")]
    if SECTION_METRIC + SINGLE_TRACK_SECTION not in sections:
        raise FreightSimError(f"{EXPERIMENT_FILE}: no utilisation of line section {SINGLE_TRACK_SECTION} in the results")
    busiest = wide[sections].idxmax(axis=1)
    return pd.DataFrame(
        {
            "variant": list(CASES),
            "clean_transport_ratio": wide["clean_transport_ratio"].to_numpy(),
            "nox_tailpipe_t": wide["nox_kg"].to_numpy() / 1e3,
            "co2_wtw_kt": wide["co2_wtw_t"].to_numpy() / 1e3,
            "truck_trips": wide["truck_trips"].to_numpy(),
            "battery_truck_co2_wtw_g_per_tkm": wide["battery_truck_co2_wtw_g_per_tkm"].to_numpy(),
            "battery_truck_detour_share": wide["battery_truck_detour_share"].to_numpy(),
            "single_track_utilisation": wide[SECTION_METRIC + SINGLE_TRACK_SECTION].to_numpy(),
            "busiest_section_utilisation": wide[sections].max(axis=1).to_numpy(),
            "rail_path_wait_mean_h": wide["rail_path_wait_mean_h"].to_numpy(),
            "busiest_section": [name.removeprefix(SECTION_METRIC) for name in busiest],
        },
        columns=list(COLUMNS),
    )


def _change(new: float, old: float) -> str:
    return f"{(new - old) / old:+.0%}" if old else "n/a"


def _battery_sentence(base) -> str:
    low, high = BATTERY_TRUCK_BAND_G_PER_TKM
    g = base.battery_truck_co2_wtw_g_per_tkm
    where = "inside" if low <= g <= high else ("above" if g > high else "below")
    return (
        "Battery trucks swap or charge on their empty return at the station that adds the least distance to it"
        f" (a station on the route adds none); in the baseline year {base.battery_truck_detour_share:.1%} of their km are"
        f" such detours, and they emit {g:.1f} g CO2/tkm well-to-wheel on the Shanxi grid, {where} the"
        f" {low:.0f}-{high:.0f} g/tkm that `docs/facts.md` (section 7) derives for them (per lane in the `truck_lanes` table)."
    )


def render_block(frame: pd.DataFrame, target_ratio: float = 0.8) -> str:
    """The README block (between the markers): the table and the sentences that read it."""
    rows = frame.set_index("variant").loc[list(CASES)]
    lines = [
        "| case | clean-transport ratio (`nev-counts`) | NOx tailpipe, t | CO2 well-to-wheel, kt | truck trips, million |",
        "|---|---:|---:|---:|---:|",
    ]
    for case, label in CASES.items():
        r = rows.loc[case]
        lines.append(
            f"| {label} | {r.clean_transport_ratio:.2f} | {r.nox_tailpipe_t:,.0f} | {r.co2_wtw_kt:,.0f} | {r.truck_trips / 1e6:.2f} |"
        )
    base, sidings, battery = rows.loc["baseline"], rows.loc["all-sidings"], rows.loc["battery-drayage"]
    reaching = [CASES[c] for c in CASES if rows.loc[c].clean_transport_ratio >= target_ratio]
    lines += [
        "",
        f"Against the baseline, battery drayage changes tailpipe NOx by {_change(battery.nox_tailpipe_t, base.nox_tailpipe_t)}"
        f" and well-to-wheel CO2 by {_change(battery.co2_wtw_kt, base.co2_wtw_kt)} (on Shanxi's coal-heavy grid);"
        f" all candidate sidings change them by {_change(sidings.nox_tailpipe_t, base.nox_tailpipe_t)} and"
        f" {_change(sidings.co2_wtw_kt, base.co2_wtw_kt)}."
        + (
            f" No case reaches the {target_ratio:.0%} target for the city on its own."
            if not reaching
            else f" Reaching the {target_ratio:.0%} target: {', '.join(reaching)}."
        ),
        "",
        _rail_sentence(base, sidings),
        "",
        _battery_sentence(base),
    ]
    return "\n".join(lines)


def _rail_sentence(base, sidings) -> str:
    single = f"the single-track Taiyuan-Jiaozuo section north of Changzhi North (`{SINGLE_TRACK_SECTION}`)"
    if base.busiest_section == SINGLE_TRACK_SECTION:
        which = f"The busiest rail line section of the baseline year is {single}: background traffic and the region's trains"
    else:
        which = (
            f"The busiest rail line section of the baseline year is `{base.busiest_section}`"
            f" ({base.busiest_section_utilisation:.0%} of its open paths); on {single} background traffic and the region's trains"
        )
    return (
        f"{which} take {base.single_track_utilisation:.0%} of its open train paths (`networks/changzhi/rail.yaml`), and a train"
        f" waits {base.rail_path_wait_mean_h:.1f} h for a path on average over all sections; with all candidate sidings built"
        f" it is {sidings.single_track_utilisation:.0%} and {sidings.rail_path_wait_mean_h:.1f} h."
    )


def with_block(readme: str, block: str, start: str = START, end: str = END) -> str:
    """``readme`` with the text between the markers replaced by ``block``."""
    if readme.count(start) != 1 or readme.count(end) != 1 or readme.index(start) > readme.index(end):
        raise FreightSimError(f"README.md: expected one {start} ... {end} block")
    head, rest = readme.split(start)
    _, tail = rest.split(end)
    return f"{head}{start}\n{block}\n{end}{tail}"


def readme_block(readme: str, start: str = START, end: str = END) -> str:
    """The text between the markers."""
    return readme.split(start, 1)[1].split(end, 1)[0].strip("\n")


def read_results(repo: Path = _REPO) -> tuple[pd.DataFrame, dict]:
    csv_path, json_path = results_paths(repo)
    return pd.read_csv(csv_path), json.loads(json_path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run experiments/readme-results.yaml and rewrite the README's results table.")
    parser.add_argument("--out", type=Path, default=Path("out/readme-results"), help="batch folder for the runs")
    parser.add_argument("--workers", type=int, default=2, help="parallel runs (process pool)")
    args = parser.parse_args(argv)
    frame = run_cases(args.out, executor="pool", workers=args.workers)
    if not all(math.isfinite(v) for v in frame.drop(columns=["variant", "busiest_section"]).to_numpy().ravel()):
        raise FreightSimError("a case produced a figure that is not finite")
    csv_path, json_path = results_paths()
    frame.to_csv(csv_path, index=False, float_format="%.10g")
    json_path.write_text(json.dumps(fingerprint(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    readme = _REPO / "README.md"
    readme.write_text(with_block(readme.read_text(encoding="utf-8"), render_block(frame)), encoding="utf-8")
    print(f"wrote {csv_path}, {json_path} and the table in {readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
