"""The bundled data is found when the package is installed outside the checkout (from a wheel)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytest.importorskip("hatchling", reason="building the wheel needs hatchling (in the dev extra)")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    wheels = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(REPO)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    wheel = next(wheels.glob("freight_sim-*.whl"))
    target = tmp_path_factory.mktemp("site")
    zipfile.ZipFile(wheel).extractall(target)
    return target


def _run(target: Path, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=target, capture_output=True, text=True, env={"PYTHONPATH": str(target), "PATH": ""}
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_installed_package_reads_its_bundled_data(installed):
    out = _run(
        installed,
        "import freight_sim.paths as p, freight_sim.config as c;"
        "print(p.data_root());"
        "print(len(c.load_scenario(p.default_scenario_path()).model.enterprises));"
        "print(sorted(x.name for x in p.experiments_dir().glob('*.yaml'))[0])",
    )
    root, enterprises, first_experiment = out.splitlines()
    assert Path(root) == installed / "freight_sim" / "_data"
    assert enterprises == "40"
    assert first_experiment == "changzhi-baseline.yaml"


def test_installed_package_finds_fleet_files_and_profiles(installed):
    out = _run(
        installed,
        "from freight_sim.fleet import load_catalog; from freight_sim.policy import get_profile;"
        "print(load_catalog().vehicle('bev-swap').payload_t, get_profile('strict-2019').name)",
    )
    assert out.split()[1] == "strict-2019"
