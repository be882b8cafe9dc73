"""Output folders: the lock, the refusal of folders holding other files, manifests with hashes, cleanup."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.manifest import FINISHED, file_problems, read_manifest, write_manifest
from freight_sim.outdir import LOCK_NAME, OutputFolderError, claim_out_dir
from freight_sim.provenance import Provenance

VALID = Path(__file__).resolve().parents[1] / "data" / "broken" / "valid.yaml"
PROVENANCE = Provenance("test", None)


def _tool_result(folder: Path, names: list[str], kind: str = "run") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name)
    write_manifest(folder, kind=kind, status=FINISHED, files=names, provenance=PROVENANCE)


def test_a_new_folder_is_created_and_left_without_a_lock_file(tmp_path):
    with claim_out_dir(tmp_path / "new", kind="run") as folder:
        assert (folder / LOCK_NAME).exists()
        (folder / "a.txt").write_text("x")
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["a.txt"]


def test_a_second_claim_fails_at_once_while_the_first_holds_the_folder(tmp_path):
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with claim_out_dir(tmp_path / "out", kind="batch"):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    assert held.wait(10)
    try:
        with (
            pytest.raises(OutputFolderError, match="another freight-sim command is writing into this folder"),
            claim_out_dir(tmp_path / "out", kind="batch"),
        ):
            pass
    finally:
        release.set()
        thread.join()


def test_user_files_are_refused_without_overwrite_and_kept_with_it(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.json").write_text("my own")
    (out / "notes.txt").write_text("keep me")
    refused = pytest.raises(OutputFolderError, match=r"files freight-sim did not write \(notes.txt, summary.json\).*--overwrite")
    with refused, claim_out_dir(out, kind="run"):
        pass
    assert (out / "summary.json").read_text() == "my own"
    with claim_out_dir(out, kind="run", overwrite=True):
        pass
    assert (out / "notes.txt").read_text() == "keep me" and (out / "summary.json").read_text() == "my own"


def test_only_listed_files_and_temp_files_are_removed(tmp_path):
    out = tmp_path / "out"
    _tool_result(out, ["summary.json", "legs.parquet", "sub/t.parquet"])
    (out / ".legs.parquet.abc123.tmp").write_text("half")
    with claim_out_dir(out, kind="run"):
        assert sorted(p.name for p in out.rglob("*") if p.name != LOCK_NAME) == []
    _tool_result(out, ["summary.json"])
    (out / "theirs.txt").write_text("x")
    with claim_out_dir(out, kind="run", overwrite=True):
        assert sorted(p.name for p in out.iterdir() if p.name != LOCK_NAME) == ["theirs.txt"]


def test_a_folder_of_another_command_is_refused(tmp_path):
    _tool_result(tmp_path / "b", ["batch.json"], kind="batch")
    with pytest.raises(OutputFolderError, match="result of a 'batch' command"), claim_out_dir(tmp_path / "b", kind="run"):
        pass


def test_out_naming_a_file_is_a_one_line_error(tmp_path):
    target = tmp_path / "afile"
    target.write_text("x")
    result = CliRunner().invoke(app, ["run", str(VALID), "--out", str(target)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {target}: --out: names an existing file, not a folder; give a folder path"
    assert target.read_text() == "x"


def test_file_problems_name_missing_changed_and_unfinished_files(tmp_path):
    _tool_result(tmp_path, ["a.txt", "b.txt", "c.txt"])
    (tmp_path / "a.txt").write_text("changed")
    (tmp_path / "b.txt").unlink()
    manifest = read_manifest(tmp_path)
    assert file_problems(tmp_path, manifest) == ["a.txt: changed since it was written", "b.txt: missing"]
    manifest["files"]["c.txt"] = None
    assert "c.txt: not finished" in file_problems(tmp_path, manifest)


@pytest.fixture(scope="module")
def used_folder(tmp_path_factory):
    """A folder a 3-day run with legs and report wrote; the user then adds a file of their own."""
    out = tmp_path_factory.mktemp("used") / "out"
    args = ["run", str(VALID), "--out", str(out), "--set", "simulation.days=3", "--set", "simulation.warmup_days=0"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def test_run_manifest_lists_every_file_with_its_hash(used_folder):
    manifest = json.loads((used_folder / "manifest.json").read_text())
    written = sorted(p.name for p in used_folder.iterdir() if p.name != "manifest.json")
    assert sorted(manifest["files"]) == written and manifest["kind"] == "run" and manifest["status"] == FINISHED
    assert not file_problems(used_folder, manifest)
    assert manifest["package_version"] and "git_commit" in manifest


def test_rerunning_into_a_used_folder_leaves_no_stale_file_and_refuses_user_files(used_folder):
    args = ["run", str(VALID), "--out", str(used_folder), "--set", "simulation.days=2", "--set", "simulation.warmup_days=0"]
    result = CliRunner().invoke(app, [*args, "--no-legs", "--no-report"])
    assert result.exit_code == 0, result.output
    assert not (used_folder / "legs.parquet").exists() and not (used_folder / "report.html").exists()
    assert json.loads((used_folder / "summary.json").read_text())["simulated_days"] == 2
    (used_folder / "my-notes.txt").write_text("mine")
    refused = CliRunner().invoke(app, [*args, "--no-legs", "--no-report"])
    assert refused.exit_code == 1 and "my-notes.txt" in refused.stderr and "--overwrite" in refused.stderr
    assert (used_folder / "my-notes.txt").read_text() == "mine"
