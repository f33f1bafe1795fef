"""Measuring many files: the sha256-keyed cache (a warm run decodes nothing), parallel
workers giving the same figures, and an undecodable file reported, not raised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.audio import measurecache
from reconciler.audio.analysis import MeasureJob, measure_files
from reconciler.audio.measurecache import CACHE_NAME, MeasureCache
from reconciler.model.quality import FileMeasures
from reconciler.model.values import Sha256
from tests.support.clirig import Repo
from tests.support.signals import syllables, write


def _jobs(tmp_path: Path, count: int) -> list[MeasureJob]:
    jobs = []
    for n in range(count):
        path = write(tmp_path / f"take-{n}.wav", syllables(3, seed=n))
        jobs.append(MeasureJob(path, Sha256(f"{n:064x}"), path.stat().st_size, path.name))
    return jobs


def test_parallel_workers_measure_the_same_figures(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, 3)
    alone = measure_files(jobs, MeasureCache(None), workers=1)
    seen: list[int] = []
    together = measure_files(
        jobs,
        MeasureCache(None),
        workers=2,
        parallel_min_bytes=0,
        progress=lambda job, done, total: seen.append(done),
        progress_min_bytes=0,
    )
    assert together == alone
    assert seen == [1, 2, 3]


def test_measures_are_cached_by_content_and_a_warm_run_decodes_nothing(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, 2)
    cache = MeasureCache(tmp_path / "cache")
    first = measure_files(jobs, cache)
    cache.save()
    for job in jobs:
        job.path.unlink()  # a warm run must not need the audio at all
    warm = measure_files(jobs, MeasureCache(tmp_path / "cache"))
    assert warm == first
    assert all(isinstance(m, FileMeasures) for m in warm.values())


def test_a_damaged_cache_is_a_miss_and_a_bad_file_is_a_reason(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / CACHE_NAME).write_text('{"format": 1, "entries": {"x": [1]}}')
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    job = MeasureJob(broken, Sha256("f" * 64), 16, "broken.wav")
    result = measure_files([job], MeasureCache(tmp_path / "cache"))
    assert isinstance(result[job.sha256], str)
    assert result[job.sha256].startswith("Error opening")


def test_validate_reuses_the_cache_of_a_renamed_copy(repo: Repo) -> None:
    write(repo.root / "voices/a/one.wav", syllables(4, seed=1))
    repo.write(
        "voices/a.yaml",
        "version: 1\nalias: cache-en\nengine: voice_engine_3\nlanguage: en-GB\n"
        "files: [a/one.wav]\n",
    )
    assert repo.run("validate").code == 0
    file = repo.root / ".voicectl" / CACHE_NAME
    data = json.loads(file.read_text())
    [(_sha, entry)] = data["entries"].items()
    entry["speech_s"] = 0.25  # what the cache says is what a warm run reports
    file.write_text(json.dumps(data))
    (repo.root / "voices/a/one.wav").rename(repo.root / "voices/a/renamed.wav")
    repo.write(
        "voices/a.yaml",
        "version: 1\nalias: cache-en\nengine: voice_engine_3\nlanguage: en-GB\n"
        "files: [a/renamed.wav]\n",
    )
    outcome = repo.run("validate")
    assert outcome.code == 1
    assert "voices/a/renamed.wav contains no speech (0.2 s of speech in 4.0 s)" in outcome.err


def test_the_cache_keeps_every_measure_a_run_used_beyond_its_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(measurecache, "MAX_ENTRIES", 2)  # a fleet larger than the cap
    jobs = _jobs(tmp_path, 5)
    cache = MeasureCache(tmp_path / "cache")
    measure_files(jobs, cache)
    cache.save()
    for job in jobs:
        job.path.unlink()  # a second run must find all five without decoding
    again = MeasureCache(tmp_path / "cache")
    assert all(isinstance(m, FileMeasures) for m in measure_files(jobs, again).values())
    other = write(tmp_path / "other.wav", syllables(3, seed=99))  # a later run, another file
    fresh = [MeasureJob(other, Sha256("9" * 64), other.stat().st_size, other.name)]
    later = MeasureCache(tmp_path / "cache")
    measure_files(fresh, later)
    later.save()
    kept = json.loads((tmp_path / "cache" / CACHE_NAME).read_text())["entries"]
    assert fresh[0].sha256 in kept and len(kept) == 3  # its own + the 2 newest others
