"""The engine's fast paths give exactly the results of the plain code they shortcut."""

from __future__ import annotations

import pandas as pd
import pytest

from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.recorder import Recorder
from freight_sim.sim.synthetic_city import synthetic_city_spec
from freight_sim.sim.trains import TerminalDispatch


@pytest.fixture(scope="module")
def city():
    spec = synthetic_city_spec(n_enterprises=8, days=8.0)
    return spec, simulate_spec(spec, 5)


def _same(a, b) -> None:
    assert a.events == b.events and a.train_departures == b.train_departures
    pd.testing.assert_frame_equal(a.legs, b.legs)
    pd.testing.assert_frame_equal(a.tonnage, b.tonnage)
    pd.testing.assert_frame_equal(a.resources, b.resources)


def test_terminal_scan_shortcut_matches_full_scans(city, monkeypatch):
    spec, fast = city
    assert fast.train_departures > 0
    full_scan = TerminalDispatch.notify
    monkeypatch.setattr(TerminalDispatch, "notify", lambda self, changed=None: full_scan(self))
    _same(fast, simulate_spec(spec, 5))


def test_packed_truck_rows_match_rows_through_leg(city, monkeypatch):
    spec, fast = city
    monkeypatch.setattr(Recorder, "packed_appender", lambda self: None)
    _same(fast, simulate_spec(spec, 5))
