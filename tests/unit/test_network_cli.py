"""`freight-sim network show` and the network drawing."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.network.draw import draw_network
from freight_sim.network.load import load_csv_network

DATA = Path(__file__).resolve().parents[1] / "data" / "network"


def test_show_bundled_prints_counts_and_km(tmp_path):
    png = tmp_path / "map.png"
    result = CliRunner().invoke(app, ["network", "show", "--bundled", "changzhi", "--png", str(png)])
    assert result.exit_code == 0, result.output
    for text in ("nodes: plant", "42", "nodes: gateway", "edges: rail", "rail electrified", "edges: spur"):
        assert text in result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_show_scenario_file():
    result = CliRunner().invoke(app, ["network", "show", str(DATA / "scenario_ok.yaml")])
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") >= 3}
    assert "8" in lines["edges: road"] and "2" in lines["edges: rail"]
    assert "24.0" in lines["rail electrified"]  # 15 + 9 km


def test_show_errors_exit_1():
    result = CliRunner().invoke(app, ["network", "show", "--bundled", "atlantis"])
    assert result.exit_code == 1
    assert "no bundled network 'atlantis'" in result.output


def test_draw_svg(tmp_path):
    net = load_csv_network(DATA / "nodes.csv", DATA / "edges.csv")
    path = draw_network(net, tmp_path / "toy.svg", title="toy")
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "Station one" in text and "Gateway" in text
