"""Records -> `ratio --scenario` -> `run`: the scenario runs without edits and reproduces the records'
clean-transport ratio within 1 percentage point and their trips per truck within 10%."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from record_generators import HEADER, TEN_ROWS, enterprise_quarter, write_csv
from typer.testing import CliRunner

from freight_sim.cli import app


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("round-trip")
    records = write_csv(folder / "磅单.csv", [HEADER, *enterprise_quarter()])
    ratio = _invoke(
        "ratio", str(records), "--out", str(folder / "ratio"), "--scenario", "--node", "E04", "--enterprise-id", "E04", "--json"
    )
    assert ratio.exit_code == 0, ratio.output
    run = _invoke("run", str(folder / "ratio" / "scenario.yaml"), "--out", str(folder / "run"), "--json", "--no-report")
    assert run.exit_code == 0, run.output
    return folder, json.loads(ratio.stdout), json.loads(run.stdout)


@pytest.mark.slow
def test_the_scenario_reproduces_the_ratio_within_one_point(round_trip):
    _, audit, run = round_trip
    assert audit["scenario"]["records_ratio"] == audit["clean_transport_ratio"]
    (enterprise,) = run["enterprises"]
    assert abs(enterprise["ratio"] - audit["clean_transport_ratio"]) <= 0.01
    assert run["backlog_t"] == 0.0


@pytest.mark.slow
def test_the_scenario_reproduces_trips_per_truck_within_ten_percent(round_trip):
    folder, audit, run = round_trip
    scenario = yaml.safe_load((folder / "ratio" / "scenario.yaml").read_text(encoding="utf-8"))
    trucks = scenario["enterprises"]["E04"]["trucks"]
    records = pd.read_csv(folder / "磅单.csv", dtype=str)
    road = records[records["运输方式"] == "公路"]
    by_hand = len(road) / road["车牌号"].nunique()  # road rows per distinct plate over the three months
    assert audit["scenario"]["records_trips_per_truck"] == pytest.approx(by_hand, abs=1e-4)
    assert run["truck_trips"] / trucks == pytest.approx(by_hand, rel=0.10)


@pytest.mark.slow
def test_counterparts_are_placed_by_place_names_and_the_map_can_be_edited_and_rerun(round_trip, tmp_path):
    folder, _, _ = round_trip
    table = pd.read_csv(folder / "ratio" / "counterpart_map.csv", encoding="utf-8-sig")
    assert table[["counterpart", "node", "matched_by"]].values.tolist() == [
        ["邯郸钢铁有限公司", "GW_HANDAN", "places: 邯郸"],
        ["襄垣县某煤矿", "J_XIANGYUAN", "places: 襄垣"],
    ]
    table.loc[table["counterpart"] == "襄垣县某煤矿", "node"] = "J_LUCHENG"
    edited = tmp_path / "map.csv"
    table.to_csv(edited, index=False, encoding="utf-8-sig")
    again = _invoke("ratio", str(folder / "磅单.csv"), "--out", str(tmp_path / "o"), "--scenario", "--node", "E04",
                    "--counterpart-map", str(edited), "--json")  # fmt: skip
    assert again.exit_code == 0, again.output
    scenario = yaml.safe_load((tmp_path / "o" / "scenario.yaml").read_text(encoding="utf-8"))
    flows = scenario["enterprises"]["ENTERPRISE_FROM_RECORDS"]["flows"]
    assert {f["counterpart"] for f in flows.values()} == {"GW_HANDAN", "J_LUCHENG"}
    rerun = pd.read_csv(tmp_path / "o" / "counterpart_map.csv", encoding="utf-8-sig")
    assert "counterpart map" in rerun["matched_by"].tolist()


def test_an_unknown_node_in_the_edited_map_is_a_located_error(tmp_path):
    records = write_csv(tmp_path / "r.csv", [HEADER, *TEN_ROWS])
    edited = tmp_path / "map.csv"
    edited.write_text("counterpart,direction,commodity,tonnes,node,matched_by\n邯郸钢铁,out,coke,1,NOWHERE,x\n", encoding="utf-8")
    result = _invoke("ratio", str(records), "--out", str(tmp_path / "o"), "--scenario", "--node", "E04", "--counterpart-map", str(edited))
    assert result.exit_code == 1
    assert f"{edited}:2:5: node 'NOWHERE' is not a node of the network" in result.stderr


def test_the_plant_is_placed_at_the_nearest_node_to_coordinates(tmp_path):
    records = write_csv(tmp_path / "r.csv", [HEADER, *TEN_ROWS[:4], *TEN_ROWS[8:9]])  # road only: no siding, no belt
    result = _invoke("ratio", str(records), "--out", str(tmp_path / "o"), "--scenario", "--lonlat", "113.201,36.309", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scenario"]["node"] == "E04"  # E04 lies at 113.20, 36.31


def test_scenario_without_a_place_for_the_plant_is_refused(tmp_path):
    records = write_csv(tmp_path / "r.csv", [HEADER, *TEN_ROWS])
    result = _invoke("ratio", str(records), "--out", str(tmp_path / "o"), "--scenario")
    assert result.exit_code == 1 and "--node ID or --lonlat LON,LAT" in result.stderr


def test_conveyor_tonnes_without_a_belt_in_the_network_leave_the_scenario_unwritten_with_the_reason(tmp_path):
    records = write_csv(tmp_path / "r.csv", [HEADER, *TEN_ROWS])  # a conveyor row from 潞安化工, no belt at E04
    result = _invoke("ratio", str(records), "--out", str(tmp_path / "o"), "--scenario", "--node", "E04", "--json")
    assert result.exit_code == 0, result.output
    note = json.loads(result.stdout)["scenario"]
    assert note["written"] is False and "no belt between E04" in note["reason"]
    assert not (tmp_path / "o" / "scenario.yaml").exists()


def test_a_scenario_the_model_cannot_assemble_is_not_written_and_says_why(tmp_path, monkeypatch):
    import freight_sim.sim.api
    from freight_sim.errors import ConfigError

    def refuse(loaded, network=None, seed=None):
        raise ConfigError("scenario.yaml:9: enterprises.E04.fleet_mix: bev-plug: no charge station reachable")

    monkeypatch.setattr(freight_sim.sim.api, "build_spec", refuse)
    records = write_csv(tmp_path / "r.csv", [HEADER, *TEN_ROWS[:4], *TEN_ROWS[8:9]])
    result = _invoke("ratio", str(records), "--out", str(tmp_path / "o"), "--scenario", "--node", "E04", "--json")
    assert result.exit_code == 0, result.output
    note = json.loads(result.stdout)["scenario"]
    assert note["written"] is False and "no charge station reachable" in note["reason"]
    assert "warning: scenario.yaml not written" in result.stderr
    assert not (tmp_path / "o" / "scenario.yaml").exists() and (tmp_path / "o" / "counterpart_map.csv").exists()
