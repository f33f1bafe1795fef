"""SQLite state of the emulator: schema, the connection, one transaction per change.

Every change runs inside `Store.write()` (BEGIN IMMEDIATE … COMMIT, WAL mode), so a crash
leaves the old or the new state. No request handling here.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reconciler.emulator.limits import DEFAULT_CREDITS, DEFAULT_KEY, DEFAULT_ORG, DEFAULT_USER

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orgs (org_id TEXT PRIMARY KEY, balance INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  api_key TEXT PRIMARY KEY, org_id TEXT NOT NULL, user_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members (
  user_id TEXT NOT NULL, org_id TEXT NOT NULL, PRIMARY KEY (user_id, org_id));
CREATE TABLE IF NOT EXISTS folders (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, folder_id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL, parent_id TEXT NOT NULL, name TEXT NOT NULL,
  created_by TEXT NOT NULL, created_at REAL NOT NULL, UNIQUE (org_id, parent_id, name));
CREATE TABLE IF NOT EXISTS files (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, file_id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL, folder_id TEXT NOT NULL, name TEXT NOT NULL, mime TEXT NOT NULL,
  status TEXT NOT NULL, size INTEGER NOT NULL, duration REAL, sha256 TEXT,
  sig TEXT NOT NULL, created_by TEXT NOT NULL, created_at REAL NOT NULL,
  updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS files_by_folder ON files (org_id, folder_id, seq);
CREATE TABLE IF NOT EXISTS clones (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, clone_id TEXT NOT NULL UNIQUE,
  alias TEXT NOT NULL, org_id TEXT NOT NULL, user_id TEXT NOT NULL, engine TEXT NOT NULL,
  status TEXT NOT NULL, file_ids TEXT NOT NULL, consent_id TEXT,
  files_used TEXT NOT NULL, discarded TEXT NOT NULL, metadata TEXT NOT NULL,
  started_at REAL NOT NULL, finished_at REAL, provider_id TEXT NOT NULL,
  fail_reason TEXT, cost INTEGER NOT NULL, phase_started_at REAL NOT NULL, due_at REAL);
CREATE INDEX IF NOT EXISTS clones_by_alias ON clones (alias, seq);
CREATE INDEX IF NOT EXISTS clones_by_owner ON clones (user_id, org_id, seq);
CREATE INDEX IF NOT EXISTS clones_due ON clones (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS clones_running ON clones (org_id) WHERE finished_at IS NULL;
"""
TABLES = ("orgs", "api_keys", "members", "folders", "files", "clones")


class Store:
    """One SQLite connection shared by all threads behind a lock.

    The lock serialises this process; BEGIN IMMEDIATE and the busy timeout serialise
    several processes on one file (two voicectl runs sharing .voicectl/).
    """

    def __init__(self, db: str | os.PathLike[str]) -> None:
        path = os.fspath(db)
        self.in_memory = path == ":memory:"
        if not self.in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        if not self.in_memory:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed change survives power loss too, like the fsynced blobs
            self._conn.execute("PRAGMA synchronous=FULL")
        with self.write() as conn:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
            )

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: everything inside commits together or not at all."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def trace(self, callback: Callable[[str], object] | None) -> None:
        """Report every SQL statement run (tests check transaction boundaries with it)."""
        with self._lock:
            self._conn.set_trace_callback(callback)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def seed_defaults(conn: sqlite3.Connection, credits: int = DEFAULT_CREDITS) -> None:
    """The seed state: key `emulator` for user-default in org-default (api-contract.md E11)."""
    conn.execute(
        "INSERT OR IGNORE INTO orgs (org_id, balance) VALUES (?, ?)", (DEFAULT_ORG, credits)
    )
    register_key(conn, DEFAULT_KEY, DEFAULT_ORG, DEFAULT_USER)


def register_key(conn: sqlite3.Connection, key: str, org: str, user: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO orgs (org_id, balance) VALUES (?, ?)", (org, DEFAULT_CREDITS)
    )
    conn.execute(
        "INSERT OR REPLACE INTO api_keys (api_key, org_id, user_id) VALUES (?, ?, ?)",
        (key, org, user),
    )
    conn.execute("INSERT OR IGNORE INTO members (user_id, org_id) VALUES (?, ?)", (user, org))


def wipe(conn: sqlite3.Connection) -> None:
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - table names are constants


def read_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def write_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
