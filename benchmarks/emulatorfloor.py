"""The floor under a first apply against the embedded emulator: the emulator's own work
for the same requests, with no client. For every voice of a fleet tree it replays what
apply sends (two file slots, two PUTs of the tree's own WAV bytes, the create) straight
into `Emulator.handle`, on a fresh state file like the embedded one, and times it.

Whatever client talks to this emulator in-process pays at least this much, on the same
core, so growth_bench.py prints the first apply as a ratio to it. Not a benchmark itself.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

KEY = (("x-api-key", "emulator"), ("content-type", "application/json"))


def emulator_alone(root: Path) -> tuple[float, float]:
    """(wall s, cpu s) of the emulator serving a first apply of the tree at `root`."""
    from reconciler.emulator.core import Emulator
    from reconciler.emulator.wire import EmuRequest

    voices = sorted((root / "voices" / "audio").iterdir())
    with tempfile.TemporaryDirectory(dir=root.parent) as scratch:
        state = Path(scratch) / "emulator.sqlite3"
        emulator = Emulator(state, clock_mode="immediate", credits=10**9)

        def send(method: str, path: str, body: object) -> dict[str, str]:
            raw = json.dumps(body).encode()
            reply = emulator.handle(EmuRequest(method, path, headers=KEY, body=raw))
            if reply.status >= 300:
                raise SystemExit(f"emulator floor: {method} {path} → {reply.status}")
            return json.loads(reply.body) if reply.body else {}

        folder_id = send("POST", "/folders", {"folder_name": "voicectl"})["folderId"]
        wall, cpu = time.perf_counter(), time.process_time()
        for voice in voices:
            ids = []
            for take in sorted(voice.glob("*.wav")):
                slot = send("POST", "/files", {"file_name": take.name, "folder_id": folder_id})
                path, _, sig = slot["uploadUrl"].partition("?sig=")
                wav = (("content-type", "audio/wav"),)
                put = EmuRequest("PUT", path[path.index("/_upload/") :], (("sig", sig),), wav,
                                 take.read_bytes())  # fmt: skip
                if emulator.handle(put).status != 200:
                    raise SystemExit(f"emulator floor: PUT {take} refused")
                ids.append(slot["fileId"])
            send("POST", "/speech/voice-cloning",
                 {"alias": voice.name, "engine": "voice_engine_3", "fileIds": ids})  # fmt: skip
        taken = time.perf_counter() - wall, time.process_time() - cpu
        emulator.close()
    return taken
