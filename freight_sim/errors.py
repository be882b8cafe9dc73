"""Named errors. Each carries a message that is already fit to print on one line per problem."""

from __future__ import annotations


class FreightSimError(Exception):
    """Base of all errors this package raises on purpose."""


class ConfigError(FreightSimError):
    """A scenario, experiment or data file is invalid. ``lines`` holds one ``FILE:LINE: field: message`` each."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(lines))


class NetworkError(FreightSimError):
    """The network is not usable for the scenario (missing node, unreachable enterprise, ...)."""


class RecordError(FreightSimError):
    """Shipment records cannot be read (encoding, structure); lines are ``FILE:LINE:COLUMN: message``."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(lines))


class ModelError(FreightSimError):
    """A run failed for a reason inside the model (recorded per run in batches)."""
