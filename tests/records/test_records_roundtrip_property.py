"""Property: a table written as CSV in any supported encoding, or as xlsx, reads back to the same tonnes and
ratio as computed by hand from the rows drawn."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from record_generators import ASCII_HEADER, BIG5_HEADER, write_csv, write_xlsx

from freight_sim.policy.profiles import get_profile
from freight_sim.records import audit, read_records

SIMPLIFIED_HEADER = ["日期", "车牌号", "燃料类型", "排放标准", "净重(吨)", "物料", "进出厂", "运输方式", "收货单位", "磅单号"]
# per family: header, mode labels, fuel labels (label, canonical), counterparts, material, direction labels
FAMILIES = {
    "simplified": (
        SIMPLIFIED_HEADER,
        {"road": "公路", "rail": "铁路", "conveyor": "皮带"},
        [("柴油", "diesel"), ("纯电", "bev"), ("氢燃料", "fcev"), ("天然气", "lng")],
        ["邯郸钢铁", "潞安化工", "长治市某物流有限公司", "山西焦煤集团"],
        ["焦炭", "原煤", "精煤"],
        ["进厂", "出厂"],
    ),
    "traditional": (
        BIG5_HEADER,
        {"road": "公路", "rail": "鐵路", "conveyor": "皮帶"},
        [("柴油", "diesel"), ("純電", "bev")],
        ["臺灣鋼鐵公司", "礦業集團", "長治物流"],
        ["焦炭", "原煤"],
        ["進廠", "出廠"],
    ),
    "japanese": (
        ASCII_HEADER,
        {"road": "road", "rail": "rail", "conveyor": "conveyor"},
        [("diesel", "diesel"), ("bev", "bev")],
        ["株式会社東京製鉄", "日本製鉄株式会社", "三井物産株式会社"],
        ["coke", "coal"],
        ["in", "out"],
    ),
    "latin": (
        ASCII_HEADER,
        {"road": "road", "rail": "rail", "conveyor": "conveyor"},
        [("diesel", "diesel"), ("bev", "bev")],
        ["Société Générale Acier", "Müller Stahl GmbH", "Fundição Ibérica"],
        ["coke", "coal"],
        ["in", "out"],
    ),
}
ENCODINGS = {
    "utf-8": "simplified",
    "utf-8-sig": "simplified",
    "gbk": "simplified",
    "gb18030": "simplified",
    "big5": "traditional",
    "shift_jis": "japanese",
    "cp1252": "latin",
    "xlsx": "simplified",
}
NEV = {"bev", "fcev"}


@st.composite
def tables(draw):
    target = draw(st.sampled_from(sorted(ENCODINGS)))
    header, modes, fuels, counterparts, materials, directions = FAMILIES[ENCODINGS[target]]
    n = draw(st.integers(1, 25))
    rows, total, clean = [], 0.0, 0.0
    for i in range(n):
        mode = draw(st.sampled_from(sorted(modes)))
        tenths = draw(st.integers(10, 480)) if mode == "road" else draw(st.integers(100, 50_000))
        tonnes = tenths / 10
        fuel_label, fuel = draw(st.sampled_from(fuels)) if mode == "road" else ("", "")
        day = draw(st.integers(0, 364))
        minute = draw(st.integers(0, 24 * 60 - 1))
        month, dom = divmod(day, 28)
        date = f"2025-{month % 12 + 1:02d}-{dom + 1:02d} {minute // 60:02d}:{minute % 60:02d}"
        row = [date, f"D{i:05d}" if mode == "road" else "", fuel_label, "", f"{tonnes:.1f}",
               draw(st.sampled_from(materials)), draw(st.sampled_from(directions)), modes[mode],
               draw(st.sampled_from(counterparts)), f"T{i:05d}"]  # fmt: skip
        total += tonnes
        clean += tonnes if mode != "road" or fuel in NEV else 0.0
        rows.append(row)
    return target, header, rows, total, clean


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_any_supported_encoding_or_xlsx_reads_back_the_same_tonnes_and_ratio(table):
    target, header, rows, total, clean = table
    with tempfile.TemporaryDirectory() as folder:
        if target == "xlsx":
            path = write_xlsx(Path(folder) / "r.xlsx", {"过磅记录": [header, *rows]})
        else:
            path = write_csv(Path(folder) / "r.csv", [header, *rows], target)
        records = read_records([path])
    assert records.errors() == [] and records.rows_duplicate == 0
    result = audit(records.frame, get_profile("nev-counts"), 0.8)
    assert math.isclose(result.tonnes_total, total, rel_tol=1e-12)
    assert math.isclose(result.tonnes_clean, clean, rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(result.ratio, clean / total, rel_tol=1e-12, abs_tol=1e-12)
    if target != "xlsx":
        expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}.get(target, target)
        assert records.tables[0].encoding == expected
