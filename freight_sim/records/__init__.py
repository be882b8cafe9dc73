"""Enterprise shipment records (weighbridge / gate-control exports): reading, validation, ratio audit.

Typical use::

    records = read_records(["磅单2025.csv"])
    result = audit(records.frame, get_profile("nev-counts"), target=0.8, by="month")
"""

from freight_sim.records.aliases import AliasTable, load_aliases
from freight_sim.records.audit import AuditResult, audit, clean_mask, ratio_table
from freight_sim.records.issues import RecordIssue, SourceRef
from freight_sim.records.reader import RecordSet, read_records
from freight_sim.records.scenario_snippet import ScenarioSnippet, derive_snippet

__all__ = [
    "AliasTable",
    "AuditResult",
    "RecordIssue",
    "RecordSet",
    "ScenarioSnippet",
    "SourceRef",
    "audit",
    "clean_mask",
    "derive_snippet",
    "load_aliases",
    "ratio_table",
    "read_records",
]
