"""Experiment batches: many scenario runs from one experiment file.

``spec`` (the experiment file) -> ``design`` (run specs with seeds) -> ``executors`` running ``run_one``
(in-process, process pool, Dask) -> ``store`` (run folders, manifests, tidy metrics) -> ``summary``
(confidence intervals, paired differences, sensitivity indices, siding ranking). ``batch.run_batch``
ties them together; ``freight-sim batch`` is its command line.
"""
