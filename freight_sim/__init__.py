"""freight_sim: discrete-event simulation of clean bulk-freight transport."""

__version__ = "0.1.0"
