"""freight_sim: discrete-event simulation of clean bulk-freight transport."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """Lazy public API: ``freight_sim.simulate`` (imports the engine on first use)."""
    if name == "simulate":
        from freight_sim.sim.api import simulate

        return simulate
    raise AttributeError(f"module 'freight_sim' has no attribute {name!r}")
