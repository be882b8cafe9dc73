"""The report of the siding batch (experiments/sidings.yaml, reduced): decision first, names, right ranks."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from report_batches import SIDINGS_CHOSEN

from freight_sim.report.i18n import Translator


@pytest.fixture(scope="module")
def html(sidings_batch) -> str:
    return (sidings_batch / "report.html").read_text(encoding="utf-8")


def test_the_report_opens_with_the_answer_and_the_combined_table(html):
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings[:2] == ["Answer", "Candidate sidings compared"]
    assert html.index('id="siding-table"') < html.index('id="details"') < html.index('<details class="metric"')
    answer = re.search(r'<div class="finding">(.*?)</div>', html, re.S).group(1)
    assert "Per million CNY of capital, the sidings that cut NOx (tailpipe) most are" in answer


def test_every_siding_is_named_with_its_station(html, sidings_batch):
    table = pd.read_parquet(sidings_batch / "siding_table.parquet")
    assert sorted(table["variant"]) == SIDINGS_CHOSEN
    section = html[html.index('id="siding-table"') : html.index('id="design"')]
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], re.S)
    assert len(rows) == len(SIDINGS_CHOSEN)
    for _, siding in table.iterrows():
        assert f"{siding['enterprise']} {siding['enterprise_name']}" in section
        assert siding["station_name"] in section and siding["station_name"] != siding["station"]
    assert (table["capex_million_cny"] > 0).all() and (table["capacity_t_per_year"] > 0).all()


def test_the_ratio_ranks_the_siding_that_raises_it_most_first(sidings_batch):
    """Rank 1 for the city's ratio is the siding with the largest increase per yuan (not the largest decrease)."""
    table = pd.read_parquet(sidings_batch / "siding_table.parquet")
    differences = pd.read_parquet(sidings_batch / "paired_differences.parquet")
    ratio = differences[differences["metric"] == "clean_transport_ratio"].set_index("variant")
    per_yuan = ratio.loc[table["variant"], "mean_difference"].to_numpy() / table["capex_million_cny"].to_numpy()
    ranked = table.assign(per_yuan=per_yuan).sort_values("rank_ratio_city")
    assert list(ranked["per_yuan"]) == sorted(ranked["per_yuan"], reverse=True)
    assert (ratio.loc[SIDINGS_CHOSEN, "mean_difference"] > 0).all(), "a siding moves tonnes to rail: the ratio rises"
    ranking = pd.read_parquet(sidings_batch / "siding_ranking.parquet")
    by_ratio = ranking[ranking["metric"] == "clean_transport_ratio"].sort_values("rank")
    assert (by_ratio["improvement"] > 0).all()
    assert list(by_ratio["improvement_per_million_cny"]) == sorted(by_ratio["improvement_per_million_cny"], reverse=True)


def test_own_ratio_of_the_siding_enterprise_rises(sidings_batch):
    table = pd.read_parquet(sidings_batch / "siding_table.parquet")
    assert (table["ratio_own_improvement"] > 0).all()
    assert (table["ratio_own_improvement"] >= table["ratio_city_improvement"]).all()  # one enterprise vs the city's 40


def test_chinese_report_has_no_english_headings_and_chinese_names(sidings_batch):
    zh = (sidings_batch / "report_zh.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", zh) + re.findall(r"<summary>(.*?)</summary>", zh)
    english = [
        h for h in headings if re.search(r"[A-Za-z]{3,}", re.sub(r"(mini-|sidings|siding-E\d+|CO2|NOx|S1|ST|mu_star|sobol|morris)", "", h))
    ]
    assert not english, english
    table = pd.read_parquet(sidings_batch / "siding_table.parquet")
    for _, siding in table.iterrows():
        assert siding["enterprise_name_zh"] and siding["enterprise_name_zh"] in zh
        assert siding["station_name_zh"] in zh
    assert "<text" not in zh or "font-family" in zh  # chart text stays text (svg.fonttype none)
    assert re.search(r"<text[^>]*>[^<]*[\u4e00-\u9fff]", zh), "Chinese labels in the SVG charts are text elements"


def test_every_text_the_reports_use_has_a_chinese_translation():
    """Literal texts passed to the translator in the report code and templates are all in i18n_zh.yaml."""
    from pathlib import Path

    import freight_sim

    root = Path(freight_sim.__file__).parent
    files = [*root.joinpath("report").rglob("*.py"), *root.joinpath("report").rglob("*.j2"), root / "cli" / "summary_table.py"]
    used = {m.group(1) for f in files for m in re.finditer(r'\bt\(\s*"((?:[^"\\]|\\.)*)"', f.read_text(encoding="utf-8"))}
    zh = Translator("zh")
    missing = sorted(text for text in used if not zh.has(text))
    assert not missing, missing


def _one_siding_table(input_low: float, input_high: float) -> pd.DataFrame:
    """A siding table of one siding whose NOx improvement is 120 kg (CI 100 .. 140) and whose other criteria
    have no result; ``input_low`` .. ``input_high`` its NOx range over uncertain inputs (NaN: none sampled)."""
    from freight_sim.experiments.siding_table import COSTS, CRITERIA, FACT_COLUMNS

    row: dict[str, object] = dict.fromkeys(FACT_COLUMNS, None)
    row.update(
        enterprise="E01", enterprise_name="Mine", station="S1", station_name="Station", capacity_t_per_year=1e6, capex_million_cny=50.0
    )
    nan = float("nan")
    for stem, _ in CRITERIA:
        row.update({f"{stem}_improvement": nan, f"{stem}_ci_low": nan, f"{stem}_ci_high": nan, f"rank_{stem}": nan})
        row.update({f"{stem}_input_low": nan, f"{stem}_input_high": nan})
    row.update(nox_kg_improvement=120.0, nox_kg_ci_low=100.0, nox_kg_ci_high=140.0, rank_nox_kg=1, nox_kg_unit="kg")
    row.update(nox_kg_input_low=input_low, nox_kg_input_high=input_high, nox_kg_per_million_cny=2.4)
    for stem, _ in COSTS:
        row.update({stem: nan, f"{stem}_ci_low": nan, f"{stem}_ci_high": nan, f"rank_{stem}": nan})
    return pd.DataFrame([row])


def test_a_siding_cell_shows_the_range_over_uncertain_inputs_only_when_inputs_were_sampled():
    from freight_sim.report.siding_section import answer, has_input_ranges, siding_table_html

    t = Translator("en")
    sampled = _one_siding_table(-10.0, 250.0)
    html = siding_table_html(sampled, t)
    assert "+120<sup>" in html.replace(" <sup>", "<sup>") and "<small>100 … 140</small>" in html
    assert "<small class='inputs'>inputs -10 … 250</small>" in html
    assert has_input_ranges(sampled)
    sentences = answer(sampled, None, t)
    assert "1 of 1 sidings cut NOx with 95% confidence (interval above zero)." in sentences
    assert "0 of 1 sidings cut NOx over the whole 95% range of the uncertain inputs." in sentences  # the range reaches below 0
    plain = _one_siding_table(float("nan"), float("nan"))
    assert "class='inputs'" not in siding_table_html(plain, t) and not has_input_ranges(plain)
    assert not any("uncertain inputs" in sentence for sentence in answer(plain, None, t))
    zh = siding_table_html(sampled, Translator("zh"))
    assert "<small class='inputs'>输入 -10 … 250</small>" in zh
