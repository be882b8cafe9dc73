"""The engine's SimPy environment: the same events and processes, with less Python work per event.

``Kernel`` is a ``simpy.Environment`` whose ``run`` loop pops and dispatches events inline (no ``step``
call per event) and keeps SimPy's order (time, priority, event id) without SimPy's heap of tuples, whose
comparisons chase pointers through every tuple and its time. Normal-priority events due later are filed
by time: a heap of bare float times, each with its bucket (one event, or a list in event id order, since
ids rise as events are scheduled). When the clock moves to a time its bucket becomes the FIFO line of
events due now; events scheduled for the current time (``Event.succeed()``, a zero timeout, a wake-up, or
a delay too small to move the clock) join the end of that line, after every event already due: SimPy's
order, as their ids are larger. Urgent events (a process's start, an interrupt, ``run``'s stop) keep
their own small heaps and go first at their time. Processes start as ``LeanProcess``, whose resume skips
the generic checks while the event succeeded and the generator yields an event still pending, and falls
back to SimPy's own resume otherwise (failed events, finished generators, already processed events, bad
yields).

``Alarm`` is an event a process owns and re-arms, instead of making a new ``Timeout`` (or a new wake-up
``Event``) for every wait: ``alarm.after(delay)`` schedules it like ``env.timeout(delay)`` would;
``alarm.pending()`` makes it wait untriggered, and ``alarm.succeed()`` (called by whoever wakes the
owner) schedules it now like ``Event.succeed()``. Each firing is a scheduled SimPy event with its own
event id, in the order stock SimPy would give, so runs are identical to ones built on ``Timeout`` and
``Event``. An alarm must be armed only while its owner is not already waiting on it.

An alarm made by a running ``LeanProcess`` (``env.alarm()`` inside its generator) is that process's own
(``OwnedAlarm``, one per process): only the owner waits on it, and when it fires the loop sends to the
owner's generator directly, with no callback list, closure call or outcome check (an alarm always
succeeds). Such an owner is not interrupted while it waits on its alarm (the engine's processes are never
interrupted). A ``LeanProcess`` may also yield a delay, a number of hours: it waits that long on its own
alarm, exactly as ``yield env.timeout(delay)`` would (same event id and order), and the loop re-arms the
alarm without a method call.
"""

from __future__ import annotations

import math
from collections import deque
from heapq import heappop, heappush
from typing import Any, cast

import simpy
from simpy.core import BoundClass, EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority, Process


class Kernel(simpy.Environment):
    """A SimPy environment with an inlined event loop; ``process`` starts a ``LeanProcess``."""

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        # SimPy binds its event classes to the instance only for the exact class; do it for the base too,
        # else every ``env.timeout`` goes through the descriptor.
        for name, attribute in simpy.Environment.__dict__.items():
            if type(attribute) is BoundClass:
                setattr(self, name, getattr(self, name))
        self._times: list[float] = []  # heap of the later times that have a bucket
        self._buckets: dict[float, Any] = {}  # time -> its normal events: one event, or a list in event id order
        self._due_now: deque = deque()  # normal events at the current time, in event id order
        self._urgent_now: list = []  # heap of (priority, event id, event) of urgent events at the current time
        self._urgent_later: list = []  # heap of (time, priority, event id, event) of later urgent events

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: float = 0) -> None:
        now = self._now
        at = now + delay
        if not (at > now or delay >= 0):
            raise ValueError(f"Negative delay {delay}")  # or NaN
        if priority == NORMAL:
            if at > now:
                _put_later(self._buckets, self._times, at, event)
            else:  # no delay (or one too small to move the clock): after the events already due now
                self._due_now.append(event)
            next(self._eid)
        elif priority < NORMAL:
            if at > now:
                heappush(self._urgent_later, (at, priority, next(self._eid), event))
            else:
                heappush(self._urgent_now, (priority, next(self._eid), event))
        else:
            raise ValueError(f"unknown event priority {priority}")

    def peek(self) -> float:
        if self._urgent_now or self._due_now:
            return self._now
        times, urgent_later = self._times, self._urgent_later
        next_normal = times[0] if times else math.inf
        return min(next_normal, urgent_later[0][0]) if urgent_later else next_normal

    def _advance(self) -> bool:
        """Move the clock to the next time with events and make them due (urgent ones first); False when none."""
        times, urgent_later = self._times, self._urgent_later
        at = self.peek()
        if at == math.inf:
            return False
        self._now = at
        if times and times[0] == at:
            heappop(times)
            bucket = self._buckets.pop(at)
            self._due_now.extend(bucket if bucket.__class__ is list else (bucket,))
        while urgent_later and urgent_later[0][0] == at:
            heappush(self._urgent_now, heappop(urgent_later)[1:])
        return True

    def _next_event(self) -> Event:
        """Take the next event off the schedule (SimPy's order: time, priority, event id)."""
        if not (self._urgent_now or self._due_now or self._advance()):
            raise EmptySchedule
        if self._urgent_now:
            return heappop(self._urgent_now)[2]
        return self._due_now.popleft()

    def step(self) -> None:
        """Process the next event, as SimPy's ``step`` does."""
        event = self._next_event()
        if event.__class__ is OwnedAlarm:
            event.callbacks = None  # type: ignore[assignment]
            _fire_owned(self, event)
            return
        callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:
            self._keep_stop_event(event, callbacks, callback)
            raise
        if not event._ok and not hasattr(event, "_defused"):
            _raise_failure(event)

    def _keep_stop_event(self, event: Event, callbacks: list, called) -> None:
        """As SimPy: the stop event keeps its remaining callbacks and is rescheduled, so a later run resumes."""
        event.callbacks = callbacks[callbacks.index(called) + 1 :]
        self.schedule(event, EventPriority(-1))

    def process(self, generator) -> Process:
        return LeanProcess(self, generator)

    def alarm(self) -> Alarm:
        """A reusable event; inside a ``LeanProcess``, that process's own (``OwnedAlarm``, one per process)."""
        owner = self._active_proc
        if isinstance(owner, LeanProcess):
            return owner._own_alarm or OwnedAlarm(self, owner)
        return Alarm(self)

    def run(self, until: float | Event | None = None) -> Any:
        """Run until the time ``until`` (a number), or until no events are left (``None``).

        An event as ``until`` is handled by SimPy's own loop (which calls ``step``).
        """
        if isinstance(until, Event):
            return super().run(until)
        if until is not None:
            at = until if isinstance(until, int) else float(until)
            if at <= self._now:
                raise ValueError(f"until ({at}) must be greater than the current simulation time")
            stop = Event(self)
            stop._ok = True
            stop._value = None
            self.schedule(stop, URGENT, at - self._now)
            stop.callbacks.append(StopSimulation.callback)
        times, buckets, due_now, urgent_now = self._times, self._buckets, self._due_now, self._urgent_now
        urgent_later, popleft, next_id = self._urgent_later, due_now.popleft, self._eid.__next__
        try:
            while True:
                if urgent_now:
                    event = heappop(urgent_now)[2]
                elif due_now:
                    event = popleft()
                elif times and not (urgent_later and urgent_later[0][0] <= times[0]):
                    self._now = at = heappop(times)  # the common case: the next time has only normal events
                    event = buckets.pop(at)
                    if event.__class__ is list:
                        due_now.extend(event)
                        event = popleft()
                elif self._advance():
                    continue
                else:
                    break
                if event.__class__ is OwnedAlarm:  # its owner's generator goes on at once (_fire_owned, inlined)
                    event.callbacks = None  # type: ignore[assignment]
                    owner = event.owner
                    self._active_proc = owner
                    try:
                        target = event.send(None)
                    except StopIteration as stop:
                        owner._end(True, stop.args[0] if stop.args else None)
                        continue
                    except BaseException as error:
                        _owner_failed(owner, error)
                        continue
                    if target.__class__ is float and target >= 0.0:  # a delay: the alarm again (OwnedAlarm.after and _put_later, inlined)
                        now = self._now
                        at = now + target
                        if at > now:
                            bucket = buckets.get(at)
                            if bucket is None:
                                buckets[at] = event
                                heappush(times, at)
                            elif bucket.__class__ is list:
                                bucket.append(event)
                            else:
                                buckets[at] = [bucket, event]
                        else:
                            due_now.append(event)
                        next_id()
                        event.callbacks = _OWNED
                    elif target is not event:
                        owner.wait_on(target)
                    self._active_proc = None
                    continue
                # SimPy types ``callbacks`` as a list; None marks a processed event (as in SimPy's own step)
                callbacks, event.callbacks = event.callbacks, None
                for callback in callbacks:
                    callback(event)
                if not event._ok and not hasattr(event, "_defused"):
                    _raise_failure(event)
        except StopSimulation as stopped:
            self._keep_stop_event(event, callbacks, callback)
            return stopped.args[0]
        if until is not None:
            raise RuntimeError(f'No scheduled events left but "until" event was not triggered: {until}')
        return None


def _put_later(buckets: dict, times: list, at: float, event: Event) -> None:
    """File a normal event for the later time ``at``: after the events already filed for it."""
    bucket = buckets.get(at)
    if bucket is None:
        buckets[at] = event
        heappush(times, at)
    elif bucket.__class__ is list:
        bucket.append(event)
    else:
        buckets[at] = [bucket, event]


def _raise_failure(event: Event) -> None:
    """A failed event nobody handled stops the run, with a copy of its exception (as SimPy)."""
    error = type(event._value)(*event._value.args)
    error.__cause__ = event._value
    raise error


class LeanProcess(Process):
    """A SimPy process whose common resume (event succeeded, next event pending) is a few operations."""

    def __init__(self, env: simpy.Environment, generator) -> None:
        # set before SimPy's __init__, which registers ``self._resume`` on the start event
        self._resume = _lean_resume(self, env, generator.send)  # type: ignore[method-assign]
        self._own_alarm: OwnedAlarm | None = None
        super().__init__(env, generator)

    def wait_on(self, target: Any) -> None:
        """Wait on the event the generator yielded (its own alarm needs nothing: the loop sends to it)."""
        if target.__class__ is float:  # a delay: on its own alarm, without the lookup below failing first
            return self._wait_for(target)
        env = self.env
        try:
            callbacks = target.callbacks
        except AttributeError:
            if isinstance(target, (int, float)) and not isinstance(target, bool):  # an int, or a float subclass
                return self._wait_for(target)
            env._active_proc = None
            raise RuntimeError(f'Invalid yield value "{target}"') from None
        if callbacks is None:  # already processed: SimPy's resume goes on with its outcome at once
            return Process._resume(self, target)
        if callbacks is _OWNED:
            if target.owner is not self:
                env._active_proc = None
                raise RuntimeError("an alarm is waited on only by the process that made it")
        else:
            callbacks.append(self._resume)
        self._target = target
        env._active_proc = None

    def _wait_for(self, delay: float) -> None:
        """The generator yielded a delay: wait that long on the process's own alarm (a bad delay fails it)."""
        alarm = self._own_alarm or OwnedAlarm(cast(Kernel, self.env), self)
        try:
            alarm.after(delay)
        except ValueError as error:
            return _owner_failed(self, error)
        self._target = alarm
        self.env._active_proc = None

    def _end(self, ok: bool, value: Any) -> None:
        self._ok = ok
        self._value = value
        self.env.schedule(self)
        self._target = None  # type: ignore[assignment]
        self.env._active_proc = None


def _lean_resume(process: LeanProcess, env: simpy.Environment, send):
    """The resume callback of ``process``: a closure, so the hot path reads no attributes of its own."""

    def resume(event: Event) -> None:
        if not event._ok:
            return Process._resume(process, event)  # the generator gets the exception thrown in
        env._active_proc = process
        try:
            target = send(event._value)
        except StopIteration as stop:  # the generator returned: the process succeeds with its value
            process._end(True, stop.args[0] if stop.args else None)
            return
        except BaseException as error:  # the generator raised: the process fails with the error
            _owner_failed(process, error)
            return
        process.wait_on(target)

    return resume


def _owner_failed(process: LeanProcess, error: BaseException) -> None:
    """The generator raised: the process fails with the error (the resume frame left out of its traceback)."""
    error.__traceback__ = error.__traceback__.tb_next if error.__traceback__ else None
    process._end(False, error)


def _fire_owned(env: Kernel, alarm: OwnedAlarm) -> None:
    """Send to the owner of a fired ``OwnedAlarm``."""
    owner = alarm.owner
    env._active_proc = owner
    try:
        target = alarm.send(None)
    except StopIteration as stop:
        owner._end(True, stop.args[0] if stop.args else None)
        return
    except BaseException as error:
        _owner_failed(owner, error)
        return
    if target is not alarm:
        owner.wait_on(target)
    env._active_proc = None


class Alarm(Event):
    """A reusable event of one process, carrying no value: ``after(delay)`` is a timeout; ``pending()``
    then ``succeed()`` (by whoever wakes the owner) is a wake-up event."""

    env: Kernel

    def __init__(self, env: Kernel) -> None:
        self.env = env
        self.callbacks = None  # type: ignore[assignment]
        self._ok = True
        self._value = None

    def after(self, delay: float) -> Alarm:
        """Fire after ``delay`` (``>= 0``); returns itself, to be yielded."""
        env = self.env
        now = env._now
        at = now + delay
        if at > now:
            _put_later(env._buckets, env._times, at, self)
        elif delay >= 0:
            env._due_now.append(self)
        else:
            raise ValueError(f"Negative delay {delay}")  # or NaN
        next(env._eid)
        self.callbacks = []
        return self

    def pending(self) -> Alarm:
        """Make it an untriggered event, to be yielded and fired later by ``succeed()``."""
        self.callbacks = []
        return self

    def succeed(self, value: Any = None) -> Alarm:
        """Fire now, after the events already scheduled for now, as ``Event.succeed`` does."""
        if value is not None:
            raise ValueError("an Alarm carries no value")
        env = self.env
        env._due_now.append(self)
        next(env._eid)
        return self


_OWNED: tuple = ()  # the callbacks of an armed ``OwnedAlarm``: none; the loop sends to its owner


class OwnedAlarm(Alarm):
    """An ``Alarm`` of one ``LeanProcess``, which alone waits on it: firing it sends to the owner directly."""

    def __init__(self, env: Kernel, owner: LeanProcess) -> None:
        super().__init__(env)
        self.owner = owner
        self.send = owner._generator.send
        owner._own_alarm = self

    def after(self, delay: float) -> Alarm:
        Alarm.after(self, delay)
        self.callbacks = _OWNED  # type: ignore[assignment]
        return self

    def pending(self) -> Alarm:
        self.callbacks = _OWNED  # type: ignore[assignment]
        return self
