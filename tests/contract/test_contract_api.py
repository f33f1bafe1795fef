"""Client-level behaviours of the AudioStack subset (api-contract.md), in plain httpx.

The same tests run against the emulator in-process and served on loopback, and against
the real API when VOICECTL_LIVE=1 and AUDIOSTACK_API_KEY are set. Wording is asserted
verbatim where the contract fixes it for the emulator (E5, E7, E13).
"""

from __future__ import annotations

from tests.support.contracttarget import Target, tone


def test_upload_ends_uploaded_with_a_duration(target: Target) -> None:
    file_id = target.upload("contract-take.wav", tone(2.0, seed=1))
    item = target.client().get(f"/files/{file_id}").json()
    assert item["fileId"] == file_id
    assert item["status"] == "uploaded"
    assert abs(item["duration"] - 2.0) < 0.05
    assert isinstance(item["size"], int)


def test_create_then_poll_until_succeeded(target: Target) -> None:
    alias = target.alias("contract-create")
    file_id = target.upload("contract-a.wav", tone(3.0, seed=2))
    api = target.client()
    created = api.post(
        "/speech/voice-cloning",
        json={"fileIds": [file_id], "alias": alias, "engine": "voice_engine_3",
              "metadata": {"gender": "female"}},
    )  # fmt: skip
    assert created.status_code == 202, created.text
    body = created.json()
    assert body["data"]["alias"] == alias
    assert body["data"]["status"] == "preparing"
    assert isinstance(body["meta"]["creditsRemaining"], int)
    record = target.wait_terminal(alias)
    assert record["status"] == "succeeded"
    assert record["filesUsed"] == [file_id]
    assert record["metadata"]["gender"] == "female"


def test_duplicate_alias_is_409(target: Target) -> None:
    alias = target.alias("contract-dup")
    file_id = target.upload("contract-b.wav", tone(3.0, seed=3))
    api = target.client()
    body = {"fileIds": [file_id], "alias": alias, "engine": "voice_engine_3"}
    assert api.post("/speech/voice-cloning", json=body).status_code == 202
    again = api.post("/speech/voice-cloning", json=body)
    assert again.status_code == 409
    if target.emulated:
        assert again.json() == {"message": f"alias '{alias}' already exists"}


def test_discarded_files_are_reported_with_a_reason(target: Target) -> None:
    alias = target.alias("contract-discard")
    good = target.upload("contract-good.wav", tone(3.0, seed=4))
    short = target.upload("contract-short.wav", tone(1.0, seed=5))
    api = target.client()
    body = {"fileIds": [good, short], "alias": alias, "engine": "voice_engine_3"}
    assert api.post("/speech/voice-cloning", json=body).status_code == 202
    record = target.wait_terminal(alias)
    assert short in record["discardedFiles"]
    assert good in record["filesUsed"]
    assert set(record["filesUsed"]) | set(record["discardedFiles"]) == {good, short}
    if target.emulated:
        assert record["discardedFiles"] == {short: "too short: 1.0 s < 1.5 s"}


def test_unknown_alias_reads_as_empty(target: Target) -> None:
    reply = target.client().get(
        "/speech/voice-cloning", params={"alias": target.alias("contract-nobody-here")}
    )
    assert reply.status_code in (200, 404)  # the client treats 404 as empty (E3)
    if reply.status_code == 200:
        assert reply.json()["data"] == []


def test_insufficient_credits_is_402(target: Target) -> None:
    target.admin("POST", "/credits", {"org": "org-default", "balance": 100})
    file_id = target.upload("contract-c.wav", tone(3.0, seed=6))
    reply = target.client().post(
        "/speech/voice-cloning",
        json={"fileIds": [file_id], "alias": "contract-poor", "engine": "voice_engine_3"},
    )
    assert reply.status_code == 402
    assert reply.json() == {"message": "insufficient credits: 300 required, 100 available"}


def test_missing_key_is_401_and_unknown_key_is_403(target: Target) -> None:
    missing = target.client(key="").get("/speech/voice-cloning", params={"alias": "x-y"})
    unknown = target.client(key="not-a-real-key-0000").get(
        "/speech/voice-cloning", params={"alias": "x-y"}
    )
    if target.emulated:
        assert (missing.status_code, unknown.status_code) == (401, 403)
    else:
        assert missing.status_code in (401, 403) and unknown.status_code in (401, 403)
    assert isinstance(unknown.json()["message"], str)


def test_isolation_between_users_and_orgs(target: Target) -> None:
    target.admin("POST", "/keys", {"key": "colleague", "org": "org-default", "user": "user-2"})
    target.admin("POST", "/keys", {"key": "rival", "org": "org-rival", "user": "user-3"})
    file_id = target.upload("contract-d.wav", tone(3.0, seed=7))
    body = {"fileIds": [file_id], "alias": "contract-mine", "engine": "voice_engine_3"}
    assert target.client().post("/speech/voice-cloning", json=body).status_code == 202
    colleague = target.client(key="colleague")
    # seed: a clone is visible only to the user who created it
    assert (
        colleague.get("/speech/voice-cloning", params={"alias": "contract-mine"}).json()["data"]
        == []
    )
    assert colleague.get("/speech/voice/contract-mine").status_code == 404
    assert rival_cannot_see(target, "contract-mine")
    rival = target.client(key="rival")
    assert rival.get(f"/files/{file_id}").status_code == 404
    rival_file = target.upload("contract-r.wav", tone(3.0, seed=8), key="rival")
    taken = rival.post("/speech/voice-cloning", json={**body, "fileIds": [rival_file]})
    assert (taken.status_code, taken.json()) == (
        409,
        {"message": "alias 'contract-mine' already exists"},
    )


def rival_cannot_see(target: Target, alias: str) -> bool:
    """Another organisation reads nothing of the alias either."""
    rival = target.client(key="rival")
    records = rival.get("/speech/voice-cloning", params={"alias": alias}).json()["data"]
    listing = rival.get("/speech/voice-cloning").json()["data"]
    return records == [] and all(r["alias"] != alias for r in listing)


def test_speech_replies_carry_the_envelope(target: Target) -> None:
    reply = target.client().get("/speech/voice-cloning", params={"alias": target.alias("env-x")})
    if reply.status_code == 200:
        meta = reply.json()["meta"]
        assert {"requestId", "creditsRemaining"} <= set(meta)
