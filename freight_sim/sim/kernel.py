"""The engine's SimPy environment: the same events and processes, with less Python work per event.

``Kernel`` is a ``simpy.Environment`` whose ``run`` loop pops and dispatches events inline (no ``step``
call per event). Events scheduled for the current time with normal priority (``Event.succeed()``, a zero
timeout, a wake-up) go to a FIFO line beside the heap instead of into it: they come after every event
already scheduled and before any later one, so the line stays sorted by SimPy's key (time, priority,
event id), and the loop takes whichever of the two heads is smaller: SimPy's own order, without two heap
operations for each of them. Processes start as ``LeanProcess``, whose resume skips the generic checks
while the event succeeded and the generator yields an event still pending, and falls back to SimPy's own
resume otherwise (failed events, finished generators, already processed events, bad yields).

``Alarm`` is an event a process owns and re-arms, instead of making a new ``Timeout`` (or a new wake-up
``Event``) for every wait: ``alarm.after(delay)`` schedules it like ``env.timeout(delay)`` would;
``alarm.pending()`` makes it wait untriggered, and ``alarm.succeed()`` (called by whoever wakes the
owner) schedules it now like ``Event.succeed()``. Each firing is a scheduled SimPy event with its own
event id, in the order stock SimPy would give, so runs are identical to ones built on ``Timeout`` and
``Event``. An alarm must be armed only while its owner is not already waiting on it.

An alarm made by a running ``LeanProcess`` (``env.alarm()`` inside its generator) is that process's own
(``OwnedAlarm``): only the owner waits on it, and when it fires the loop sends to the owner's generator
directly, with no callback list, closure call or outcome check (an alarm always succeeds). Such an owner
is not interrupted while it waits on its alarm (the engine's processes are never interrupted).
"""

from __future__ import annotations

import math
from collections import deque
from heapq import heappop, heappush
from typing import Any

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
        self._due_now: deque = deque()  # (now, NORMAL, event id, event), in event id order

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: float = 0) -> None:
        if delay == 0 and priority == NORMAL:
            self._due_now.append((self._now, NORMAL, next(self._eid), event))
        else:
            heappush(self._queue, (self._now + delay, priority, next(self._eid), event))

    def peek(self) -> float:
        due_now, queue = self._due_now, self._queue
        if due_now:
            return due_now[0][0]
        return queue[0][0] if queue else math.inf

    def step(self) -> None:
        """Process the next event, as SimPy's ``step`` does."""
        due_now, queue = self._due_now, self._queue
        if due_now and not (queue and queue[0] < due_now[0]):
            self._now, _, _, event = due_now.popleft()
        elif queue:
            self._now, _, _, event = heappop(queue)
        else:
            raise EmptySchedule
        if event.__class__ is OwnedAlarm:
            event.callbacks = None  # type: ignore[assignment]
            _fire_owned(self, event)
            return
        callbacks, event.callbacks = event.callbacks, None
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
        """A reusable event; made inside a ``LeanProcess``, that process's own (``OwnedAlarm``)."""
        owner = self._active_proc
        return OwnedAlarm(self, owner) if isinstance(owner, LeanProcess) else Alarm(self)

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
        queue, due_now = self._queue, self._due_now
        try:
            while True:
                if due_now:
                    if queue and queue[0] < due_now[0]:
                        self._now, _, _, event = heappop(queue)
                    else:
                        self._now, _, _, event = due_now.popleft()
                elif queue:
                    self._now, _, _, event = heappop(queue)
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
                    if target is not event:
                        owner.wait_on(target)
                    self._active_proc = None
                    continue
                # SimPy types ``callbacks`` as a list; None marks a processed event (as in SimPy's own step)
                callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
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
        super().__init__(env, generator)

    def wait_on(self, target: Any) -> None:
        """Wait on the event the generator yielded (its own alarm needs nothing: the loop sends to it)."""
        env = self.env
        try:
            callbacks = target.callbacks
        except AttributeError:
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
        if delay > 0:
            heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), self))
        elif delay == 0:
            env._due_now.append((env._now, NORMAL, next(env._eid), self))
        else:
            raise ValueError(f"Negative delay {delay}")  # or NaN
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
        env._due_now.append((env._now, NORMAL, next(env._eid), self))
        return self


_OWNED: tuple = ()  # the callbacks of an armed ``OwnedAlarm``: none; the loop sends to its owner


class OwnedAlarm(Alarm):
    """An ``Alarm`` of one ``LeanProcess``, which alone waits on it: firing it sends to the owner directly."""

    def __init__(self, env: Kernel, owner: LeanProcess) -> None:
        super().__init__(env)
        self.owner = owner
        self.send = owner._generator.send

    def after(self, delay: float) -> Alarm:
        env = self.env
        if delay > 0:
            heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), self))
        elif delay == 0:
            env._due_now.append((env._now, NORMAL, next(env._eid), self))
        else:
            raise ValueError(f"Negative delay {delay}")  # or NaN
        self.callbacks = _OWNED  # type: ignore[assignment]
        return self

    def pending(self) -> Alarm:
        self.callbacks = _OWNED  # type: ignore[assignment]
        return self
