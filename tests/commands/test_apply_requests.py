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


def test_requests_per_voice_stay_the_same_as_the_fleet_grows(repo: Repo, emu: Emu) -> None:
    """issue 15: 5 writes per 2-file voice and a fixed number of reads per run (listings,
    the poll, the verdict), for 2 voices as for 10."""
    repo.voice("anna-en")
    assert repo.run("apply", "--yes").code == 0

    def apply_new(aliases: list[str]) -> tuple[int, int]:
        for alias in aliases:
            repo.voice(alias, files=2)
        emu.clear_requests()
        applied = repo.run("apply", "--yes")
        assert applied.code == 0, applied.text
        calls = _calls(emu)
        writes = [c for c in calls if not c.startswith("GET")]
        return len(writes), len(calls) - len(writes)

    few_writes, few_reads = apply_new([f"few-{n}" for n in range(2)])
    many_writes, many_reads = apply_new([f"many-{n}" for n in range(10)])
    assert (few_writes, many_writes) == (2 * 5, 10 * 5)
    assert many_reads == few_reads
