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

SCHEMA_VERSION = "3"
TABLES_SQL = """
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
CREATE TABLE IF NOT EXISTS folder_sizes (
  org_id TEXT NOT NULL, folder_id TEXT NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (org_id, folder_id));
CREATE TABLE IF NOT EXISTS files (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, file_id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL, folder_id TEXT NOT NULL, name TEXT NOT NULL, mime TEXT NOT NULL,
  status TEXT NOT NULL, size INTEGER NOT NULL, duration REAL, sha256 TEXT,
  sig TEXT NOT NULL, created_by TEXT NOT NULL, created_at REAL NOT NULL,
  updated_at REAL NOT NULL, pos INTEGER, sound TEXT);
CREATE TABLE IF NOT EXISTS clones (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, clone_id TEXT NOT NULL UNIQUE,
  alias TEXT NOT NULL, org_id TEXT NOT NULL, user_id TEXT NOT NULL, engine TEXT NOT NULL,
  status TEXT NOT NULL, file_ids TEXT NOT NULL, consent_id TEXT,
  files_used TEXT NOT NULL, discarded TEXT NOT NULL, metadata TEXT NOT NULL,
  started_at REAL NOT NULL, finished_at REAL, provider_id TEXT NOT NULL,
  fail_reason TEXT, cost INTEGER NOT NULL, phase_started_at REAL NOT NULL, due_at REAL);
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
"""
# every lookup is a SEARCH on one of these (tests/emulator/test_emu_query_plans.py):
# `pos` is a file's place in its folder, so a page is a range seek, never an OFFSET scan
INDEXES_SQL = """
DROP INDEX IF EXISTS files_by_folder;
DROP INDEX IF EXISTS clones_by_alias;
CREATE UNIQUE INDEX IF NOT EXISTS files_by_position ON files (org_id, folder_id, pos);
CREATE INDEX IF NOT EXISTS folders_by_parent ON folders (org_id, parent_id, seq);
CREATE INDEX IF NOT EXISTS clones_by_alias_owner ON clones (alias, user_id, org_id, seq);
CREATE INDEX IF NOT EXISTS clones_by_owner ON clones (user_id, org_id, seq);
CREATE INDEX IF NOT EXISTS clones_due ON clones (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS clones_running ON clones (org_id) WHERE finished_at IS NULL;
"""
# version 1 files had no `pos`: number them in creation order, once
MIGRATE_POSITIONS = (
    "UPDATE files SET pos = ranked.p FROM (SELECT seq, ROW_NUMBER() OVER"
    " (PARTITION BY org_id, folder_id ORDER BY seq) - 1 AS p FROM files) AS ranked"
    " WHERE ranked.seq = files.seq AND files.pos IS NULL",
    "INSERT OR REPLACE INTO folder_sizes (org_id, folder_id, count)"
    " SELECT org_id, folder_id, COUNT(*) FROM files GROUP BY org_id, folder_id",
)
TABLES = ("orgs", "api_keys", "members", "folders", "folder_sizes", "files", "clones", "blobs")


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
            # NORMAL (WAL): every commit is atomic and survives the process being killed;
            # the WAL is fsynced at checkpoints, not per commit. FULL fsyncs each of a
            # voice's 5 commits under the store lock: ~4 ms each here, 10,000 voices wait
            # 200 s in line for them. Only a power loss can roll back the latest commits
            # (never half of one); a blob commits with the row that names it (blobs.py).
            self._conn.execute("PRAGMA synchronous=NORMAL")
        with self.write() as conn:
            _run_script(conn, TABLES_SQL)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(files)")}
            if "pos" not in columns:  # a version 1 file
                conn.execute("ALTER TABLE files ADD COLUMN pos INTEGER")
                for statement in MIGRATE_POSITIONS:
                    conn.execute(statement)
            if "sound" not in columns:  # before the sound checks (E27): nothing judged
                conn.execute("ALTER TABLE files ADD COLUMN sound TEXT")
            _run_script(conn, INDEXES_SQL)
            write_meta(conn, "schema", SCHEMA_VERSION)

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


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def next_position(conn: sqlite3.Connection, org: str, folder: str) -> int:
    """The place of a new file in its folder (0, 1, 2...), counting it in `folder_sizes`."""
    conn.execute(
        "INSERT INTO folder_sizes (org_id, folder_id, count) VALUES (?, ?, 1)"
        " ON CONFLICT (org_id, folder_id) DO UPDATE SET count = count + 1",
        (org, folder),
    )
    return folder_size(conn, org, folder) - 1


def folder_size(conn: sqlite3.Connection, org: str, folder: str) -> int:
    """How many files a folder holds (kept by `next_position`; no COUNT(*))."""
    row = conn.execute(
        "SELECT count FROM folder_sizes WHERE org_id = ? AND folder_id = ?", (org, folder)
    ).fetchone()
    return 0 if row is None else int(row[0])


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
