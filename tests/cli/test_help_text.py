"""Help as a user reads it: paragraphs flow with the terminal's width, and a closed pipe is quiet."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from freight_sim.cli.common import reflowed

COMMANDS = ["run", "batch", "pathway", "optimise", "ratio", "validate", "report"]


def test_reflowed_joins_the_lines_of_each_paragraph_and_keeps_marked_blocks():
    text = "First line\n    goes on.\n\n    Second paragraph\n    on two lines.\n\n    \b\n    kept\n    as is"
    assert reflowed(text) == "First line goes on.\n\nSecond paragraph on two lines.\n\n\b\nkept\nas is"


def _help(command: str, columns: int) -> str:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run(
        [sys.executable, "-c", "from freight_sim.cli import main; main()", command, "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_paragraphs_are_wrapped_by_the_terminal_not_by_the_source(command):
    """On a wide terminal each paragraph of the description is one line: no line ends early where the
    docstring's source line ended (the bug: 'Uncertain' alone at the end of a line, 'inputs' on the next)."""
    wide = _help(command, 2000)
    description = wide.split("Usage:", 1)[1].split("╭", 1)[0]
    lines = [line.strip() for line in description.splitlines()[1:] if line.strip()]
    assert lines, wide
    for line in lines:  # a paragraph is one line; sentences end with a full stop, a colon or a closing bracket
        assert line[-1] in ".:)`'\"", f"{command} --help: a paragraph broken at the source's width: {line!r}"


def test_help_into_a_closed_pipe_prints_no_error():
    env = {**os.environ, "COLUMNS": "100"}
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    writer = subprocess.run(
        [sys.executable, "-c", "from freight_sim.cli import main; main()", "optimise", "--help"],
        stdout=reader.stdin, stderr=subprocess.PIPE, text=True, env=env, timeout=120,
    )  # fmt: skip
    reader.stdin.close()
    reader.wait(timeout=30)
    assert "unexpected" not in writer.stderr and "Traceback" not in writer.stderr, writer.stderr
