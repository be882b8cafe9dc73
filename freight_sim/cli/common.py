"""Helpers shared by CLI commands: error printing and exit codes.

Exit codes (also in ``docs/reliability.md`` and the README):

* 0: done;
* 1: invalid input (one ``FILE:LINE: field: message`` line per problem), a refused output folder, or a
  batch with failed runs;
* 2: a command-line usage error (unknown option, missing argument);
* 3: an unexpected error inside the tool: one line naming the command line, ``--debug`` shows the traceback;
* 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperGroup

from freight_sim.errors import ConfigError, FreightSimError, RecordError

EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
_ARGV_KEY = "freight_sim.argv"
MAX_MESSAGE_CHARS = 300

# options of the commands that run many simulations (batch, optimise)
WORKERS_OPTION: Any = typer.Option(max(1, (os.cpu_count() or 1)), "--workers", min=1, help="parallel workers")
EXECUTOR_OPTION: Any = typer.Option("pool", "--executor", help="inprocess, pool or dask")
DASK_OPTION: Any = typer.Option(None, "--dask", help="'local' (LocalCluster) or a scheduler address tcp://host:port")


FAST_MODE_OVERRIDE = "simulation.mode=fast"
FAST_HELP = "fast mode: the trucks of a pool move as convoys (same as --set simulation.mode=fast; docs/fast-mode.md)"


def with_fast(overrides: list[str], fast: bool) -> list[str]:
    """The ``--set`` overrides, with fast mode's when ``--fast`` is given."""
    return [*overrides, FAST_MODE_OVERRIDE] if fast else list(overrides)


def print_error(exc: FreightSimError) -> None:
    """One line per problem on stderr."""
    if isinstance(exc, (ConfigError, RecordError)):
        for line in exc.lines:
            print(line, file=sys.stderr)
    else:
        print(f"error: {exc}", file=sys.stderr)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the package's named errors into one line per problem on stderr and exit code 1."""
    try:
        yield
    except FreightSimError as exc:
        print_error(exc)
        raise typer.Exit(EXIT_INPUT) from None


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 3] + "..."


def unexpected_error_line(exc: BaseException, argv: list[str]) -> str:
    """The one line a user sees for an error the tool did not anticipate."""
    what = f"{type(exc).__name__}: {_one_line(str(exc))}" if str(exc) else type(exc).__name__
    command = _one_line(" ".join(["freight-sim", *argv]))
    return f"error: unexpected {what} (in `{command}`); run again with --debug for the traceback, and please report it"


def _is_command_line_control(exc: Exception) -> bool:
    """Exit, Abort and usage errors: the command-line library prints and exits for these itself."""
    return isinstance(exc, (typer.Exit, typer.Abort)) or (
        callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)
    )


EXIT_BROKEN_PIPE = 1  # the reader of the output went away (``freight-sim network ... | head``): quiet, as the help printer (rich)


def reflowed(help_text: str) -> str:
    """A command's help with each paragraph on one line (the terminal wraps it): the docstrings break lines
    at the source's width, which the help printer would otherwise keep."""
    paragraphs = inspect.cleandoc(help_text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _reflow_commands(command: Any) -> None:
    if getattr(command, "help", None):
        command.help = reflowed(command.help)
    for sub in getattr(command, "commands", {}).values():
        _reflow_commands(sub)


def _quiet_stdout() -> None:
    """Point standard output at /dev/null so that the interpreter's last flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class GuardedGroup(TyperGroup):
    """The root command group: no traceback reaches a user unless ``--debug`` is given; help paragraphs reflowed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _reflow_commands(self)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        argv = list(args)
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        ctx.meta[_ARGV_KEY] = argv
        return ctx

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except FreightSimError as exc:
            print_error(exc)
            raise typer.Exit(EXIT_INPUT) from None
        except Exception as exc:
            if _is_command_line_control(exc) or ctx.params.get("debug"):
                raise
            print(unexpected_error_line(exc, ctx.meta.get(_ARGV_KEY, [])), file=sys.stderr)
            raise typer.Exit(EXIT_INTERNAL) from None
