"""A rich progress bar over simulated time (written to stderr, so --json output stays clean)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def sim_progress(enabled: bool, days: float) -> Iterator[Callable[[float], None] | None]:
    """Yield ``update(done_fraction)`` driving a progress bar labelled in simulated days, or None."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("day {task.completed:.0f}/{task.total:.0f}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("run", total=days)
        yield lambda fraction: bar.update(task, completed=fraction * days)
