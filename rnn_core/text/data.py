"""Where the treebank lives: a folder given by argument or RNN_LENS_DATA, else a verified download.

The official archive (trainDevTestTrees_PTB.zip) is fetched once, its three
files checked against known sha256 sums, and kept in a cache folder.
"""

from __future__ import annotations

import hashlib
import io
import os
import urllib.request
import zipfile
from pathlib import Path

OFFICIAL_URL = "https://nlp.stanford.edu/sentiment/trainDevTestTrees_PTB.zip"
SHA256 = {
    "train.txt": "e2f3f41b0b1e6d4dddc0effe3bfc2d27ed8928079aa9a03d652311614fc5feb7",
    "dev.txt": "0e9336aed6e4730e19f58d00a77b3f0297efdb755f7b5e598c98a05e3f97ea40",
    "test.txt": "6e54806dee95cf80cd918e7dfb3f6770f6df24bf826f289a4d1f709e1c8f6761",
}
ENV_DATA = "RNN_LENS_DATA"  # a folder holding train.txt, dev.txt, test.txt
ENV_URL = "RNN_LENS_SST_URL"  # another address for the archive (a mirror, or a test server)
ENV_CACHE = "RNN_LENS_CACHE"  # where a downloaded copy is kept
HOW_TO_POINT = (
    f"Point RNN Lens at a folder holding train.txt, dev.txt and test.txt of the treebank "
    f"with --data-dir DIR or the environment variable {ENV_DATA}=DIR."
)


class DataUnavailable(RuntimeError):
    """The treebank could not be found or fetched; the message says how to provide it."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cache_dir() -> Path:
    return Path(os.environ.get(ENV_CACHE) or Path.home() / ".cache" / "rnn-lens") / "sst"


def _has_files(folder: Path) -> bool:
    return all((folder / name).is_file() for name in SHA256)


def _verified(folder: Path) -> bool:
    return _has_files(folder) and all(sha256_of((folder / n).read_bytes()) == h for n, h in SHA256.items())


def extract_archive(archive: bytes, dest: Path) -> Path:
    """Check the archive's three split files against SHA256 and write them to dest."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            by_name = {Path(n).name: n for n in zf.namelist() if Path(n).name in SHA256}
            missing = set(SHA256) - set(by_name)
            if missing:
                raise DataUnavailable(f"the archive lacks {', '.join(sorted(missing))}. {HOW_TO_POINT}")
            files = {name: zf.read(by_name[name]) for name in SHA256}
    except zipfile.BadZipFile:
        raise DataUnavailable(f"the downloaded file is not a zip archive. {HOW_TO_POINT}") from None
    for name, data in files.items():
        if sha256_of(data) != SHA256[name]:
            raise DataUnavailable(f"{name} in the archive does not match its published sha256. {HOW_TO_POINT}")
    dest.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (dest / name).write_bytes(data)
    return dest


def download(url: str | None = None, dest: Path | None = None, timeout: float = 60.0) -> Path:
    """Fetch the official archive, verify it and cache its three files; returns the folder."""
    url = url or os.environ.get(ENV_URL) or OFFICIAL_URL
    dest = dest or cache_dir()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (fixed https or user-set URL)
            archive = response.read()
    except OSError as err:
        raise DataUnavailable(f"could not download the treebank from {url} ({err}). {HOW_TO_POINT}") from None
    return extract_archive(archive, dest)


def find_data_dir(data_dir: str | Path | None = None, allow_download: bool = True) -> Path:
    """The treebank folder: the argument, else $RNN_LENS_DATA, else the cache, else a download."""
    given = data_dir or os.environ.get(ENV_DATA)
    if given:
        folder = Path(given)
        if not _has_files(folder):
            raise DataUnavailable(f"{folder} does not hold train.txt, dev.txt and test.txt. {HOW_TO_POINT}")
        return folder
    if _verified(cache_dir()):
        return cache_dir()
    if not allow_download:
        raise DataUnavailable(f"no treebank folder given and none cached. {HOW_TO_POINT}")
    return download()
