"""The README's pathway results are what `python -m freight_sim.experiments.readme_pathways` wrote, for the
current pathway files, data and model source; the command's mechanics run here at reduced size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from freight_sim.experiments import readme_pathways as rp
from freight_sim.experiments.readme_results import readme_block, with_block

REPO = Path(__file__).resolve().parents[2]
REGENERATE = "regenerate with: .venv/bin/python -m freight_sim.experiments.readme_pathways"


def committed() -> dict:
    return json.loads(rp.results_path(REPO).read_text(encoding="utf-8"))


def test_the_readme_block_is_what_the_committed_figures_render_to():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme_block(readme, rp.START, rp.END) == rp.render_block(committed()["figures"]), (
        f"README.md and docs/pathway-results.json disagree; {REGENERATE}"
    )


def test_the_committed_figures_come_from_the_current_pathways_data_and_model():
    recorded, current = committed()["fingerprint"], rp.fingerprint()
    assert recorded["runs"] == current["runs"], f"a pathway file, the scenario or a data file changed; {REGENERATE}"
    assert recorded["model_source_sha256"] == current["model_source_sha256"], f"model source changed; {REGENERATE}"


def test_every_shipped_pathway_has_its_figures():
    figures = committed()["figures"]
    assert set(figures) == set(rp.PATHWAYS)
    for name, f in figures.items():
        assert set(f["city_ratio_by_year"]) == {"2024", "2025", "2026"}, name
        assert f["enterprises_meeting_target"]["2026"]["of"] == 40, name


@pytest.mark.slow
def test_the_command_runs_every_pathway_at_reduced_size(tmp_path):
    figures = rp.run_pathways(tmp_path, overrides=("simulation.start_date=2025-12-29", "simulation.days=5"))
    assert set(figures) == set(rp.PATHWAYS)
    for f in figures.values():
        assert set(f["city_ratio_by_year"]) == {"2025", "2026"}
    block = rp.render_block(figures)
    assert block.count("\n|") == 3 and "Key enterprises at or above 80% in 2026" in block
    readme = f"intro\n{rp.START}\nold\n{rp.END}\nrest\n"
    assert readme_block(with_block(readme, block, rp.START, rp.END), rp.START, rp.END) == block
