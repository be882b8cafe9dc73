"""The reports as a reader sees them: headless Chromium (Debian's, driven by playwright) opens each file.

Checks: no console errors or page errors, no request leaves the file (no network), the key tables and
charts are there, and Chinese text is drawn with real glyphs. The glyph check compares a screenshot of
an element holding Chinese text with a screenshot of the same element after its characters are
replaced by private-use code points (which no font draws, so they show the missing-glyph box): if the
Chinese were drawn as boxes too, the two images would be the same.

Skipped, with the reason, only where no browser can run: CI (``.ci/run``) installs chromium and a CJK font.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("FREIGHT_SIM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="module")
def playwright():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium; .ci/run installs it)")
    with sync_api.sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright):
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


class Opened:
    """A page with the report loaded, and what happened while it loaded."""

    def __init__(self, browser, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1200, "height": 1000})
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def close(self) -> None:
        self.page.close()


def _image(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("L")


def _ink(image) -> int:
    """Number of dark pixels (text strokes)."""
    import numpy as np

    return int((np.asarray(image) < 128).sum())


def draws_real_glyphs(page, selector: str) -> tuple[bool, str]:
    """Screenshot the first element matching ``selector`` whose text holds Chinese, then the same element with
    each CJK character replaced by a private-use character; real glyphs differ from the missing-glyph boxes."""
    handle = page.evaluate_handle(
        """(selector) => [...document.querySelectorAll(selector)].find(e => /[\\u4e00-\\u9fff]/.test(e.textContent))""", selector
    ).as_element()
    if handle is None:
        return False, f"no element {selector} with Chinese text"
    handle.scroll_into_view_if_needed()
    text = handle.text_content()
    real = _image(handle.screenshot())
    handle.evaluate(
        "(e) => { e.dataset.original = e.textContent; e.textContent = e.textContent.replace(/[\\u4e00-\\u9fff]/g, '\\ue000'); }"
    )
    boxes = _image(handle.screenshot())
    handle.evaluate("(e) => { e.textContent = e.dataset.original; }")
    if real.size != boxes.size:
        return True, text  # glyph widths differ from the boxes': drawn with a font that has them
    import numpy as np

    differing = int((np.abs(np.asarray(real, dtype=int) - np.asarray(boxes, dtype=int)) > 40).sum())
    return differing > 0.1 * max(1, _ink(real)), f"{text!r}: {differing} pixels differ from missing-glyph boxes"


def _assert_clean(opened: Opened) -> None:
    assert not opened.errors, opened.errors
    assert not opened.external, f"requests leaving the file: {opened.external}"


def test_run_report_in_the_browser(browser, run_folder):
    opened = Opened(browser, run_folder / "report.html")
    try:
        _assert_clean(opened)
        page = opened.page
        headings = page.locator("h2").all_text_contents()
        assert "Map of flows" in headings and "Enterprises" in headings and "Queues and utilisation" in headings
        flow_map = page.locator("h2:text('Map of flows') + svg")
        assert flow_map.count() == 1 and flow_map.bounding_box()["width"] > 400
        assert page.locator("svg").count() >= 6
        enterprises = page.locator("h2:text('Enterprises') + div table tbody tr")
        assert enterprises.count() == 40
        assert "Illustrative steel works (Luzhou)" in enterprises.first.text_content()
    finally:
        opened.close()


def test_chinese_run_report_draws_chinese_glyphs(browser, run_folder):
    opened = Opened(browser, run_folder / "report_zh.html")
    try:
        _assert_clean(opened)
        page = opened.page
        assert "货流图" in page.locator("h2").all_text_contents()
        for selector in ("h2", "table td", "svg text"):
            ok, detail = draws_real_glyphs(page, selector)
            assert ok, f"{selector}: {detail}"
    finally:
        opened.close()


def test_siding_batch_report_in_the_browser(browser, sidings_batch):
    opened = Opened(browser, sidings_batch / "report.html")
    try:
        _assert_clean(opened)
        page = opened.page
        assert page.locator("h2").first.text_content() == "Answer"
        rows = page.locator("#siding-table + p + div table.sidings tbody tr")
        assert rows.count() == 3
        assert "E04 Illustrative coking plant A (Lucheng)" in page.locator("table.sidings").text_content()
        assert page.locator("details[open] svg").count() >= 1  # the first ranking chart is open
        assert page.locator("details.metric").count() >= 4  # per-metric details, collapsed
    finally:
        opened.close()


def test_chinese_batch_report_draws_chinese_glyphs(browser, sidings_batch):
    opened = Opened(browser, sidings_batch / "report_zh.html")
    try:
        _assert_clean(opened)
        page = opened.page
        assert page.locator("h2").first.text_content() == "结论"
        for selector in ("table.sidings td", "details[open] svg text", ".finding p"):
            ok, detail = draws_real_glyphs(page, selector)
            assert ok, f"{selector}: {detail}"
    finally:
        opened.close()


def test_pathway_report_in_the_browser(browser, pathway_folder):
    opened = Opened(browser, pathway_folder / "report.html")
    try:
        _assert_clean(opened)
        page = opened.page
        headings = page.locator("h2").all_text_contents()
        assert headings[:3] == ["Clean-transport ratio path against the target", "NOx path", "CO2 path"]
        assert "Compliance timeline" in headings
        assert page.locator("svg").count() == 3
        assert page.locator("svg").first.bounding_box()["width"] > 400
        rows = page.locator("table.timeline tr")
        assert rows.count() == 41  # header + 40 key enterprises
        assert page.locator("table.timeline th").all_text_contents()[1:3] == ["2025", "2026"]
        assert page.locator("table.timeline td.met").count() + page.locator("table.timeline td.unmet").count() == 80
    finally:
        opened.close()


def test_chinese_pathway_report_draws_chinese_glyphs(browser, pathway_folder):
    opened = Opened(browser, pathway_folder / "report_zh.html")
    try:
        _assert_clean(opened)
        page = opened.page
        assert "达标时间线" in page.locator("h2").all_text_contents()
        for selector in ("h2", "table.timeline td", "svg text"):
            ok, detail = draws_real_glyphs(page, selector)
            assert ok, f"{selector}: {detail}"
    finally:
        opened.close()


def test_missing_glyphs_are_detected(browser, tmp_path):
    """The glyph check itself: characters no installed font has (private use) are reported as boxes."""
    page_file = tmp_path / "boxes.html"
    page_file.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><p id="x" style="font-size:40px">\ue001\ue002\ue003 \u4e00</p>', encoding="utf-8"
    )
    opened = Opened(browser, page_file)
    try:
        page = opened.page
        page.evaluate("() => { const p = document.getElementById('x'); p.textContent = '\\ue001\\ue002\\ue003'; }")
        handle = page.locator("#x").element_handle()
        first = _image(handle.screenshot())
        page.evaluate("() => { document.getElementById('x').textContent = '\\ue004\\ue005\\ue006'; }")
        assert first.tobytes() == _image(handle.screenshot()).tobytes(), "missing glyphs all draw the same box"
    finally:
        opened.close()


LATIN_ONLY_FONTS = Path("/usr/share/fonts/truetype/dejavu")


def test_the_glyph_check_fails_when_no_font_has_chinese(playwright, run_folder, tmp_path):
    """Chromium limited to DejaVu (no CJK) draws boxes: the check must then say so."""
    if not LATIN_ONLY_FONTS.is_dir():
        pytest.skip(f"needs the DejaVu fonts in {LATIN_ONLY_FONTS}")
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{LATIN_ONLY_FONTS}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    latin_only = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env)
    try:
        opened = Opened(latin_only, run_folder / "report_zh.html")
        for selector in ("h2", "svg text"):
            ok, detail = draws_real_glyphs(opened.page, selector)
            assert not ok, detail
        opened.close()
    finally:
        latin_only.close()


RATIO_RECORDS = (
    "日期,车牌号,车辆类型,燃料类型,排放标准,净重(吨),物料,进出厂,运输方式,收货单位,磅单号\n"
    "2025-01-06,晋D10001,重型半挂牵引车,柴油,国五,30,焦炭,出厂,公路,邯郸钢铁,B0001\n"
    "2025-01-08,晋D10003,重型半挂牵引车,纯电,,31,焦炭,出厂,公路,邯郸钢铁,B0003\n"
    "2025-02-05,,,,,100,原煤,进厂,铁路,潞安化工,B0007\n"
)


def test_ratio_report_in_the_browser(browser, tmp_path):
    """The record audit's HTML report (``freight-sim ratio``), tested as soon as the command writes one."""
    from typer.testing import CliRunner

    from freight_sim.cli import app

    records = tmp_path / "records.csv"
    records.write_text(RATIO_RECORDS, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["ratio", str(records), "--out", str(out)])
    assert result.exit_code == 0, result.output
    reports = sorted(out.rglob("*.html"))
    if not reports:
        pytest.skip("freight-sim ratio writes no HTML report in this version")
    for report in reports:
        opened = Opened(browser, report)
        try:
            _assert_clean(opened)
            assert opened.page.locator("table").count() >= 1, report.name
        finally:
            opened.close()


def test_optimisation_report_in_the_browser(browser, optimisation_folders):
    english, chinese = optimisation_folders
    opened = Opened(browser, english / "report.html")
    try:
        _assert_clean(opened)
        page = opened.page
        headings = page.locator("h2").all_text_contents()
        assert headings[:2] == ["Answer", "The chosen portfolio by enterprise"]
        assert "Cheapest portfolio found that meets the constraints" in page.locator(".finding").text_content()
        assert page.locator("svg").count() == 2
        for chart in page.locator("svg").all():
            assert chart.bounding_box()["width"] > 300
        assert page.locator("#enterprises + p + div table tbody tr").count() == 3
        # a long list of measures wraps inside the page instead of widening the table past it
        measures = page.locator("#enterprises + p + div table tbody tr td:nth-child(4)").first.element_handle()
        page.evaluate("cell => { cell.textContent = Array(40).fill('siding_E24: true').join(', '); }", measures)
        table_width = page.locator("#enterprises + p + div table").bounding_box()["width"]
        assert table_width <= page.locator("#enterprises + p + div").bounding_box()["width"] + 1
    finally:
        opened.close()
    opened = Opened(browser, chinese / "report.html")
    try:
        _assert_clean(opened)
        assert "结论" in opened.page.locator("h2").all_text_contents()
        for selector in ("h2", "table td", "svg text"):
            ok, detail = draws_real_glyphs(opened.page, selector)
            assert ok, f"{selector}: {detail}"
    finally:
        opened.close()
