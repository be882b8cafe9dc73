"""The README's pathway results, reproduced by one command.

``python -m freight_sim.experiments.readme_pathways`` runs each shipped pathway (``experiments/pathway-*.yaml``)
over 2024-2026, the years up to the plan's deadline (one replication each, as ``freight-sim pathway FILE
--years 2024-2026`` does), writes what each gives to ``docs/pathway-results.json`` with the fingerprint of
what produced it (each pathway's config and input-file SHA-256, the model source SHA-256), and rewrites
the README between the ``pathway-results`` markers. The test suite checks that the README block is what
the committed figures render to and that the fingerprint still matches.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from freight_sim.errors import FreightSimError
from freight_sim.experiments.batch import ExecutorName
from freight_sim.experiments.readme_results import model_source_sha256, readme_block, with_block
from freight_sim.paths import experiments_dir

PATHWAYS = {"pathway-current-plan": "current plan", "pathway-accelerated": "accelerated"}
YEARS = (2024, 2026)
START, END = "<!-- pathway-results:start -->", "<!-- pathway-results:end -->"
_REPO = Path(__file__).resolve().parents[2]


def results_path(repo: Path = _REPO) -> Path:
    return repo / "docs" / "pathway-results.json"


def pathway_path(name: str) -> Path:
    return experiments_dir() / f"{name}.yaml"


def fingerprint(overrides: tuple[str, ...] = ()) -> dict:
    """Each pathway's config and input SHA-256 as run, and the model source SHA-256."""
    from freight_sim.config import load_scenario
    from freight_sim.config.digests import config_sha256, inputs_sha256
    from freight_sim.experiments.pathway_driver import horizon_overrides

    runs = {}
    for name in PATHWAYS:
        path = pathway_path(name)
        loaded = load_scenario(path, [*horizon_overrides(load_scenario(path), YEARS), *overrides])
        runs[name] = {"config_sha256": config_sha256(loaded.model), "inputs_sha256": inputs_sha256(loaded)}
    return {"years": list(YEARS), "overrides": list(overrides), "runs": runs, "model_source_sha256": model_source_sha256()}


def run_pathways(out_dir: Path | str, overrides: tuple[str, ...] = (), executor: ExecutorName = "inprocess") -> dict:
    """Run every shipped pathway over ``YEARS``; per pathway: city ratio by year and who meets the target by the deadline."""
    from freight_sim.experiments.pathway_driver import run_pathway

    figures = {}
    for name in PATHWAYS:
        result = run_pathway(
            pathway_path(name), Path(out_dir) / name, years=YEARS, replications=1, executor=executor, overrides=overrides, baseline=False
        )  # the block shows no emission cuts: the baseline path is not needed
        s = result.summary
        figures[name] = {
            "city_ratio_by_year": s["city_ratio_by_year"],
            "target_deadline_year": s["target_deadline_year"],
            "target_met_by_deadline": s["target_met_by_deadline"],
            "enterprises_meeting_target": s["enterprises_meeting_target"],
            "targets": s["targets"],
        }
    return figures


def render_block(figures: dict) -> str:
    """The README block: a table of the city ratio by year and the key enterprises at target, then who they are."""
    years = [str(y) for y in range(YEARS[0], YEARS[1] + 1)]
    deadline = str(YEARS[1])
    lines = [
        f"| pathway | {' | '.join(f'city ratio {y}' for y in years)} | key enterprises at target in {deadline} | all by end-{deadline} |",
        f"|---|{'---:|' * len(years)}---:|---|",
    ]
    named = []
    for name, label in PATHWAYS.items():
        f = figures[name]
        at = f["enterprises_meeting_target"].get(deadline, {"count": 0, "of": 0, "enterprises": []})
        ratios = " | ".join(f"{f['city_ratio_by_year'][y]:.2f}" if y in f["city_ratio_by_year"] else "–" for y in years)
        met = {True: "yes", False: "no", None: "–"}[f["target_met_by_deadline"]]
        lines.append(f"| {label} (`experiments/{name}.yaml`) | {ratios} | {at['count']} of {at['of']} | {met} |")
        target = float(f["targets"].get(deadline, 0.8))
        named.append(f"{label}: {', '.join(at['enterprises']) or 'none'}")
    lines += ["", f"Key enterprises at or above {target:.0%} in {deadline} (one replication): " + "; ".join(named) + "."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the shipped pathways over 2024-2026 and rewrite the README's pathway results.")
    parser.add_argument("--out", type=Path, default=Path("out/readme-pathways"), help="folder for the pathway runs")
    args = parser.parse_args(argv)
    figures = run_pathways(args.out)
    path = results_path()
    path.write_text(json.dumps({"figures": figures, "fingerprint": fingerprint()}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = _REPO / "README.md"
    block = render_block(figures)
    readme.write_text(with_block(readme.read_text(encoding="utf-8"), block, START, END), encoding="utf-8")
    print(block)
    return 0


def committed_block(readme: str) -> str:
    return readme_block(readme, START, END)


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except FreightSimError as exc:
        raise SystemExit(f"error: {exc}") from None
