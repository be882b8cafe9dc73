"""`freight-sim ratio RECORDS... --out DIR`: clean-transport ratio audit of enterprise shipment records."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from freight_sim.cli.common import user_errors

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from freight_sim.records import RecordSet
    from freight_sim.report.i18n import Translator

MAX_ISSUE_LINES = 20
OUTPUT_NAMES = ["ratio.csv", "rejected_rows.csv", "warnings.csv", "summary.json", "scenario_snippet.yaml"]
EXIT_COMPUTED = 0  # ratio computed from every data row (duplicates counted once)
EXIT_REFUSED = 1  # nothing computed: unreadable file, unknown profile, no accepted row
EXIT_WITH_REJECTED_ROWS = 4  # ratio computed, but some rows were rejected: see rejected_rows.csv


class LanguageOption(StrEnum):
    en = "en"
    zh = "zh"


class BreakdownOption(StrEnum):
    month = "month"
    material = "material"
    direction = "direction"
    mode = "mode"


def _print_issues(records: RecordSet, t: Translator) -> None:
    shown = [issue for issue in records.issues if issue.severity in ("error", "warning")]
    for issue in shown[:MAX_ISSUE_LINES]:
        print(issue.format(), file=sys.stderr)
    if len(shown) > MAX_ISSUE_LINES:
        print(t("... {n} more: see rejected_rows.csv and warnings.csv", n=len(shown) - MAX_ISSUE_LINES), file=sys.stderr)


def _print_table(summary: dict, out_dir: Path, lang: str = "en") -> None:
    from rich.console import Console
    from rich.table import Table

    from freight_sim.report.i18n import Translator

    t = Translator(lang)
    console = Console()
    ratio = summary["clean_transport_ratio"]
    title = t("Clean-transport ratio, profile {profile}, by {by}", profile=summary["rule_profile"], by=t.value(summary["breakdown_by"]))
    table = Table(title=title)
    columns: tuple[tuple[str, JustifyMethod], ...] = (("key", "left"), ("tonnes", "right"), ("clean t", "right"), ("ratio", "right"))
    for name, justify in columns:
        table.add_column(t(name), justify=justify)
    for row in summary["breakdown"]:
        table.add_row(str(row["key"]), f"{row['tonnes']:,.1f}", f"{row['clean_tonnes']:,.1f}", f"{row['ratio']:.1%}")
    if ratio is not None:
        table.add_row(t("overall"), f"{summary['tonnes_total']:,.1f}", f"{summary['tonnes_clean']:,.1f}", f"{ratio:.1%}", style="bold")
    console.print(table)
    console.print(
        t("rows read {read}, rejected {rejected}, warnings {warnings}", read=summary["rows_read"], rejected=summary["rows_rejected"],
          warnings=summary["warnings"])
    )  # fmt: skip
    if ratio is not None:
        verdict = f"[green]{t('compliant')}[/green]" if summary["compliant"] else f"[red]{t('not compliant')}[/red]"
        console.print(t("target {target}: {verdict}", target=f"{summary['target']:.0%}", verdict=verdict))
        what_if = summary["what_if"]
        if what_if and what_if["tonnes_to_shift"] > 0:
            text = t("to reach {target}: shift {tonnes} t from non-clean road to rail or new-energy trucks",
                     target=f"{what_if['target']:.0%}", tonnes=f"{what_if['tonnes_to_shift']:,.1f}")  # fmt: skip
            if what_if["truck_trips_to_shift"] is not None:
                text += t(" (~{trips} truck trips at {per_trip} t/trip", trips=f"{what_if['truck_trips_to_shift']:,}",
                          per_trip=f"{what_if['tonnes_per_truck_trip']:.1f}")  # fmt: skip
                if what_if["trucks_to_replace"] is not None:
                    text += t("; ~{trucks} trucks to replace at {per_truck} trips per truck", trucks=f"{what_if['trucks_to_replace']:,}",
                              per_truck=f"{what_if['trips_per_truck']:.1f}")  # fmt: skip
                text += t(")")
            console.print(text)
    console.print(t("outputs in {folder}", folder=out_dir))


def _parse_lonlat(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        lon, lat = (float(part) for part in text.split(","))
    except ValueError:
        raise typer.BadParameter(f"{text!r}: give LON,LAT in degrees, e.g. 113.1,36.2", param_hint="--lonlat") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise typer.BadParameter(f"{text!r}: longitude or latitude out of range", param_hint="--lonlat")
    return lon, lat


def register(app: typer.Typer) -> None:
    """Add the `ratio` command to app."""

    @app.command()
    def ratio(
        records: list[Path] = typer.Argument(..., help="record files: CSV (UTF-8, GBK/GB18030, Big5, Shift-JIS, cp1252) or Excel"),
        out: Path = typer.Option(
            ...,
            "--out",
            help="folder for report.html, ratio.xlsx, ratio.csv, rejected_rows.csv, warnings.csv, summary.json, scenario_snippet.yaml",
        ),
        profile: str = typer.Option("nev-counts", "--profile", help="clean-transport rule profile"),
        by: BreakdownOption = typer.Option(BreakdownOption.month, "--by", help="breakdown of the ratio"),
        sheet: str | None = typer.Option(None, "--sheet", help="read only this Excel sheet (default: all visible sheets)"),
        encoding: str | None = typer.Option(None, "--encoding", help="encoding of CSV files (default: chosen by evidence)"),
        target: float = typer.Option(0.8, "--target", min=0.0, max=1.0, help="clean-transport target ratio"),
        as_json: bool = typer.Option(False, "--json", help="print summary.json instead of the table"),
        enterprise_id: str | None = typer.Option(None, "--enterprise-id", help="enterprise id in the scenario snippet"),
        enterprise_kind: str | None = typer.Option(
            None, "--kind", help="enterprise kind in the scenario snippet (mine, coking, steel, ...)"
        ),
        overwrite: bool = typer.Option(False, "--overwrite", help="write into a folder that holds files freight-sim did not write"),
        lang: LanguageOption = typer.Option(LanguageOption.en, "--lang", help="language of report.html, ratio.xlsx and the terminal table"),
        haul_km: float | None = typer.Option(
            None, "--haul-km", min=0.1, max=5000, help="one-way haul for pricing the what-if options, km (default: an estimate)"
        ),
        drayage_km: float | None = typer.Option(
            None, "--drayage-km", min=0.1, max=500, help="gate to public station for the rail option, km (default: an estimate)"
        ),
        no_report: bool = typer.Option(False, "--no-report", help="do not write report.html and ratio.xlsx"),
        scenario: bool = typer.Option(
            False, "--scenario", help="also write scenario.yaml (runs as is) and counterpart_map.csv, fitted to the records"
        ),
        node: str | None = typer.Option(None, "--node", help="with --scenario: network node of the plant gate"),
        lonlat: str | None = typer.Option(
            None, "--lonlat", help="with --scenario: plant position LON,LAT (nearest plant or junction node)"
        ),
        counterpart_map: Path | None = typer.Option(
            None, "--counterpart-map", help="with --scenario: an edited counterpart_map.csv (counterpart -> node)"
        ),
    ) -> None:
        """Clean-transport ratio from weighbridge / gate records, as an auditor computes it.

        Exit codes: 0 ratio computed from every row; 4 ratio computed but rows were rejected
        (rejected_rows.csv lists them); 1 refused, nothing computed (unreadable file, unknown profile,
        no accepted row); 2 usage error."""
        from freight_sim.config.scenario import EnterpriseKind
        from freight_sim.outdir import write_result_folder
        from freight_sim.policy.profiles import get_profile
        from freight_sim.records import audit, derive_snippet, load_aliases, read_records
        from freight_sim.records.outputs import build_summary, write_outputs
        from freight_sim.report.i18n import Translator

        kinds = [kind.value for kind in EnterpriseKind]
        if enterprise_kind is not None and enterprise_kind not in kinds:
            raise typer.BadParameter(f"{enterprise_kind!r} is not one of {', '.join(kinds)}", param_hint="--kind")
        position = _parse_lonlat(lonlat)
        t = Translator(lang.value)
        with user_errors():
            rule = get_profile(profile)
            aliases = load_aliases()
            records_read = read_records(records, sheet=sheet, aliases=aliases, encoding=encoding)
            result = audit(records_read.frame, rule, target, by.value)
            try:
                snippet = derive_snippet(records_read.frame, aliases, enterprise_id, kind=enterprise_kind)
                note = "scenario_snippet.yaml"
            except ValueError as exc:
                snippet, note = None, f"not written: {exc}"
            summary = build_summary(records_read, result, note)

            def write(folder: Path) -> list[Path]:
                written: list[Path] = []
                if scenario:
                    from freight_sim.records.scenario_output import ScenarioRequest, write_scenario

                    request = ScenarioRequest(
                        enterprise_id=enterprise_id or "ENTERPRISE_FROM_RECORDS", node=node, lonlat=position, kind=enterprise_kind,
                        counterpart_map=counterpart_map, rule_profile=rule.name, target=target,
                    )  # fmt: skip
                    summary["scenario"] = write_scenario(folder, records_read.frame, rule, aliases, request)
                    written += [folder / name for name in ("scenario.yaml", "counterpart_map.csv") if (folder / name).is_file()]
                    if not summary["scenario"]["written"]:
                        reason = summary["scenario"]["reason"]
                        print(t("warning: scenario.yaml not written: {reason}", reason=reason), file=sys.stderr)
                written += write_outputs(folder, records_read, result, summary, snippet)
                if not no_report and result.ratio is not None:
                    from freight_sim.records import clean_mask
                    from freight_sim.records.report_tables import Distances, report_tables
                    from freight_sim.report.ratio_report import write_report

                    tables = report_tables(
                        records_read, clean_mask(records_read.frame, rule), summary, Distances(haul_km=haul_km, drayage_km=drayage_km)
                    )
                    written += write_report(folder, tables, lang.value)
                return written

            planned = [
                *OUTPUT_NAMES,
                *(["report.html", "ratio.xlsx"] if not no_report else []),
                *(["scenario.yaml", "counterpart_map.csv"] if scenario else []),
            ]
            write_result_folder(out, kind="ratio", planned=planned, overwrite=overwrite, write=write)
        _print_issues(records_read, t)
        if as_json:
            typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            _print_table(summary, out, lang.value)
        if result.ratio is None:
            print(t("error: no accepted rows: cannot compute a ratio (see rejected_rows.csv)"), file=sys.stderr)
            raise typer.Exit(EXIT_REFUSED)
        if records_read.rows_rejected:
            message = "{n} row(s) rejected: the ratio leaves them out (see rejected_rows.csv); exit code {code}"
            print(t(message, n=records_read.rows_rejected, code=EXIT_WITH_REJECTED_ROWS), file=sys.stderr)
            raise typer.Exit(EXIT_WITH_REJECTED_ROWS)
