"""A synthetic province-scale scenario (Shanxi) generated from province-level figures with sources.

``freight_sim.province.generate`` builds it; this package module imports nothing heavy.
"""

DEFAULT_SEED = 20250601
