"""Front door B: the served emulator and `voicectl emulator serve`."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from reconciler.cli.main import main
from reconciler.emulator.core import Emulator
from reconciler.emulator.server import RequestHandler, serve_in_thread


def test_served_emulator_binds_loopback_and_disables_nagle(emulator: Emulator) -> None:
    running = serve_in_thread(emulator)
    try:
        assert running.base_url.startswith("http://127.0.0.1:")
        assert RequestHandler.disable_nagle_algorithm is True
    finally:
        running.close()


def test_served_upload_accepts_a_chunked_body_and_keeps_the_connection(
    emulator: Emulator, wav: Callable[..., bytes]
) -> None:
    running = serve_in_thread(emulator)
    data = wav(2.0)

    def pieces() -> Iterator[bytes]:
        for start in range(0, len(data), 7000):
            yield data[start : start + 7000]

    try:
        with httpx.Client(base_url=running.base_url, headers={"x-api-key": "emulator"}) as http:
            slot = http.post("/files", json={"file_name": "a.wav"}).json()
            assert slot["uploadUrl"].startswith(running.base_url)
            put = http.put(
                slot["uploadUrl"], content=pieces(), headers={"content-type": "audio/wav"}
            )
            assert put.status_code == 200
            item = http.get(f"/files/{slot['fileId']}").json()
            assert (item["status"], item["duration"], item["size"]) == ("uploaded", 2.0, len(data))
            assert http.get(item["url"]).content == data
    finally:
        running.close()


def _run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ={}, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_serve_refuses_a_remote_address_without_allow_remote() -> None:
    code, _, err = _run_cli("emulator", "serve", "--host", "0.0.0.0", "--db", ":memory:")
    assert code == 1
    assert "error: refusing to bind 0.0.0.0: the emulator has an unauthenticated admin API" in err
    assert "--allow-remote" in err


def test_emulator_without_an_action_prints_usage() -> None:
    code, _, err = _run_cli("emulator")
    assert code == 1
    assert "voicectl emulator serve" in err


def test_serve_prints_url_and_key_then_stops_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "emu.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        assert process.stdout is not None
        url_line = process.stdout.readline().strip()
        key_line = process.stdout.readline().strip()
        assert url_line.startswith("AUDIOSTACK_API_URL=http://127.0.0.1:")
        assert key_line == "AUDIOSTACK_API_KEY=emulator"
        base = url_line.split("=", 1)[1]
        reply = httpx.get(f"{base}/speech/voice-cloning", headers={"x-api-key": "emulator"})
        assert reply.status_code == 200
        assert db.exists()
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
