"""Small real run functions for the batch tests (imported by worker processes too).

``queue_model`` is an M/M/c loading-bay model in SimPy: trucks arrive as a Poisson process sized from
each enterprise's road tonnes, wait for a bay, load for an exponential time. It reads a few scenario
fields so that variants, sweeps and samples change its results, and it is fully determined by the seed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import simpy

from freight_sim.errors import ModelError

PAYLOAD_T = 33.0  # diesel coal payload, FACTS 3 (test model constant)
NOX_G_PER_KM = 4.5  # CN V on-road NOx, FACTS 3 (test model constant)
CO2_KG_PER_KM = 2.6 * 0.40  # 40 L/100 km x 2.60 kg/L, FACTS 3 (test model constant)
TRIP_KM = 60.0
HOURS_PER_YEAR = 8760.0


@dataclass
class Output:
    summary: dict
    tables: dict = field(default_factory=dict)


def _bay_waits(rate_per_h: float, service_h: float, bays: int, hours: float, rng: np.random.Generator) -> list[float]:
    env = simpy.Environment()
    bay = simpy.Resource(env, capacity=bays)
    waits: list[float] = []

    def truck():
        arrived = env.now
        with bay.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.exponential(service_h))

    def arrivals():
        while True:
            yield env.timeout(rng.exponential(1.0 / rate_per_h))
            env.process(truck())

    env.process(arrivals())
    env.run(until=hours)
    return waits


def queue_model(loaded, seed: int | None = None) -> Output:
    scenario = loaded.model
    rng = np.random.default_rng(seed)
    hours = scenario.simulation.days * 24.0
    grid = scenario.accounting.grid.kg_co2_per_kwh or 0.6634
    trips = 0
    rail_t = road_t = 0.0
    waits: list[float] = []
    for eid in sorted(scenario.enterprises):
        ent = scenario.enterprises[eid]
        tonnes = ent.tonnes_per_year * hours / HOURS_PER_YEAR
        siding_t = 0.0
        if ent.siding is not None and ent.siding.enabled:
            siding_t = min(tonnes, ent.siding.capacity_t_per_year * hours / HOURS_PER_YEAR)
        rate = (tonnes - siding_t) / hours / PAYLOAD_T
        ent_waits = _bay_waits(rate, ent.truck_loading_h, ent.loading_bays, hours, rng) if rate > 0 else []
        waits.extend(ent_waits)
        trips += len(ent_waits)
        rail_t += siding_t
        road_t += len(ent_waits) * PAYLOAD_T
    km = trips * TRIP_KM * 2
    summary = {
        "truck_trips": trips,
        "nox_kg": km * NOX_G_PER_KM / 1000.0,
        "co2_ttw_t": km * CO2_KG_PER_KM / 1000.0,
        "co2_wtw_t": km * CO2_KG_PER_KM * 1.18 / 1000.0 + rail_t * 0.01 * grid,
        "clean_transport_ratio": rail_t / (rail_t + road_t) if rail_t + road_t else 0.0,
        "mean_wait_h": float(np.mean(waits)) if waits else 0.0,
        "tonnes_by_chain": {"road": road_t, "rail_siding": rail_t},
        "enterprises": [{"id": e} for e in sorted(scenario.enterprises)],
        "scenario": scenario.name,
    }
    import pandas as pd

    return Output(summary, {"waits": pd.DataFrame({"wait_h": waits})})


def fails_for_description(loaded, seed: int | None = None, description: str = "crash", unexpected: bool = False) -> Output:
    """The queue model, except that runs whose scenario description matches always fail."""
    if loaded.model.description == description:
        if unexpected:
            raise ZeroDivisionError("division by zero inside the model")
        raise ModelError(f"scenario {loaded.model.name}: stockyard overflow beyond recovery")
    return queue_model(loaded, seed)


def dies_once(loaded, seed: int | None = None, marker_dir: str = "", description: str = "die") -> Output:
    """Kill the worker process the first time a matching run is attempted (a marker file remembers)."""
    if loaded.model.description == description:
        marker = Path(marker_dir) / f"died-{seed}"
        if not marker.exists():
            marker.touch()
            os._exit(3)
    return queue_model(loaded, seed)


def stops_after(loaded, seed: int | None = None, counter_dir: str = "", limit: int = 3) -> Output:
    """Raise ``KeyboardInterrupt`` once ``limit`` runs have started (simulates a batch killed midway)."""
    started = len(list(Path(counter_dir).iterdir()))
    if started >= limit:
        raise KeyboardInterrupt
    (Path(counter_dir) / f"run-{seed}-{loaded.model.simulation.days}-{started}").touch()
    return queue_model(loaded, seed)


def dies_always(loaded, seed: int | None = None, description: str = "die") -> Output:
    """Kill the worker process on every attempt of a matching run."""
    if loaded.model.description == description:
        os._exit(4)
    return queue_model(loaded, seed)


def exits_after(loaded, seed: int | None = None) -> Output:
    """End the whole process (as a crash would) once ``$BATCH_TEST_LIMIT`` runs have finished.

    Finished runs are counted as files in ``$BATCH_TEST_COUNTER_DIR``.
    """
    counter = Path(os.environ["BATCH_TEST_COUNTER_DIR"])
    if len(list(counter.iterdir())) >= int(os.environ["BATCH_TEST_LIMIT"]):
        os._exit(9)
    output = queue_model(loaded, seed)
    (counter / f"run-{seed}-{loaded.model.name}-{len(list(counter.iterdir()))}").touch()
    return output


def slow_model(loaded, seed: int | None = None) -> Output:
    """``queue_model`` after a pause of ``BATCH_TEST_SLEEP_S`` seconds (default 1): runs long enough to interrupt."""
    import os
    import time

    time.sleep(float(os.environ.get("BATCH_TEST_SLEEP_S", "1")))
    return queue_model(loaded, seed=seed)
