"""OSM XML import on a small extract written by the test (roads, an electrified railway, a siding)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from freight_sim.errors import ConfigError
from freight_sim.network import build_leg_table, check_network
from freight_sim.network.defaults import load_defaults
from freight_sim.network.geo import great_circle_km
from freight_sim.network.osm import load_osm, parse_maxspeed_kph

ox = pytest.importorskip("osmnx")

OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="freight-sim test">
  <node id="1" lat="36.200" lon="113.100" version="1"/>
  <node id="2" lat="36.200" lon="113.120" version="1"/>
  <node id="3" lat="36.200" lon="113.140" version="1"/>
  <node id="4" lat="36.220" lon="113.120" version="1"/>
  <node id="5" lat="36.200" lon="113.180" version="1"/>
  <node id="11" lat="36.190" lon="113.100" version="1"/>
  <node id="12" lat="36.190" lon="113.130" version="1"/>
  <node id="13" lat="36.190" lon="113.160" version="1"/>
  <node id="14" lat="36.180" lon="113.100" version="1"/>
  <node id="15" lat="36.170" lon="113.100" version="1"/>
  <way id="100" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="primary"/><tag k="maxspeed" v="30"/></way>
  <way id="101" version="1"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/></way>
  <way id="102" version="1"><nd ref="3"/><nd ref="5"/><tag k="highway" v="motorway"/><tag k="ref" v="G55"/></way>
  <way id="103" version="1"><nd ref="4"/><nd ref="1"/><tag k="highway" v="footway"/></way>
  <way id="200" version="1"><nd ref="11"/><nd ref="12"/><nd ref="13"/>
    <tag k="railway" v="rail"/><tag k="electrified" v="contact_line"/><tag k="maxspeed" v="120"/></way>
  <way id="201" version="1"><nd ref="11"/><nd ref="14"/><nd ref="15"/>
    <tag k="railway" v="rail"/><tag k="service" v="siding"/><tag k="electrified" v="no"/></way>
</osm>
"""

SITES = """id,kind,name,lon,lat,snap
P1,plant,Plant one,113.101,36.203,
P2,plant,Plant at the siding end,113.1005,36.1695,both
S1,station,Station one,113.131,36.1905,
G1,gateway,East edge,113.181,36.2,
"""


@pytest.fixture(scope="module")
def osm_net(tmp_path_factory):
    folder = tmp_path_factory.mktemp("osm")
    (folder / "extract.osm").write_text(OSM_XML, encoding="utf-8")
    (folder / "sites.csv").write_text(SITES, encoding="utf-8")
    return load_osm(folder / "extract.osm", folder / "sites.csv")


def test_ways_become_road_rail_and_spur_edges(osm_net):
    edges = osm_net.edges
    osm_edges = edges[edges["source"].str.startswith("OSM way")]
    assert sorted(osm_edges["mode"].value_counts().items()) == [("rail", 2), ("road", 4), ("spur", 2)]
    assert "footway" not in " ".join(edges["road_class"]) and not (osm_edges["source"] == "OSM way 103").any()
    rail = osm_edges[osm_edges["mode"] == "rail"]
    assert rail["electrified"].all()
    assert not osm_edges.loc[osm_edges["mode"] == "spur", "electrified"].any()
    nodes = osm_net.nodes
    for row in osm_edges.itertuples():
        a, b = nodes.loc[row.u], nodes.loc[row.v]
        assert row.distance_km == pytest.approx(great_circle_km(a["lon"], a["lat"], b["lon"], b["lat"]), rel=0.01)


def test_speeds_come_from_class_defaults_capped_by_maxspeed(osm_net):
    defaults = load_defaults()
    edges = osm_net.edges.set_index("source")
    assert (edges.loc["OSM way 100", "speed_kph"] == 30.0).all()  # posted 30 below the trunk default
    assert edges.loc["OSM way 101", "speed_kph"] == defaults.road_speed_kph["urban"]
    assert edges.loc["OSM way 102", "speed_kph"] == defaults.road_speed_kph["expressway"]
    assert edges.loc["OSM way 102", "line"] == "G55"
    assert (edges.loc["OSM way 200", "speed_kph"] == defaults.rail_speed_kph["conventional"]).all()


def test_sites_are_snapped_with_connector_edges(osm_net):
    edges = osm_net.edges
    snaps = edges[edges["source"].str.startswith("snap of site")]
    s1 = snaps[snaps["u"] == "S1"].set_index("mode")
    assert sorted(s1.index) == ["rail", "road"]
    assert s1.at["rail", "v"] == "osm12" and bool(s1.at["rail", "electrified"])
    assert s1.at["rail", "distance_km"] == pytest.approx(great_circle_km(113.131, 36.1905, 113.13, 36.19), abs=1e-6)
    assert s1.at["road", "v"] == "osm3"
    assert sorted(snaps.loc[snaps["u"] == "P2", "mode"]) == ["rail", "road"]
    p1 = snaps[snaps["u"] == "P1"]
    assert list(p1["mode"]) == ["road"] and list(p1["road_class"]) == ["access"]
    assert osm_net.kind("G1") == "gateway"


def test_imported_network_routes(osm_net):
    assert check_network(osm_net) == []
    table = build_leg_table(osm_net, [("P1", "G1", "road"), ("S1", "osm11", "rail"), ("P2", "S1", "rail")])
    assert table.get("P1", "G1", "road").distance_km > great_circle_km(113.101, 36.203, 113.181, 36.2)
    assert table.get("S1", "osm11", "rail").electrified_share == pytest.approx(1.0)
    siding = table.get("P2", "S1", "rail")  # snap connector, siding way (not electrified), main line
    assert siding.path[:2] == ("P2", "osm15") and siding.path[-1] == "S1"
    assert 0.5 < siding.electrified_share < 1.0


def test_settings_are_restored(osm_net):
    before = list(ox.settings.useful_tags_way)
    assert "railway" not in before


def test_maxspeed_parsing():
    assert parse_maxspeed_kph("60") == 60.0
    assert parse_maxspeed_kph("30 mph") == pytest.approx(48.28, abs=0.01)
    assert parse_maxspeed_kph(["80", "60"]) == 60.0
    assert parse_maxspeed_kph("signals") is None and parse_maxspeed_kph(None) is None


def test_missing_osmnx_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "osmnx", None)
    with pytest.raises(ConfigError, match=r"pip install freight-sim\[osm\]"):
        load_osm(tmp_path / "x.osm", tmp_path / "sites.csv")


def test_bad_site_kind_is_located(tmp_path):
    (tmp_path / "x.osm").write_text(OSM_XML, encoding="utf-8")
    sites = tmp_path / "sites.csv"
    sites.write_text("id,kind,name,lon,lat\nP1,plant,a,113.1,36.2\nQ,quarry,b,113.1,36.2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_osm(tmp_path / "x.osm", sites)
    assert excinfo.value.lines[0].startswith(f"{sites}:3: kind: unknown node kind 'quarry'")


def test_sites_file_path_is_reported_when_missing(tmp_path):
    (tmp_path / "x.osm").write_text(OSM_XML, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sites.csv:1: \(file\): file not found"):
        load_osm(tmp_path / "x.osm", Path(tmp_path / "sites.csv"))
