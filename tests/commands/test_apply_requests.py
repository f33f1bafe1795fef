"""Requests per create, from the emulator's request log: a 2-file voice costs 5 (two file
slots, two PUTs, the clone POST). The plan's fresh listing is the read back, and the
create itself checks that the uploads were processed."""

from __future__ import annotations

from tests.support.applyclirig import CLONES, one_record_per_alias
from tests.support.clirig import Emu, Repo


def _calls(emu: Emu) -> list[str]:
    return [f"{r['method']} {r['route']}" for r in emu.requests()]


def test_a_two_file_voice_is_created_with_five_requests(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    assert repo.run("apply", "--yes").code == 0  # the folder exists from now on
    repo.voice("bob-en", files=2)
    emu.clear_requests()
    applied = repo.run("apply", "--yes")
    assert applied.code == 0, applied.text
    calls = _calls(emu)
    first = next(n for n, c in enumerate(calls) if not c.startswith("GET"))
    last = max(n for n, c in enumerate(calls) if not c.startswith("GET"))
    assert calls[first : last + 1] == [
        "POST /files",
        "PUT /_upload/{fileId}",
        "POST /files",
        "PUT /_upload/{fileId}",
        f"POST {CLONES}",
    ]
    # no file polled one by one, no alias read back before the POST (after it: the wait)
    assert "GET /files/{fileId}" not in calls
    before = emu.requests()[: last + 1]
    assert not [r for r in before if r["route"] == CLONES and "alias=" in r["query"]]
    one_record_per_alias(emu, ["anna-en", "bob-en"])
