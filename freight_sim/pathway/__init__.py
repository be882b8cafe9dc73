"""Pathways: one multi-year run with dated measures (``pathway`` in a scenario), results by calendar year."""
