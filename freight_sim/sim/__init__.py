"""The discrete-event engine (SimPy): shippers, trucks, trains, sidings, drayage, battery swapping, alerts.

Modules, in the order data flows:

- ``spec``: the static ``ModelSpec`` (frozen dataclasses; no files, no config schema), its rail part in
  ``rail_spec``; ``check_spec`` checks one before a run.
- ``routes``, ``calendar``, ``operations``, ``assemble``: scenario + network + leg table + fleet -> spec.
- ``engine.simulate_spec(spec, seed, trace=None) -> SimResult``; processes in ``demand`` (production into
  stockpiles, backlog on overflow), ``trucks`` (one generator per truck), ``trains`` (terminals, wagon
  sets, train paths); queues in ``resources``; columnar records in ``recorder``; per-run state in
  ``state``; random streams in ``streams``; alert calendars and bans in ``alerts``.
- ``api.simulate(scenario, seed=None)``: load network -> leg table -> catalog -> assemble -> run
  (exported lazily as ``freight_sim.simulate``).
- ``examples``: hand-made specs for tests; ``synthetic_city``: a city-sized one for benchmarks.

Speed comes from few events per truck cycle: queues whose service time is known on arrival (loading
bays, loading tracks, swap bays, train paths) are FIFO bookings rather than SimPy resources, so a truck
whose cargo is ready and goes straight to a customer costs one timeout per cycle.
"""
