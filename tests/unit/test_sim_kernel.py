"""The engine's environment behaves like ``simpy.Environment``: same event order, ids, values and errors."""

from __future__ import annotations

import math

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st
from simpy.events import Event

from freight_sim.sim.kernel import Alarm, Kernel


def _story(env: simpy.Environment) -> list:
    """A little of everything SimPy offers; returns the log, filled while ``env`` runs."""
    log: list = []
    server = simpy.Resource(env, capacity=1)
    pile = simpy.Container(env, capacity=50, init=0)

    def customer(name: str, arrive_h: float, service_h: float):
        yield env.timeout(arrive_h)
        with server.request() as request:
            yield request
            log.append((env.now, name, "served"))
            yield env.timeout(service_h)
        return f"{name} done"

    def supplier():
        for _ in range(3):
            yield env.timeout(1.5)
            yield pile.put(10)
            log.append((env.now, "supplier", pile.level))

    def taker():
        yield pile.get(25)
        log.append((env.now, "taker", pile.level))

    def sleeper():
        try:
            yield env.timeout(100)
        except simpy.Interrupt as interrupt:
            log.append((env.now, "sleeper", f"interrupted: {interrupt.cause}"))

    def waker(victim):
        yield env.timeout(2.25)
        victim.interrupt("wake up")

    def failing():
        yield env.timeout(1)
        raise KeyError("boom")

    def watcher(target):
        try:
            yield target
        except KeyError as error:
            log.append((env.now, "watcher", f"caught {error!r}"))

    def joiner(processes):
        values = yield simpy.AllOf(env, processes)
        log.append((env.now, "joiner", sorted(values.values())))
        done = env.event()
        done.succeed("at once")
        value = yield done  # triggered, not yet processed
        log.append((env.now, "joiner", value))
        already = env.timeout(0, value="old")
        yield env.timeout(1)
        value = yield already  # already processed: resumes at once with its value
        log.append((env.now, "joiner", value))

    customers = [env.process(customer(f"c{i}", 0.5 * i, 1.0 + 0.25 * i)) for i in range(4)]
    env.process(supplier())
    env.process(taker())
    victim = env.process(sleeper())
    env.process(waker(victim))
    env.process(watcher(env.process(failing())))
    env.process(joiner(customers))
    return log


@pytest.mark.parametrize("until", [None, 3.0, 7])
def test_kernel_runs_a_story_like_simpy(until):
    stock, lean = simpy.Environment(), Kernel()
    expected, actual = _story(stock), _story(lean)
    assert lean.run(until) == stock.run(until)
    assert actual == expected
    assert lean.now == stock.now
    assert next(lean._eid) == next(stock._eid)


def test_kernel_resumes_after_until_and_stops_on_an_event():
    stock, lean = simpy.Environment(), Kernel()
    expected, actual = _story(stock), _story(lean)
    for env in (stock, lean):
        env.run(2.0)
        env.run(4.0)
    assert actual == expected
    end_stock, end_lean = stock.timeout(1, value="v"), lean.timeout(1, value="v")
    assert lean.run(end_lean) == stock.run(end_stock) == "v"
    assert actual == expected and lean.now == stock.now


def test_kernel_raises_unhandled_failures_like_simpy():
    def crash(env):
        yield env.timeout(1)
        raise ValueError("bad input")

    for env in (simpy.Environment(), Kernel()):
        env.process(crash(env))
        with pytest.raises(ValueError, match="bad input"):
            env.run()


def test_kernel_rejects_an_until_in_the_past_and_a_non_event_yield():
    env = Kernel()
    env.run(5)
    with pytest.raises(ValueError, match="must be greater"):
        env.run(5)

    def bad():
        yield "3"

    env.process(bad())
    with pytest.raises(RuntimeError, match="Invalid yield value"):
        env.run()

    def flag():
        yield True

    env.process(flag())
    with pytest.raises(RuntimeError, match="Invalid yield value"):
        env.run()


@pytest.mark.parametrize("delay", [-1.0, -1, math.nan])
@pytest.mark.parametrize("first", [True, False])
def test_a_yielded_delay_that_is_negative_or_nan_fails_the_process(delay, first):
    env = Kernel()

    def waits():
        if not first:  # the second yield goes through the loop's own-alarm path
            yield 1.0
        yield delay

    env.process(waits())
    with pytest.raises(ValueError, match="Negative delay"):
        env.run()


def test_a_yielded_delay_is_a_timeout_on_the_process_alarm():
    env = Kernel()
    log = []

    def owner():
        alarm = env.alarm()
        yield 2  # an int, as a timeout would take it
        log.append((env.now, "int"))
        yield 0.5
        log.append((env.now, "float"))
        assert env.alarm() is alarm  # one own alarm per process
        yield alarm.pending()
        log.append((env.now, "woken"))
        yield 0.0
        log.append((env.now, "zero"))

    process = env.process(owner())

    def other():
        yield env.timeout(3.0)
        process._own_alarm.succeed()

    env.process(other())
    env.run()
    assert log == [(2, "int"), (2.5, "float"), (3.0, "woken"), (3.0, "zero")]


def test_a_delay_too_small_to_move_the_clock_comes_after_the_events_due_now():
    for env in (simpy.Environment(), Kernel()):
        log = []

        def first(env=env, log=log):
            yield env.timeout(1.0)
            log.append("first")
            yield env.timeout(1e-300)  # 1.0 + 1e-300 == 1.0: SimPy keys it (1.0, NORMAL, id) after the due ones
            log.append("tiny")

        def second(env=env, log=log):
            yield env.timeout(1.0)
            log.append("second")
            yield env.timeout(0)
            log.append("zero")

        env.process(first())
        env.process(second())
        env.run()
        assert log == ["first", "second", "tiny", "zero"]


def test_alarm_is_a_timeout_and_a_wake_up_in_simpy_order():
    env = Kernel()
    log = []
    alarm = env.alarm()

    def owner():
        yield alarm.after(2.0)
        log.append((env.now, "timed"))
        yield alarm.pending()
        log.append((env.now, "woken"))
        yield alarm.after(0.0)
        log.append((env.now, "zero delay"))

    def other():
        yield env.timeout(3.0)
        log.append((env.now, "other wakes owner"))
        alarm.succeed()
        log.append((env.now, "other goes on"))

    env.process(owner())
    env.process(other())
    env.run()
    assert log == [(2.0, "timed"), (3.0, "other wakes owner"), (3.0, "other goes on"), (3.0, "woken"), (3.0, "zero delay")]


def test_alarm_rejects_negative_delays_and_values():
    alarm = Alarm(Kernel())
    with pytest.raises(ValueError, match="Negative delay"):
        alarm.after(-1.0)
    with pytest.raises(ValueError, match="no value"):
        alarm.pending().succeed("x")


def _ties(env: simpy.Environment, plans: list[list[tuple[float, int]]], use_alarms: bool) -> list:
    """Processes that wait (delays from a few values, many ties and zero delays) and wake each other."""
    log: list = []
    sleepers: dict[int, Event] = {}

    def actor(me: int, steps: list[tuple[float, int]]):
        alarm = env.alarm() if use_alarms else None
        for delay, wake in steps:
            if delay < 0:  # sleep until someone wakes me (or time out via the next one)
                event = alarm.pending() if use_alarms else env.event()
                sleepers[me] = event
                yield event
            elif use_alarms:  # a delay as a number, every other time on the alarm itself
                yield alarm.after(delay) if len(log) % 2 else delay
            else:
                yield env.timeout(delay)
            log.append((env.now, me))
            sleeper = sleepers.pop(wake, None)
            if sleeper is not None:
                sleeper.succeed()

    for me, steps in enumerate(plans):
        env.process(actor(me, steps))
    return log


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from([-1.0, 0.0, 0.0, 0.5, 1.0, 2.0]), st.integers(0, 5)), max_size=8),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([None, 1.0, 2.5]),
)
@settings(max_examples=150, deadline=None)
def test_kernel_and_alarms_keep_simpy_order_with_ties(plans, until):
    stock, lean = simpy.Environment(), Kernel()
    expected, actual = _ties(stock, plans, use_alarms=False), _ties(lean, plans, use_alarms=True)
    stock.run(until)
    lean.run(until)
    assert actual == expected
    assert next(lean._eid) == next(stock._eid)
    if until is not None:  # both resume the same way
        stock.run()
        lean.run()
        assert actual == expected
