"""Results computed for one view, kept for everyone who asks for the same view of the same data.

In a coordination meeting twenty people open the same map with the same filters: the first request
computes, the others read. Keys hold the dataset version, so an import makes every old entry unreachable
(they expire on their own), and the version of the code, so an upgrade never serves a page the previous
code computed. With a folder, the cache is shared by all the server's worker processes
(``cachelib``'s file-system cache); without one it lives in the process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from functools import cache

from cachelib import FileSystemCache, SimpleCache

T = TypeVar("T")
#: seconds an entry is kept; a new import changes the keys anyway
ENTRY_LIFETIME = 6 * 3600
MAX_ENTRIES = 2_000


_PACKAGE = Path(__file__).resolve().parent


@cache
def code_version() -> str:
    """A digest of the package's code and catalogues: what computes and words the cached results."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ResultCache:
    def __init__(self, folder: Path | None = None, namespace: str = ""):
        """``namespace`` names the database, so installations sharing a folder never share entries; the
        code's version is added to it."""
        self.namespace = f"{namespace}@{code_version()}"
        self.backend = (FileSystemCache(str(folder), threshold=MAX_ENTRIES, default_timeout=ENTRY_LIFETIME)
                        if folder else SimpleCache(threshold=MAX_ENTRIES, default_timeout=ENTRY_LIFETIME))

    def get_or_compute(self, key: tuple, compute: Callable[[], T]) -> T:
        digest = hashlib.sha256(repr((self.namespace, *key)).encode()).hexdigest()
        value = self.backend.get(digest)
        if value is None:
            value = compute()
            self.backend.set(digest, value)
        return value
