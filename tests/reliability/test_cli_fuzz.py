"""Fuzz the CLI with random scenario mutations and random record files (hypothesis, bounded budget).

Whatever the input, a command ends with exit code 0 (done), 1 (invalid input, one located line per
problem) or 2 (command-line usage), prints no traceback, and returns within ``HANG_BOUND_S``. Exit code 3
(an error the tool did not anticipate) fails the test: every input it can be given must get a message.
The budget is ``SCENARIO_EXAMPLES`` files for ``validate``, ``RUN_EXAMPLES`` for ``run`` (numbers changed,
so many are valid and simulated for two days) and ``RECORD_EXAMPLES`` record files for ``ratio``: about
30-60 s on one core.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from freight_sim.cli import app

VALID = Path(__file__).resolve().parents[1] / "data" / "broken" / "valid.yaml"
ALLOWED_EXIT_CODES = {0, 1, 2}
RATIO_WITH_REJECTED_ROWS = 4  # `ratio` computed the ratio but rejected some rows
HANG_BOUND_S = 60
# FREIGHT_SIM_FUZZ_EXAMPLES=500 for a longer hunt outside CI
SCENARIO_EXAMPLES = int(os.environ.get("FREIGHT_SIM_FUZZ_EXAMPLES", "80"))
RUN_EXAMPLES = int(os.environ.get("FREIGHT_SIM_FUZZ_EXAMPLES", "15"))
RECORD_EXAMPLES = int(os.environ.get("FREIGHT_SIM_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=SCENARIO_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Hang(BaseException):
    """A command ran longer than ``HANG_BOUND_S``."""


@contextmanager
def time_bound(seconds: int) -> Iterator[None]:
    def expire(_signum, _frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_cli(args: list[str]) -> None:
    with time_bound(HANG_BOUND_S):
        result = CliRunner().invoke(app, args)
    if os.environ.get("FREIGHT_SIM_FUZZ_SHOW"):
        print("fuzz:", args[0], result.exit_code, (result.output.strip().splitlines() or [""])[-1][:120])
    assert "Traceback" not in result.output, result.output
    allowed = ALLOWED_EXIT_CODES | ({RATIO_WITH_REJECTED_ROWS} if args[0] == "ratio" else set())
    assert result.exit_code in allowed, f"exit {result.exit_code}: {result.output[-2000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 1:
        assert result.stderr.strip(), "exit 1 without a message"


def _leaf_paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    if isinstance(data, dict):
        return [prefix, *(p for key, value in data.items() for p in _leaf_paths(value, (*prefix, key)))]
    if isinstance(data, list):
        return [prefix, *(p for i, value in enumerate(data) for p in _leaf_paths(value, (*prefix, i)))]
    return [prefix]


BASE = yaml.safe_load(VALID.read_text(encoding="utf-8"))
PATHS = [p for p in _leaf_paths(BASE) if p]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["2025-02-29", "2025-13-01", "1e400", "-0", "E99", "bundled", "../../etc/passwd", "GW_HANDAN", "rail", "0x10"]),
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6
)


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _set(data.get(head), rest, value)}
    if isinstance(data, list) and isinstance(head, int) and head < len(data):
        return [*data[:head], _set(data[head], rest, value), *data[head + 1 :]]
    return _set({}, path, value)


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


# numbers changed but kept numbers: many such scenarios are valid and reach the simulation
NUMBER_PATHS = [p for p in PATHS if isinstance(_get(BASE, p), (int, float)) and not isinstance(_get(BASE, p), bool)]
number_changes = st.sampled_from(NUMBER_PATHS).flatmap(
    lambda path: st.tuples(
        st.just(path), st.sampled_from([0, 1, 0.5, -1, _get(BASE, path) * 3, _get(BASE, path) / 7, _get(BASE, path) * 1000])
    )
)
mutations = st.one_of(
    st.lists(number_changes, min_size=1, max_size=3),
    st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=3),
)
edit = st.tuples(st.integers(min_value=0, max_value=2000), st.sampled_from([":", "- ", "&a", "*a", "{", "]", "\t", "\n  ", "'", "!!", "#"]))
text_edits = st.one_of(st.just([]), st.lists(edit, min_size=1, max_size=3))


def _scenario_text(changes: list[tuple[tuple, Any]], edits: list[tuple[int, str]]) -> str:
    data = BASE
    for path, value in changes:
        data = _set(data, path, value)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for position, fragment in edits:
        at = position % (len(text) + 1)
        text = text[:at] + fragment + text[at:]
    return text


@FUZZ
@given(changes=mutations, edits=text_edits)
def test_random_scenario_mutations_never_crash_validate(changes, edits):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_text(_scenario_text(changes, edits), encoding="utf-8")
        check_cli(["validate", str(path)])


@settings(max_examples=RUN_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(number_changes, min_size=1, max_size=3))
def test_random_numbers_in_a_scenario_never_crash_run(changes):
    """Numbers kept numbers: many of these scenarios are valid, so the simulation and accounting run on them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_text(_scenario_text(changes, []), encoding="utf-8")
        # a few simulated days keep a run short; the file is still read and validated whole
        days = ["--set", "simulation.days=2", "--set", "simulation.warmup_days=0"]
        check_cli(["run", str(path), "--out", str(Path(folder) / "out"), "--no-legs", "--no-report", *days])


HEADERS = [
    "日期",
    "车牌号",
    "车辆类型",
    "燃料类型",
    "排放标准",
    "净重(吨)",
    "毛重(kg)",
    "物料",
    "进出厂",
    "运输方式",
    "收货单位",
    "磅单号",
    "date",
    "weight",
]
cells = st.one_of(
    st.sampled_from(["2025-01-06", "2025/1/7", "2025年1月8日", "45658", "30", "-2", "Infinity", "nan", "1e308", "1,234", "", "柴油", "纯电", "国五",
                     "焦炭", "出厂", "进厂", "公路", "铁路", "晋D10001", "?", "\ufffd"]),
    st.text(max_size=8),
)  # fmt: skip
# a usual weighbridge export: cells of each column, so that many generated files are readable and audited
EXPORT_HEADER = ["日期", "车牌号", "燃料类型", "排放标准", "净重(吨)", "物料", "进出厂", "运输方式"]
EXPORT_CELLS = [
    ["2025-01-06", "2025/1/7", "2025年1月8日", "45658", "2025-02-30"],
    ["晋D10001", "晋D10002", ""],
    ["柴油", "纯电", "换电", "LNG", ""],
    ["国五", "国六", ""],
    ["30", "31.5", "100", "-2", "0", "Infinity", "1e308", "1,234"],
    ["焦炭", "原煤", "铁矿石"],
    ["出厂", "进厂"],
    ["公路", "铁路", "皮带廊道", "汽运"],
]
# mostly cells of the column (so rows are accepted), now and then anything
export_row = st.tuples(
    *(st.sampled_from(column) | st.sampled_from(column) | st.sampled_from(column) | cells for column in EXPORT_CELLS)
).map(list)
plausible_row = st.tuples(*(st.sampled_from(column[:2]) for column in EXPORT_CELLS)).map(list)
record_rows = (
    st.lists(plausible_row | export_row, min_size=1, max_size=12)
    | st.lists(export_row, min_size=1, max_size=12)
    | st.lists(st.lists(cells, min_size=0, max_size=12), max_size=12)
)


@settings(max_examples=RECORD_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    header=st.just(EXPORT_HEADER) | st.lists(st.sampled_from(HEADERS), min_size=0, max_size=12),
    rows=record_rows,
    encoding=st.sampled_from(["utf-8", "gb18030", "utf-8-sig", "gb18030", "utf-16"]),
    suffix=st.sampled_from([".csv", ".csv", ".csv", ".txt", ".xlsx"]),
)
def test_random_record_files_never_crash_the_cli(header, rows, encoding, suffix):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"records{suffix}"
        path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
        check_cli(["ratio", str(path), "--out", str(Path(folder) / "out")])
