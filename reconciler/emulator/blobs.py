"""Content-addressed storage of uploaded bytes: a `blobs` table in the emulator's SQLite.

A blob is inserted in the same transaction as the file row that names it, so a committed
row always has its bytes and a killed process leaves neither (reliability.md §1.9). One
commit per upload replaces a temporary file, two fsyncs and a rename per blob: the store's
durability (WAL, synchronous=NORMAL) is the blob's. State written before schema 3
kept blobs as files under `blobs/` beside the database; `get` still reads those.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from reconciler.emulator.store import Store

HEX = frozenset("0123456789abcdef")


def digest_of(data: bytes) -> str:
    """The sha256 hex digest a blob is stored under (computed outside the store lock)."""
    return hashlib.sha256(data).hexdigest()


def put_blob(conn: sqlite3.Connection, digest: str, data: bytes) -> None:
    """Store `data` under `digest` inside the caller's write transaction (idempotent)."""
    conn.execute("INSERT OR IGNORE INTO blobs (sha256, data) VALUES (?, ?)", (digest, data))


class BlobStore:
    """Reads blobs back: the table first, then the legacy directory of older state."""

    def __init__(self, store: Store, legacy_dir: Path | None = None) -> None:
        self.store = store
        self.legacy_dir = legacy_dir

    def get(self, digest: str) -> bytes | None:
        with self.store.read() as conn:
            row = conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (digest,)).fetchone()
        if row is not None:
            return bytes(row[0])
        if self.legacy_dir is None or len(digest) != 64 or not set(digest) <= HEX:
            return None
        try:
            return (self.legacy_dir / digest[:2] / digest).read_bytes()
        except OSError:
            return None
