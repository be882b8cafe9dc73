"""Pure parts of the engine: bookings, train paths, stockpiles, bans, calendars, spec checks."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt

import numpy as np
import pytest
import simpy
from hypothesis import given
from hypothesis import strategies as st

from freight_sim.errors import ModelError
from freight_sim.sim.alerts import ban_days, calendar_levels, sample_alert_levels
from freight_sim.sim.calendar import daily_tonnes, outage_factors, peak_daily_tonnes
from freight_sim.sim.examples import DIESEL, PoolEntry, road_segment, single_lane_spec, swap_off_loading_end
from freight_sim.sim.line_sections import PathCalendar, book_route, free_slot_offsets
from freight_sim.sim.rail_spec import LineSection
from freight_sim.sim.resources import FifoServers, Stock
from freight_sim.sim.spec import check_spec, quantise_t


def test_fifo_servers_book_in_arrival_order():
    bays = FifoServers("b", "loading_bays", 2)
    assert [bays.book(0.0, 1.0), bays.book(0.0, 1.0), bays.book(0.0, 1.0), bays.book(0.5, 1.0)] == [0.0, 0.0, 1.0, 1.0]
    assert bays.book(5.0, 1.0) == 5.0
    row = bays.stats_row(10.0)
    assert row["requests"] == 5 and row["max_wait_h"] == 1.0 and row["mean_wait_h"] == (1.0 + 0.5) / 5
    assert row["utilisation"] == 5.0 / 20.0


def test_path_grid_and_maintenance_window():
    # 8 paths a day, 3 h apart; a window 22:00-02:00 (wrapping past midnight) closes the one at 0:00
    assert free_slot_offsets(8.0, 22.0, 4.0) == (3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0)
    assert free_slot_offsets(8.9, 0.0, 0.0) == tuple(3.0 * i for i in range(8))  # whole paths only
    paths = PathCalendar(LineSection(id="c", paths_per_day=8.0, maintenance_start_h=22.0, maintenance_h=4.0))
    assert paths.book(1.0) == 3.0  # inside the window
    assert paths.book(2.0) == 6.0  # the 3:00 path is held: it waited behind a train
    assert paths.book(22.5) == 27.0  # the next day's 0:00 path is closed
    assert paths.book(0.5) == 9.0  # booked later, for an earlier time: the first path still free
    assert (paths.requests, paths.waited, paths.wait_max_h) == (4, 2, 8.5)


def test_background_traffic_takes_an_even_share_of_the_open_paths():
    # 12 paths a day, 6 of them background: every other open path, starting with the second
    paths = PathCalendar(LineSection(id="c", paths_per_day=12.0, background_per_day=6.0))
    assert [paths.is_background(k) for k in range(6)] == [False, True, False, True, False, True]
    taken = [paths.book(0.0) for _ in range(4)]
    assert taken == [0.0, 4.0, 8.0, 12.0]  # 2, 6 and 10 h belong to background trains
    row = paths.stats_row(24.0)
    assert (row["capacity"], row["background_per_day"], row["requests"], row["waited"]) == (12, 6.0, 4, 3)
    assert row["utilisation"] == (6 + 4) / 12
    # a fractional background: 2.5 trains a day of 12 open paths take 5 paths every 2 days
    partial = PathCalendar(LineSection(id="p", paths_per_day=12.0, background_per_day=2.5))
    assert sum(partial.is_background(k) for k in range(24)) == 5


def test_a_run_books_its_sections_in_order_with_the_waits_before():
    a = PathCalendar(LineSection(id="a", paths_per_day=24.0))
    b = PathCalendar(LineSection(id="b", paths_per_day=4.0))  # 0, 6, 12, 18 h
    entries: list = []
    delay, first = book_route(((a, 0.0), (b, 1.5)), 0.5, entries)
    # a at 1.0 (waits 0.5), reaches b at 2.5, waits for 6.0
    assert entries == [("a", 1.0), ("b", 6.0)] and (delay, first) == (4.0, 0.5)


def test_stock_serves_waiters_in_order_and_tells_listener():
    env = simpy.Environment()
    pile = Stock(env, "p", 100.0)
    heard = []

    class Listener:
        def notify(self, changed):
            heard.append(changed.level_t)

    pile.listener = Listener()
    first, second = pile.wait_for(30.0), pile.wait_for(10.0)
    pile.put(20.0)
    assert not first.triggered and not second.triggered  # FIFO: the 10 t taker waits behind the 30 t one
    pile.put(25.0)
    assert first.triggered and second.triggered and pile.level_t == 5.0
    assert heard == [20.0, 5.0]


def test_quantise_grid_sums_are_exact():
    values = [quantise_t(x) for x in np.random.default_rng(1).uniform(0, 5000, 10_000)]
    total = 0.0
    for v in values:
        total += v
    assert total == sum(int(v * 1024) for v in values) / 1024


def test_ban_days_next_allowed_start():
    banned, next_ok = ban_days(DIESEL, (0, 2, 2, 1, 0), ("diesel-cn4",), ("diesel-cn5",), 120.0)
    assert banned == [False, True, True, False, False]
    assert next_ok[1] == next_ok[2] == 72.0
    assert ban_days(DIESEL, (1, 1), ("diesel-cn4",), ("diesel-cn5",), 48.0) == (None, None)
    _, to_end = ban_days(DIESEL, (0, 2), (), ("diesel-cn5",), 48.0)
    assert to_end[1] == 48.0


def test_calendar_and_sampled_alerts():
    start = dt.date(2025, 1, 1)
    assert calendar_levels(start, 3, [(dt.date(2025, 1, 2), 2), (dt.date(2024, 12, 1), 1)]) == [0, 2, 0]
    levels = np.array(sample_alert_levels(start, 365 * 20, 10.0, 3.0, 4.0, 2.0, np.random.default_rng(5)))
    per_year = [(levels == 1).sum() / 20, (levels == 2).sum() / 20]
    assert 7.0 < per_year[0] < 13.0 and 2.0 < per_year[1] < 4.5
    months = np.array([(start + dt.timedelta(days=int(d))).month for d in range(len(levels))])
    winter = np.isin(months, (11, 12, 1, 2, 3))
    assert levels[winter].astype(bool).mean() > 2.5 * levels[~winter].astype(bool).mean()


DAILY_TONNES_INPUTS = {
    "start": st.dates(dt.date(2020, 1, 1), dt.date(2031, 12, 31)),
    "n_days": st.integers(1, 800),
    "profile": st.one_of(st.none(), st.lists(st.sampled_from([0.0, 0.3, 1.0, 1.7]), min_size=12, max_size=12)),
    "tonnes_per_year": st.floats(0.0, 1e8),
}


@given(**DAILY_TONNES_INPUTS)
def test_the_peak_day_is_the_largest_of_the_daily_tonnes_to_the_last_bit(start, n_days, profile, tonnes_per_year):
    assert peak_daily_tonnes(tonnes_per_year, profile, start, n_days) == max(daily_tonnes(tonnes_per_year, profile, start, n_days))


@given(**DAILY_TONNES_INPUTS)
def test_daily_tonnes_are_each_days_share_of_its_year_to_the_last_bit(start, n_days, profile, tonnes_per_year):
    weights = profile or [1.0] * 12
    expected = []
    for d in range(n_days):  # day by day: the year's tonnes over its weighted days, times the month's weight
        day = start + dt.timedelta(days=d)
        weighted_days = sum(w * calendar.monthrange(day.year, m + 1)[1] for m, w in enumerate(weights))
        expected.append(tonnes_per_year / weighted_days * weights[day.month - 1] if weighted_days > 0 else 0.0)
    assert daily_tonnes(tonnes_per_year, profile, start, n_days).tolist() == expected


def test_daily_tonnes_follow_monthly_profile_and_sum_to_the_year():
    profile = [2.0] * 2 + [1.0] * 8 + [2.0] * 2
    days = daily_tonnes(365_000.0, profile, dt.date(2025, 1, 1), 365)
    assert abs(sum(days) - 365_000.0) < 1e-6
    assert days[0] == 2 * days[100]
    assert abs(sum(daily_tonnes(366_000.0, None, dt.date(2024, 1, 1), 366)) - 366_000.0) < 1e-6


def test_outage_factors_cover_partial_days():
    factors = outage_factors([(dt.date(2025, 1, 2), 1.5)], dt.date(2025, 1, 1), 4)
    assert factors == (1.0, 0.0, 0.5, 1.0)
    assert outage_factors([], dt.date(2025, 1, 1), 4) == ()


def test_overlapping_outages_count_once():
    # calendar days 1-2.5 and a sampled spell 2.25-2.75 overlap: the plant stands still from 1 to 2.75
    factors = outage_factors([(dt.date(2025, 1, 2), 1.5)], dt.date(2025, 1, 1), 4, sampled=[(2.25, 0.5)])
    assert factors == (1.0, 0.0, 0.25, 1.0)
    assert outage_factors([], dt.date(2025, 1, 1), 3, sampled=[(0.25, 0.5), (0.5, 0.5)]) == (0.25, 1.0, 1.0)


def test_check_spec_names_problems():
    seg = road_segment("E01", "C1", 30.0, 40.0, (swap_off_loading_end("bev-swap", 1, "NOWHERE", 30.0, 40.0, 5.0, 0.25),))
    with pytest.raises(ModelError, match="no known swap/charge station"):
        check_spec(single_lane_spec(seg, 66.0))
    far = road_segment("E01", "C1", 120.0, 40.0, (swap_off_loading_end("bev-swap", 1, "SW1", 120.0, 40.0, 5.0, 0.25),))
    with pytest.raises(ModelError, match="usable battery"):
        check_spec(single_lane_spec(far, 66.0))
    ok = road_segment("E01", "C1", 30.0, 40.0, (PoolEntry(vehicle_type="diesel-cn5", count=1),))
    with pytest.raises(ModelError, match="alert_levels"):
        check_spec(dataclasses.replace(single_lane_spec(ok, 66.0, days=2.0), alert_levels=(0,)))


def test_recorder_aggregates_merge_rows_of_closed_days():
    from freight_sim.sim.recorder import Recorder

    rec = Recorder(n_vehicle_types=2, n_days=5, warmup_h=0.0, record_legs=False)
    rec.leg(3, 1, 33.0, 1.0, 3.0, 0.0)
    rec.leg(3, 1, 33.0, 2.0, 4.0, 5.0)
    rec.leg(3, 0, 30.0, 30.0, 32.0, 0.0)
    rec.close_days_before(2)
    rec.leg(3, 1, 33.0, 23.0, 26.0, 1.0)  # a late row for day 0, already compacted
    cols = rec.columns()
    # ordered by key: (segment, vehicle type, day)
    assert cols["seg"].tolist() == [3, 3] and cols["vt"].tolist() == [0, 1]
    assert cols["trips"].tolist() == [1, 3] and cols["tonnes"].tolist() == [30.0, 99.0]
    assert cols["extra_km"].tolist() == [0.0, 6.0] and cols["start_h"].tolist() == [24.0, 0.0]


@pytest.mark.parametrize("record_legs", [False, True])
def test_repeated_rows_give_the_columns_of_a_leg_call_per_row(record_legs):
    from freight_sim.sim.recorder import Recorder

    rows = ((1, 5, 5 * 33.0), (0, 3, 3 * 30.0009765625))  # (type, trips, tonnes on the 1/1024 t grid)
    starts = [13.0, 20.0, 50.0, 51.0, 60.0, 100.0, 749.0, 750.0, 30.0]  # the last one late: its period is compacted

    def recorded(repeated: bool) -> dict:
        rec = Recorder(n_vehicle_types=2, n_days=35, warmup_h=15.0, record_legs=record_legs, period_first_days=[0, 2, 30])
        leg = rec.repeated_leg(4, rows) if repeated else None
        for n, start_h in enumerate(starts):
            if n == len(starts) - 1:
                rec.close_days_before(33)
            rec.leg(4, 1, 7.0, start_h, start_h + 1.0, 2.5)  # another truck's row of the same cells, with extra km
            if repeated:
                leg(4, 9, 1.0, start_h, start_h + 3.0, 0.0, 8)  # its own vt, tonnes and trips are not used
            else:
                for vt, trips, tonnes in rows:
                    rec.leg(4, vt, tonnes, start_h, start_h + 3.0, 0.0, trips)
        return rec.columns()

    counted, per_row = recorded(True), recorded(False)
    assert counted.keys() == per_row.keys()
    for name in per_row:
        assert counted[name].tolist() == per_row[name].tolist(), name
    assert sum(per_row["trips"]) == 8 * (8 + 1)  # 8 starts after the warm-up: 8 repeated trips and 1 other trip each


def test_month_first_days_and_monthly_aggregates():
    import datetime as dt

    from freight_sim.sim.calendar import month_first_days
    from freight_sim.sim.recorder import Recorder

    # from 30 Jan 2025: 1 Feb is day 2, 1 Mar is day 30 (February 2025 has 28 days)
    assert month_first_days(dt.date(2025, 1, 30), 35) == [0, 2, 30]
    rec = Recorder(n_vehicle_types=1, n_days=35, warmup_h=12.0, record_legs=False, period_first_days=[0, 2, 30])
    rec.leg(0, 0, 10.0, 5.0, 7.0, 0.0)  # before the warm-up: not kept
    rec.leg(0, 0, 10.0, 13.0, 15.0, 0.0)
    rec.leg(0, 0, 10.0, 50.0, 52.0, 1.0)
    rec.close_days_before(31)  # compacts the first two periods
    assert rec.n_rows == 2
    rec.leg(0, 0, 10.0, 60.0, 64.0, 2.0)  # late row of the second period: merged at the end
    rec.leg(0, 0, 10.0, 744.0, 746.0, 0.0)
    cols = rec.columns()
    assert cols["start_h"].tolist() == [12.0, 48.0, 720.0]  # the first period starts at the warm-up's end
    assert cols["end_h"].tolist() == [48.0, 720.0, 840.0]
    assert cols["trips"].tolist() == [1, 2, 1] and cols["extra_km"].tolist() == [0.0, 3.0, 0.0]
    with pytest.raises(ValueError, match="period_first_days"):
        Recorder(n_vehicle_types=1, n_days=35, warmup_h=0.0, record_legs=False, period_first_days=[1, 5])


def test_held_paths_of_past_days_are_forgotten_without_changing_bookings():
    kept = PathCalendar(LineSection(id="k", paths_per_day=48.0, background_per_day=12.0))
    pruned = PathCalendar(LineSection(id="p", paths_per_day=48.0, background_per_day=12.0))
    for i in range(5000):
        at_h = i * 0.7 + (i % 5) * 3.0  # bookings made at time i * 0.7, some for later hours
        assert kept.book(at_h) == book_route(((pruned, 0.0),), at_h, now_h=i * 0.7)[0] + at_h
    assert len(pruned._taken) < 2048 < len(kept._taken)
