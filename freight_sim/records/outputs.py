"""Audit outputs: ``ratio.csv``, ``rejected_rows.csv``, ``warnings.csv``, ``summary.json``,
``scenario_snippet.yaml``. Each is written atomically (temp file, fsync, ``os.replace``); CSV files are
UTF-8 with BOM so Excel opens the Chinese text correctly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from freight_sim.atomic import write_csv, write_json, write_text
from freight_sim.records.audit import AuditResult
from freight_sim.records.reader import RecordSet
from freight_sim.records.scenario_snippet import ScenarioSnippet

ISSUE_COLUMNS = ("file", "sheet", "line", "column", "severity", "raw_value", "message")
OVERALL_KEY = "(all)"


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(float(value), digits)


def build_summary(records: RecordSet, result: AuditResult, snippet_note: str | None = None) -> dict[str, Any]:
    """The machine-readable summary (``summary.json`` and ``--json``)."""
    breakdown = [
        {"key": row.key, "tonnes": _round(row.tonnes, 3), "clean_tonnes": _round(row.clean_tonnes, 3), "ratio": _round(row.ratio)}
        for row in result.breakdown.itertuples(index=False)
    ]
    target = result.compliance.target if result.compliance else (result.what_if.target if result.what_if else None)
    return {
        "clean_transport_ratio": _round(result.ratio),
        "rule_profile": result.profile,
        "tonnes_total": _round(result.tonnes_total, 3),
        "tonnes_clean": _round(result.tonnes_clean, 3),
        "rows_read": records.rows_read,
        "rows_rejected": records.rows_rejected,
        "rows_accepted": len(records.frame),
        "rows_duplicate": records.rows_duplicate,
        "warnings": sum(1 for i in records.issues if i.severity == "warning"),
        "compliant": result.compliance.compliant if result.compliance else False,
        "target": target,
        "breakdown_by": result.breakdown_by,
        "breakdown": breakdown,
        "what_if": result.what_if.as_dict() if result.what_if else None,
        "trucks_observed": result.trucks.distinct_trucks,
        "files": [table.as_dict() for table in records.tables],
        "scenario_snippet": snippet_note,
    }


def ratio_frame(result: AuditResult) -> pd.DataFrame:
    """Breakdown rows followed by the overall row, with the profile that produced them."""
    overall = pd.DataFrame(
        [{"key": OVERALL_KEY, "tonnes": result.tonnes_total, "clean_tonnes": result.tonnes_clean, "ratio": result.ratio}]
    )
    parts = [frame for frame in (result.breakdown, overall) if not frame.empty]
    table = pd.concat(parts, ignore_index=True)
    table.insert(0, "breakdown", [result.breakdown_by] * (len(table) - 1) + ["overall"])
    table["rule_profile"] = result.profile
    return table


def issues_frame(records: RecordSet, severities: tuple[str, ...]) -> pd.DataFrame:
    rows = [issue.as_row() for issue in records.issues if issue.severity in severities]
    return pd.DataFrame(rows, columns=list(ISSUE_COLUMNS))


def write_outputs(
    out_dir: Path, records: RecordSet, result: AuditResult, summary: dict[str, Any], snippet: ScenarioSnippet | None
) -> list[Path]:
    """Write every output file into ``out_dir`` (created if needed); returns the paths written."""
    out_dir = Path(out_dir)
    written = {
        "ratio.csv": lambda path: write_csv(path, ratio_frame(result)),
        "rejected_rows.csv": lambda path: write_csv(path, issues_frame(records, ("error",))),
        "warnings.csv": lambda path: write_csv(path, issues_frame(records, ("warning", "info"))),
        "summary.json": lambda path: write_json(path, summary),
    }
    if snippet is not None:
        written["scenario_snippet.yaml"] = lambda path: write_text(path, snippet.as_yaml())
    paths = []
    for name, write in written.items():
        path = out_dir / name
        write(path)
        paths.append(path)
    return paths
