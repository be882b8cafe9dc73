"""The province-level figures a synthetic province is generated from (``shanxi_figures.yaml``).

Every number carries its unit and source in the file; ``load_figures`` checks units and plausible ranges
and gives FILE:LINE errors like every other data file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import Field

from freight_sim.datafile import DataFile, Strict, Unit, load_data_file

FIGURES_PATH = Path(__file__).resolve().parent / "shanxi_figures.yaml"
ShipperKindName = Literal["mine", "power", "coking", "steel", "chemical", "cement", "logistics_park"]
KINDS: tuple[ShipperKindName, ...] = get_args(ShipperKindName)  # in this order (the generator draws kind by kind)


class City(Strict):
    code: str = Field(pattern=r"^[A-Z]{2,4}$", description="prefix of the generated node ids")
    name: str
    name_zh: str
    lon: float = Field(ge=100, le=125)
    lat: float = Field(ge=30, le=45)
    coal_share: float = Field(ge=0, le=1, description="share of the province's raw coal output mined in the city (estimate)")
    gateways: dict[str, float] = Field(min_length=1, description="gateway -> share of the city's coal leaving the province")


class Gateway(Strict):
    name: str
    name_zh: str
    lon: float = Field(ge=100, le=125)
    lat: float = Field(ge=30, le=45)


class Railway(Strict):
    line: str
    stops: list[str] = Field(min_length=2)
    rail_class: Literal["heavy_haul", "double_track", "conventional", "connector"]
    paths_per_day: float = Field(gt=0, le=500)
    source: str = Field(min_length=3)


class ProvinceTotals(Strict):
    raw_coal_output_t_per_year: Annotated[float, Unit("t/yr", 1e8, 5e9)]
    modelled_shippers: Annotated[int, Unit("1", 10, 5000)]


class ShipperKind(Strict):
    count: int = Field(ge=1, le=2000)
    weight_by: Literal["coal", "even"]
    source: str = Field(min_length=3)


class Tonnages(Strict):
    mine_output_modelled_share: Annotated[float, Unit("1", 0.05, 1.0)]
    mine_out_of_province_share: Annotated[float, Unit("1", 0.0, 1.0)]
    power_coal_t_per_year: Annotated[float, Unit("t/yr", 1e6, 1e9)]
    coke_output_t_per_year: Annotated[float, Unit("t/yr", 1e6, 1e9)]
    coking_coal_per_coke: Annotated[float, Unit("t/t", 1.0, 2.0)]
    coke_to_steel_share: Annotated[float, Unit("1", 0.0, 1.0)]
    crude_steel_t_per_year: Annotated[float, Unit("t/yr", 1e6, 1e9)]
    iron_ore_per_steel: Annotated[float, Unit("t/t", 0.5, 3.0)]
    chemical_coal_t_per_year: Annotated[float, Unit("t/yr", 1e5, 1e9)]
    chemical_products_share: Annotated[float, Unit("t/t", 0.05, 1.0)]
    cement_t_per_year: Annotated[float, Unit("t/yr", 1e5, 1e9)]
    limestone_per_cement: Annotated[float, Unit("t/t", 0.5, 2.0)]
    logistics_throughput_t_per_year: Annotated[float, Unit("t/yr", 1e5, 1e9)]


class SidingFigures(Strict):
    existing_share_of_large_mines: Annotated[float, Unit("1", 0.0, 1.0)]
    large_mine_t_per_year: Annotated[float, Unit("t/yr", 1e5, 1e8)]
    existing_share_of_power_steel: Annotated[float, Unit("1", 0.0, 1.0)]
    capex_million_cny_per_km: Annotated[float, Unit("M CNY/km", 1, 1000)]
    terminal_million_cny: Annotated[float, Unit("M CNY", 0, 5000)]
    heavy_haul_train_load_t: Annotated[float, Unit("t", 1000, 30000)]
    train_load_t: Annotated[float, Unit("t", 500, 30000)]


class ProvinceFigures(DataFile):
    """The whole figures file."""

    province: ProvinceTotals
    cities: dict[str, City] = Field(min_length=1)
    gateways: dict[str, Gateway] = Field(min_length=1)
    railways: list[Railway] = Field(min_length=1)
    expressways: list[tuple[str, str]] = Field(min_length=1)
    expressway_gateways: dict[str, str]
    shippers: dict[ShipperKindName, ShipperKind]
    tonnages: Tonnages
    sidings: SidingFigures


def load_figures(path: Path | None = None) -> ProvinceFigures:
    """Read and check a figures file (the bundled Shanxi one unless ``path`` is given)."""
    figures, _ = load_data_file(ProvinceFigures, Path(path) if path is not None else FIGURES_PATH)
    return figures
