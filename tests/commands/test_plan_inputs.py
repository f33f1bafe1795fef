"""QA regressions in plan/apply input handling: load warnings, `file_id:` entries checked
against the remote, a malformed --expect-checksum, a key inside the API URL."""

from __future__ import annotations

import json

from tests.support.clifixtures import embedded
from tests.support.clirig import Repo, voice_yaml
from tests.support.wav import write_wav

repo = embedded  # this module runs on the embedded emulator, not the served one

EMPTY_ID = "00000000-0000-4000-8000-000000000000"


def _uploaded_ids(repo: Repo) -> dict[str, str]:
    """repo path → fileId of the local files alpha-en uploaded (from the JSON plan)."""
    data = json.loads(repo.run("plan", "--format", "json").out)
    (alpha,) = [a for a in data["actions"] if a["alias"] == "alpha-en"]
    return {f["path"]: f["file_id"] for f in alpha["files"]}


def test_plan_shows_the_warning_of_a_non_english_voice_it_would_create(repo: Repo) -> None:
    for n in range(3):
        write_wav(repo.root / f"voices/audio/long/p{n}.wav", 420.0, seed=10 + n)
    write_wav(repo.root / "voices/audio/long/consent.wav", 3.0, seed=20)
    repo.write(
        "voices/de.yaml",
        "version: 1\nalias: long-de\nengine: voice_engine_2\nlanguage: de-DE\n"
        "files: [audio/long/p*.wav]\nconsent: audio/long/consent.wav\n",
    )
    run = repo.run("plan", "--only", "long-de")
    assert run.code == 0
    assert run.err.splitlines()[1:] == [
        "voices/de.yaml:4:11: warning: voice_engine_2 recommends at least 45 minutes of audio "
        "for non-English voices, this voice has 21 min 0 s",
        "0 errors, 1 warning",
    ]


def test_plan_refuses_a_file_id_the_organisation_does_not_have(repo: Repo) -> None:
    repo.write("voices/beta.yaml", voice_yaml("beta-en", "audio/a1.wav", f"file_id: {EMPTY_ID}"))
    run = repo.run("plan")
    assert run.code == 1
    assert run.err.splitlines()[1:] == [
        f"voices/beta.yaml:7:5: error: file_id {EMPTY_ID} is not a file of this organisation",
        "  hint: check the id (voicectl import writes the ids of existing voices), "
        "or list the local audio file instead",
        "1 error, 0 warnings",
    ]
    apply = repo.run("apply", "--yes")
    assert apply.code == 1
    assert not (repo.root / ".voicectl/apply-journal.jsonl").exists()  # nothing was written


def test_plan_refuses_a_file_id_that_is_the_upload_of_a_listed_local_file(repo: Repo) -> None:
    assert repo.run("apply", "--yes").code == 0
    a1 = _uploaded_ids(repo)["voices/audio/a1.wav"]
    repo.write("voices/beta.yaml", voice_yaml("beta-en", f"file_id: {a1}", "audio/a1.wav"))
    run = repo.run("plan")
    assert run.code == 1
    assert run.err.splitlines()[1:3] == [
        f"voices/beta.yaml:6:5: error: file_id {a1} is the upload of voices/audio/a1.wav, "
        "which this voice also lists",
        "  hint: list the file once: either the path or the file_id",
    ]


def test_a_file_id_uploaded_earlier_plans_and_applies(repo: Repo) -> None:
    assert repo.run("apply", "--yes").code == 0
    ids = _uploaded_ids(repo)
    repo.write(
        "voices/beta.yaml",
        voice_yaml("beta-en", f"file_id: {ids['voices/audio/a1.wav']}", "audio/a2.wav"),
    )
    assert repo.run("apply", "--yes").code == 0
    assert repo.run("plan").out == "No changes. 2 voices up to date.\n"


def test_a_malformed_expected_checksum_is_a_usage_error_not_a_stale_plan(repo: Repo) -> None:
    run = repo.run("apply", "--expect-checksum", "nope")
    assert run.code == 1
    assert run.err.splitlines()[-1] == (
        "error: --expect-checksum 'nope' is not a plan checksum "
        "(expected sha256: and 64 hex digits, as printed by voicectl plan)"
    )


def test_a_key_inside_the_api_url_is_masked_in_the_refusal(repo: Repo) -> None:
    key = "sk-CANARY-qa-0123456789"
    env = {"AUDIOSTACK_API_KEY": key, "AUDIOSTACK_API_URL": f"http://user:{key}@127.0.0.1:1"}
    run = repo.run("plan", env=env)
    assert run.code == 1
    assert key not in run.out + run.err
    assert run.err == (
        "error: refusing an API URL that carries credentials ('http://user:***@127.0.0.1:1'): "
        "put the key in AUDIOSTACK_API_KEY\n"
    )


def test_a_negative_budget_is_a_usage_error_not_a_blocked_plan(repo: Repo) -> None:
    run = repo.run("plan", "--max-credits", "-1")
    assert run.code == 1
    assert run.err == "error: --max-credits must be 0 or more, not -1\n"


def test_plan_applies_the_engine_rules_to_file_id_entries(repo: Repo) -> None:
    assert repo.run("apply", "--yes").code == 0
    ids = _uploaded_ids(repo)  # alpha-en's two uploaded files, a few seconds each
    write_wav(repo.root / "voices/audio/consent.wav", 3.0, seed=77)
    repo.write(
        "voices/std.yaml",
        "version: 1\nalias: std-en\nengine: voice_engine_2\nlanguage: en-GB\nfiles:\n"
        + "".join(f"  - file_id: {fid}\n" for fid in ids.values())
        + "consent: audio/consent.wav\n",
    )
    run = repo.run("plan")
    assert run.code == 1
    lines = run.err.splitlines()
    assert lines[1].startswith("voices/std.yaml:6:5: error: voice_engine_2 needs at least 20 ")
    assert lines[1].endswith(
        " of audio in total, this voice has 7 s (its local and uploaded files)"
    )
    assert lines[2] == (
        "  hint: add recordings until the files add up to at least 1200 s "
        "(files under 1.5 s do not count)"
    )
