"""Reports of real (short) runs and a reduced siding batch, shared by the report and browser tests.

The siding batch is ``experiments/sidings.yaml`` at reduced size: the baseline and three candidate
sidings, 2 replications of 5 simulated days (the shipped file runs 15 variants x 5 replications of a year).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from report_batches import REDUCED, SIDINGS_CHOSEN

from freight_sim.paths import experiments_dir


@pytest.fixture(scope="session")
def sidings_batch(tmp_path_factory) -> Path:
    """The reduced siding batch with its English report, and a Chinese copy in report_zh.html."""
    from freight_sim.experiments.batch import run_batch
    from freight_sim.report.batch_report import write_batch_report

    out = tmp_path_factory.mktemp("sidings") / "out"
    run_batch(experiments_dir() / "sidings.yaml", out, executor="inprocess", replications=2, overrides=REDUCED, variants=SIDINGS_CHOSEN)
    write_batch_report(out)
    write_batch_report(out, out / "report_zh.html", lang="zh")
    return out


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory) -> Path:
    """A 5-day run of the bundled scenario with the candidate siding of E04 built; reports in en and zh."""
    from freight_sim.config import load_scenario
    from freight_sim.paths import default_scenario_path
    from freight_sim.report.run_report import write_run_report
    from freight_sim.runner import run_scenario, write_run

    loaded = load_scenario(default_scenario_path(), [*REDUCED, "enterprises.E04.siding.enabled=true"])
    output = run_scenario(loaded)
    out = tmp_path_factory.mktemp("run") / "out"
    write_run(output, out)
    write_run_report(output, out / "report_zh.html", lang="zh")
    return out


@pytest.fixture(scope="session")
def optimisation_folders(tmp_path_factory) -> tuple[Path, Path]:
    """The three-enterprise optimisation of tests/optimise (12 portfolios, 2 days) with its English report,
    and a copy resumed in Chinese (every run read back)."""
    import shutil

    pytest.importorskip("pymoo")
    from freight_sim.optimise.run import optimise

    data = Path(__file__).parents[1] / "optimise" / "data"
    folder = tmp_path_factory.mktemp("optimisation")
    shutil.copy(data / "opt_scenario.yaml", folder / "opt_scenario.yaml")
    shutil.copy(data / "opt_mini.yaml", folder / "opt_mini.yaml")
    optimise(folder / "opt_mini.yaml", folder / "en", executor="inprocess")
    shutil.copytree(folder / "en", folder / "zh")
    optimise(folder / "opt_mini.yaml", folder / "zh", executor="inprocess", resume=True, lang="zh")
    return folder / "en", folder / "zh"


@pytest.fixture(scope="session")
def pathway_folder(tmp_path_factory) -> Path:
    """The shipped current-plan pathway over eight days across New Year 2026 (two calendar years), two
    replications; reports in en (report.html) and zh (report_zh.html)."""
    from freight_sim.experiments.pathway_driver import run_pathway
    from freight_sim.report.pathway_report import write_pathway_report

    out = tmp_path_factory.mktemp("pathway") / "out"
    overrides = ("simulation.start_date=2025-12-28", "simulation.days=8")
    result = run_pathway(experiments_dir() / "pathway-current-plan.yaml", out, replications=2, executor="inprocess", overrides=overrides)
    write_pathway_report(result, out / "report_zh.html", lang="zh")
    return out
