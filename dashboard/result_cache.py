"""Results computed for one view, kept for everyone who asks for the same view of the same data.

In a coordination meeting twenty people open the same map with the same filters: the first request
computes, the others read. Keys hold the dataset version, so an import makes every old entry unreachable
(they expire on their own). With a folder, the cache is shared by all the server's worker processes
(``cachelib``'s file-system cache); without one it lives in the process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from cachelib import FileSystemCache, SimpleCache

T = TypeVar("T")
#: seconds an entry is kept; a new import changes the keys anyway
ENTRY_LIFETIME = 6 * 3600
MAX_ENTRIES = 2_000


class ResultCache:
    def __init__(self, folder: Path | None = None, namespace: str = ""):
        """``namespace`` names the database, so installations sharing a folder never share entries."""
        self.namespace = namespace
        self.backend = (FileSystemCache(str(folder), threshold=MAX_ENTRIES, default_timeout=ENTRY_LIFETIME)
                        if folder else SimpleCache(threshold=MAX_ENTRIES, default_timeout=ENTRY_LIFETIME))

    def get_or_compute(self, key: tuple, compute: Callable[[], T]) -> T:
        digest = hashlib.sha256(repr((self.namespace, *key)).encode()).hexdigest()
        value = self.backend.get(digest)
        if value is None:
            value = compute()
            self.backend.set(digest, value)
        return value
