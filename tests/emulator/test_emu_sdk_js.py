"""The official JS SDK (`@aflr/audiostack` 1.1.x from npm) against the served emulator:
`Speech.VoiceClone.createInstantClone` (POST and polling on /speech/voice-builder with
`voiceEngine`, then the voice in its VoiceItem shape) and `Speech.Voice.list`, with the
key as `x-api-key` and as `Authorization: Bearer` plus a URI-encoded `x-assume-org`.

Needs node and npm (skipped with the reason otherwise). The SDK is installed once into
`.voicectl/js-sdk/` (git-ignored) of this checkout, from the npm registry."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reconciler.emulator.core import Emulator
from reconciler.emulator.server import RunningServer, serve_in_thread
from tests.support.emulatorrig import make_wav

CHECKOUT = Path(__file__).resolve().parents[2]
SDK_DIR = CHECKOUT / ".voicectl" / "js-sdk"
PACKAGE = "@aflr/audiostack@1.1"

SCRIPT = r"""
const { Audiostack } = require("@aflr/audiostack");
const { RequestHandler } = require("@aflr/audiostack/lib/utils");
const [base, key, fileIds, alias, jwt, org] = process.argv.slice(2);
(async () => {
  const sdk = new Audiostack(key, { jwt: jwt === "jwt", assumeOrg: org || undefined });
  RequestHandler.axios.defaults.baseURL = base;  // the SDK only knows the real hosts
  RequestHandler.pollingInterval = 10;
  sdk.Speech.VoiceClone.pollingInterval = 10;
  const voice = await sdk.Speech.VoiceClone.createInstantClone({
    fileIds: JSON.parse(fileIds), alias,
    metadata: { gender: "female", languageCode: "en-GB", managed_by: "voicectl:x/y" },
  });
  const listed = await sdk.Speech.Voice.list();
  console.log(JSON.stringify({
    alias: voice.alias, voiceId: voice.voiceId, technologies: voice.technologies,
    gender: voice.gender, provider: voice.provider,
    listed: listed.map(v => v.alias).sort(),
  }));
})().catch(e => { console.error(String(e && e.stack || e)); process.exit(3); });
"""


def _install() -> Path:
    """npm install the SDK once (a lock keeps parallel test workers from racing)."""
    SDK_DIR.mkdir(parents=True, exist_ok=True)
    with (SDK_DIR / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (SDK_DIR / "node_modules" / "@aflr" / "audiostack" / "package.json").exists():
            (SDK_DIR / "package.json").write_text('{"private": true}\n', encoding="utf-8")
            done = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent", PACKAGE],
                cwd=SDK_DIR,
                check=False,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stderr[-2000:]
    return SDK_DIR


@pytest.fixture(scope="module")
def sdk_dir() -> Path:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the JS SDK run needs {' and '.join(missing)} on PATH")
    return _install()


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[RunningServer, Emulator]]:
    emulator = Emulator(":memory:", clock_mode="immediate")
    running = serve_in_thread(emulator)
    yield running, emulator
    running.close()
    assert emulator.internal_errors == []
    emulator.close()


def _upload(http: httpx.Client, seed: str) -> str:
    slot = http.post("/files", json={"file_name": f"{seed}.wav"}).json()
    data = make_wav(2.0, seed=seed)
    put = http.put(slot["uploadUrl"], content=data, headers={"content-type": slot["mimeType"]})
    assert put.status_code == 200
    return str(slot["fileId"])


@pytest.mark.parametrize(
    ("dialect", "auth"), [("guide", "key"), ("sdk", "key"), ("guide", "jwt"), ("sdk", "jwt")]
)
def test_create_instant_clone_runs_against_the_emulator(
    sdk_dir: Path, served: tuple[RunningServer, Emulator], dialect: str, auth: str
) -> None:
    running, _ = served
    base = running.base_url
    key, org = "emulator", ""
    with httpx.Client(base_url=base, timeout=30) as admin:
        assert admin.post("/_emulator/reset").status_code == 200
        admin.post("/_emulator/dialect", json={"dialect": dialect}).raise_for_status()
        # slow-processing holds a file for 120 s of emulator time: 0.6 s here
        admin.post("/_emulator/clock", json={"time_scale": 0.005}).raise_for_status()
        if auth == "jwt":  # an organisation id with a space: the SDK sends encodeURI(org)
            key, org = "sk-js", "Acme Voices"
            body = {"key": key, "org": org, "user": "user-js"}
            admin.post("/_emulator/keys", json=body).raise_for_status()
        http = httpx.Client(base_url=base, headers={"x-api-key": key}, timeout=30)
        ids = [_upload(http, f"{dialect}-{auth}-{n}") for n in range(2)]
        for file_id in ids:  # processed (the sdk dialect needs a few looks)
            while http.get(f"/files/{file_id}").json()["status"] != "uploaded":
                time.sleep(0.05)
    script = sdk_dir / "clone.js"
    script.write_text(SCRIPT, encoding="utf-8")
    alias = f"js-{dialect}-{auth}"
    done = subprocess.run(
        ["node", str(script), base, key, json.dumps(ids), alias, auth, org],
        cwd=sdk_dir,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["alias"] == alias and result["provider"] == "audiostack"
    assert result["technologies"] == ["voice_engine_3"]
    assert result["voiceId"].startswith("custom-") and result["gender"] == "female"
    assert result["listed"] == sorted(["hans", "sara", alias])
    state = httpx.get(f"{base}/_emulator/state").json()
    (record,) = [c for c in state["clones"] if c["alias"] == alias]
    assert record["status"] == "succeeded" and record["voiceEngine"] == "voice_engine_3"
    # the SDK's zod schema strips metadata keys it does not list (issue 11 row 5)
    assert record["metadata"] == {"gender": "female", "languageCode": "en-GB"}
    assert record["orgId"] == ("Acme Voices" if auth == "jwt" else "org-default")
