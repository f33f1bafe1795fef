"""Audit of api-contract.md §7 (emulator runtime): WAL, one BEGIN IMMEDIATE transaction per
change, an upload's bytes committed with its row, Nagle off on served
sockets, loopback-only binding and admin API, and the default state file."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from reconciler.cli.main import build_parser
from reconciler.emulator.core import Emulator
from reconciler.emulator.server import is_loopback, serve_in_thread

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def test_a_file_database_runs_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "emu.sqlite3"
    Emulator(db).close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_commits_sync_at_checkpoints_not_one_by_one(tmp_path: Path) -> None:
    """synchronous=NORMAL in WAL mode (issue 15): atomic, safe when the process is killed
    (tests/apply/test_killed_runs.py), without one fsync per commit under the store lock."""
    emulator = Emulator(tmp_path / "emu.sqlite3")
    try:
        with emulator.backend.store.read() as conn:
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        emulator.close()


def _transactions(statements: list[str]) -> list[tuple[list[str], str]]:
    """Group traced SQL into (statements, COMMIT|ROLLBACK); fail on a write outside one."""
    groups: list[tuple[list[str], str]] = []
    current: list[str] | None = None
    for sql in (s.strip() for s in statements):
        word = sql.split(None, 1)[0].upper() if sql else ""
        if word == "BEGIN":
            assert sql.upper() == "BEGIN IMMEDIATE", sql  # deferred would let a race in
            assert current is None, "nested transaction"
            current = []
        elif word in ("COMMIT", "ROLLBACK"):
            assert current is not None, sql
            groups.append((current, word))
            current = None
        elif word in WRITES:
            assert current is not None, f"write outside a transaction: {sql}"
            current.append(sql)
        elif current is not None:
            current.append(sql)
    assert current is None, "transaction left open"
    return groups


def test_every_change_is_one_immediate_transaction_with_its_checks(
    emulator: Emulator,
    client: httpx.Client,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
    create: Callable[..., httpx.Response],
) -> None:
    statements: list[str] = []
    emulator.backend.store.trace(statements.append)
    folder = client.post("/folders", json={"folder_name": "v"}).json()["folderId"]
    file_id = upload_file(client, "a.wav", wav(2.0), folder)
    assert create(client, "anna", [file_id]).status_code == 202
    assert create(client, "anna", [file_id]).status_code == 409
    client.get("/speech/voice-cloning", params={"alias": "anna"})  # settles: a transition
    emulator.backend.store.trace(None)
    groups = _transactions(statements)
    (creation,) = [g for g, end in groups if any(s.startswith("INSERT INTO clones") for s in g)]
    # the alias and balance checks run inside the transaction that inserts (no race window)
    assert any("FROM clones WHERE alias" in s for s in creation)
    assert any("SELECT balance FROM orgs" in s for s in creation)
    (refused,) = [end for g, end in groups if any("FROM clones WHERE alias" in s for s in g)][1:]
    assert refused == "ROLLBACK"  # the 409 changed nothing
    assert any(s.startswith("UPDATE clones SET status") for g, _ in groups for s in g)


def test_an_upload_commits_its_bytes_and_its_row_in_one_transaction(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_client: Callable[..., httpx.Client],
    wav: Callable[..., bytes],
) -> None:
    emulator = Emulator(tmp_path / "emu.sqlite3", clock_mode="immediate")
    events: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        events.append("fsync")
        real_fsync(fd)

    with make_client(emulator) as client:
        slot = client.post("/files", json={"file_name": "a.wav"}).json()
        monkeypatch.setattr(os, "fsync", fsync)
        emulator.backend.store.trace(events.append)
        data = wav(2.0)
        put = client.put(slot["uploadUrl"], content=data, headers={"content-type": "audio/wav"})
        assert put.status_code == 200
        emulator.backend.store.trace(None)
        assert client.get(client.get(f"/files/{slot['fileId']}").json()["url"]).content == data
    monkeypatch.undo()
    emulator.close()
    writes = [e.split(None, 2)[:2] for e in events if e.split(None, 1)[0].upper() != "SELECT"]
    assert writes == [["BEGIN", "IMMEDIATE"], ["INSERT", "OR"], ["UPDATE", "files"], ["COMMIT"]]
    assert any(e.startswith("INSERT OR IGNORE INTO blobs") for e in events)
    assert "fsync" not in events  # no file of its own: the store's commit makes it durable
    assert not (tmp_path / "blobs").exists()


def test_bytes_an_older_version_kept_as_files_are_still_served(
    tmp_path: Path, make_client: Callable[..., httpx.Client], wav: Callable[..., bytes]
) -> None:
    db = tmp_path / "emu.sqlite3"
    emulator = Emulator(db, clock_mode="immediate")
    data = wav(2.0)
    with make_client(emulator) as client:
        slot = client.post("/files", json={"file_name": "a.wav"}).json()
        client.put(slot["uploadUrl"], content=data, headers={"content-type": "audio/wav"})
    emulator.close()
    with sqlite3.connect(db) as conn:  # as schema 2 left it: the bytes on disk
        (sha,) = conn.execute("SELECT sha256 FROM blobs").fetchone()
        conn.execute("DELETE FROM blobs")
    conn.close()
    (tmp_path / "blobs" / sha[:2]).mkdir(parents=True)
    (tmp_path / "blobs" / sha[:2] / sha).write_bytes(data)
    reopened = Emulator(db, clock_mode="immediate")
    with make_client(reopened) as client:
        url = client.get(f"/files/{slot['fileId']}").json()["url"]
        assert client.get(url).content == data
    reopened.close()


def test_served_connections_have_nagle_disabled(emulator: Emulator) -> None:
    running = serve_in_thread(emulator)
    try:
        with httpx.Client(base_url=running.base_url, headers={"x-api-key": "emulator"}) as http:
            assert http.get("/folders").status_code == 200  # the connection stays open
            sockets = list(running.server._open)
            assert sockets
            for sock in sockets:
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        running.close()


def _own_non_loopback_address() -> str | None:
    """A local IPv4 address outside 127/8 (Linux routing table), or None."""
    try:
        lines = Path("/proc/net/fib_trie").read_text().splitlines()
    except OSError:
        return None
    for above, line in itertools.pairwise(lines):
        address = above.strip().removeprefix("|-- ")
        if "/32 host LOCAL" in line and not address.startswith("127."):
            return address
    return None


def test_the_admin_api_answers_loopback_clients_only_even_when_bound_wide(
    emulator: Emulator,
) -> None:
    address = _own_non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    running = serve_in_thread(emulator, host="0.0.0.0")
    port = int(running.base_url.rsplit(":", 1)[1])

    def from_outside(request: bytes) -> bytes:
        """A peer whose source address is not loopback (the tests may not leave the host)."""
        with socket.socket() as sock:
            sock.bind((address, 0))
            sock.settimeout(5)
            sock.connect(("127.0.0.1", port))
            sock.sendall(request)
            return b"".join(iter(lambda: sock.recv(65536), b""))

    try:
        for line in (b"GET /_emulator/state", b"POST /_emulator/reset", b"GET /_emulator%2Fstate"):
            answer = from_outside(line + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 403 "), answer[:200]
            assert answer.endswith(b'{"message":"the admin API answers loopback clients only"}')
        public = from_outside(
            b"GET /speech/voice-cloning HTTP/1.1\r\nHost: x\r\nx-api-key: emulator\r\n"
            b"Connection: close\r\n\r\n"
        )
        assert public.startswith(b"HTTP/1.1 200 ")
        assert httpx.get(f"http://127.0.0.1:{port}/_emulator/state").status_code == 200
    finally:
        running.close()


def test_serve_with_allow_remote_binds_wide_and_keeps_state_under_dot_voicectl(
    tmp_path: Path,
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "emulator", "serve", "--host", "0.0.0.0",
         "--allow-remote", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip().split("=", 1)[1]
        assert base.startswith("http://127.0.0.1:")  # a wildcard bind is shown as loopback
        assert httpx.get(f"{base}/speech/voice-cloning", headers={"x-api-key": "emulator"}).json()
        assert (tmp_path / ".voicectl" / "emulator.sqlite3").is_file()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize(
    ("peer", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
     ("192.0.2.2", False), ("::ffff:192.0.2.2", False), ("fe80::1%eth0", False), ("", False)],
)  # fmt: skip
def test_which_peers_count_as_loopback_for_the_admin_api(peer: str, loopback: bool) -> None:
    assert is_loopback(peer) is loopback


def test_serve_defaults_to_loopback_port_8787_a_dot_voicectl_file_and_time_mode() -> None:
    args = build_parser().parse_args(["emulator", "serve"])
    assert (args.host, args.port, args.db, args.clock) == ("127.0.0.1", 8787, None, "time")
    assert (args.allow_remote, args.rate_limit) == (False, None)
