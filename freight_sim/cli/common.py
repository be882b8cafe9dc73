"""Helpers shared by CLI commands: error printing and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from freight_sim.errors import ConfigError, FreightSimError, RecordError


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the package's named errors into one line per problem on stderr and exit code 1."""
    try:
        yield
    except (ConfigError, RecordError) as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        raise typer.Exit(1) from None
    except FreightSimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
