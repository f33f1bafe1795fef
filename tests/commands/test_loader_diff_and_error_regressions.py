"""Bugs QA found in the loaders, the diff, settings and the HTTP error text, now fixed:
each test states the expected behaviour."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import httpx
import pytest

from reconciler.audiostack.httperrors import Reply, describe_body
from reconciler.model.errors import ConfigError
from reconciler.model.settings import TargetConfig, resolve_settings
from tests.support.clifixtures import embedded
from tests.support.clirig import Repo, voice_yaml

repo = embedded  # this module runs on the embedded emulator, not the served one


def test_a_damaged_audio_cache_entry_is_ignored(repo: Repo) -> None:
    assert repo.run("validate").code == 0
    wav = (repo.root / "voices/audio/a1.wav").resolve()
    stat = os.stat(wav)
    entry = [stat.st_size, stat.st_mtime_ns, None, None, None, None, None, None]
    cache = {"format": 1, "entries": {str(wav): entry}}
    (repo.root / ".voicectl/audio-cache.json").write_text(json.dumps(cache))
    run = repo.run("validate")
    assert run.err == "✓ 1 voice valid (0 warnings)\n"
    assert run.code == 0


def test_too_many_metadata_keys_says_how_many_are_allowed(repo: Repo) -> None:
    keys = "".join(f"  k{n}: v\n" for n in range(33))
    repo.write(
        "voices/alpha.yaml", voice_yaml("alpha-en", "audio/a1.wav", extra=f"metadata:\n{keys}")
    )
    run = repo.run("validate")
    assert run.code == 1
    assert "32" in run.err, run.err


def test_files_with_identical_content_are_one_upload_sent_once(repo: Repo) -> None:
    """Content identity is the sha256, not the name (issue 11): three paths with the same
    bytes are one upload, and the create lists its fileId once."""
    audio = repo.root / "voices/audio"
    for name in ("t2.wav", "t3.wav"):
        shutil.copyfile(audio / "a1.wav", audio / name)
    repo.write(
        "voices/alpha.yaml",
        voice_yaml(
            "alpha-en",
            *("audio/a1.wav", "audio/t2.wav", "audio/t3.wav", "audio/a2.wav"),
            # the server's discard is under test: let the duplicates reach it
            extra="quality: {checks: {duplicate: warning}}\n",
        ),
    )
    assert repo.run("apply", "--yes").code == 0
    full = repo.run("plan", "--detail", "full").out
    assert "discarded:" not in full
    assert full.splitlines()[-1] == "No changes. 1 voice up to date."


def test_a_lookalike_loopback_url_is_refused_as_non_https(tmp_path: Path) -> None:
    environ = {
        "AUDIOSTACK_API_KEY": "k-123456",
        "AUDIOSTACK_API_URL": "http://localhost.evil.example",
    }
    with pytest.raises(ConfigError, match="non-HTTPS"):
        resolve_settings(environ, root=tmp_path, target=TargetConfig(), project_owner="acme/x")


def test_an_api_error_repeating_its_message_is_shown_once() -> None:
    body = {"message": "unknown file 'x'", "errors": ["unknown file 'x'"]}
    reply = Reply(400, httpx.Headers(), json.dumps(body).encode())
    assert describe_body(reply, body) == "unknown file 'x'"
