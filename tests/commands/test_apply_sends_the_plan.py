"""What apply POSTs is the reviewed plan: for every write of `plan --out plan.json`, the clone
the emulator received after `apply plan.json` has the same alias, engine, metadata, set of
files (by content hash) and consent. Fails as soon as apply rebuilds any of it differently."""

from __future__ import annotations

import json
from typing import Any

from tests.support.applyclirig import CLONES, clone_posts
from tests.support.clirig import Emu, Repo, upload_declared


def _file_key(entry: dict[str, Any]) -> str:
    """A plan file entry by identity: its content hash, or its file_id when declared so."""
    return str(entry["sha256"] or entry["file_id"])


def _received(emu: Emu, alias: str, declared_ids: set[str]) -> dict[str, Any]:
    """The one clone record the emulator holds for `alias`, its files as plan keys."""
    (record,) = emu.clones(alias)
    sha_of = {f["fileId"]: f["sha256"] for f in emu.state()["files"]}

    def key(file_id: str) -> str:
        return file_id if file_id in declared_ids else str(sha_of[file_id])

    submitted = {*record["filesUsed"], *record["discardedFiles"]}
    consent = record["consentFileId"]
    return {
        "alias": record["alias"],
        "engine": record["voiceEngine"],
        "metadata": record["metadata"],
        "files": sorted(key(f) for f in submitted),
        "consent": key(consent) if consent else None,
    }


def _planned(action: dict[str, Any]) -> dict[str, Any]:
    consent = action["consent"]
    return {
        "alias": action["alias"],
        "engine": action["engine"],
        "metadata": action["metadata"],
        "files": sorted(_file_key(f) for f in action["files"]),
        "consent": _file_key(consent) if consent else None,
    }


def test_every_posted_clone_is_the_plan_jsons_change_for_its_alias(repo: Repo, emu: Emu) -> None:
    for n in range(2):  # a Standard voice: 20 minutes of audio and a consent recording
        repo.wav(f"voices/audio/anna-en/take-{n:02d}.wav", seconds=605.0)
    repo.wav("voices/consent/anna.wav")
    repo.voice(
        "anna-en",
        files=0,
        engine="voice_engine_2",
        metadata={"gender": "female", "accent": "british", "age": 41},
        extra="consent: consent/anna.wav\n",
    )
    repo.voice("bob-en", files=2, language="en-US", metadata={"style": "calm"})
    repo.voice("cleo-fr", files=1, engine="voice_engine_3", language="fr-FR")
    repo.commit("three voices")
    upload_declared(emu, repo, "bob-en")  # already in the folder: the plan holds its fileIds
    assert repo.run("plan", "--out", "plan.json").code == 0
    plan = json.loads((repo.root / "plan.json").read_text(encoding="utf-8"))
    writes = [a for a in plan["actions"] if a["action"] in ("create", "replace")]
    assert [a["alias"] for a in writes] == ["anna-en", "bob-en", "cleo-fr"]
    emu.clear_requests()

    applied = repo.run("apply", "plan.json")

    assert applied.code == 0, applied.text
    assert len(clone_posts(emu)) == len(writes)  # one POST per planned write, none else
    for action in writes:
        declared_ids = {f["file_id"] for f in action["files"] if f["sha256"] is None}
        assert _received(emu, action["alias"], declared_ids) == _planned(action)
    bob = next(a for a in writes if a["alias"] == "bob-en")
    assert all(f["file_id"] for f in bob["files"])  # reused uploads, by their planned ids
    assert {r["path"] for r in emu.requests() if r["method"] == "POST"} == {"/files", CLONES}
