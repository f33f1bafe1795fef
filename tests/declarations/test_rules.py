"""Engine rules from the ENGINES table, each limit just under and just over (B4, B9)."""

from __future__ import annotations

from reconciler.declarations.rules import check_engine_rules
from reconciler.model.errors import Location
from reconciler.model.values import Alias, AudioInfo, Declaration, DeclaredFile, FileId, Sha256

SRC = Location("voices/v.yaml", 2, 8)
WHERE = {
    "engine": Location("voices/v.yaml", 3, 9),
    "files": Location("voices/v.yaml", 5, 1),
    "consent": Location("voices/v.yaml", 9, 10),
    "language": Location("voices/v.yaml", 4, 11),
}


def _file(n: int, seconds: float, size: int = 1000) -> DeclaredFile:
    info = AudioInfo(Sha256(f"{n:064x}"), size, "wav", seconds, 8000, 1)
    return DeclaredFile(Location("voices/v.yaml", 6 + n, 5), path=f"voices/a/{n}.wav", audio=info)


def _voice(
    engine: str,
    files: list[DeclaredFile],
    *,
    consent: DeclaredFile | None = None,
    language: str = "en-GB",
) -> list[str]:
    decl = Declaration(
        alias=Alias("v"),
        engine=engine,
        language=language,
        files=tuple(files),
        source=SRC,
        consent=consent,
    )
    return [str(d) for d in check_engine_rules(decl, WHERE)]


CONSENT = DeclaredFile(
    WHERE["consent"],
    path="voices/a/consent.wav",
    audio=AudioInfo(Sha256("c" * 64), 1000, "wav", 5.0, 8000, 1),
)


def test_engine_3_allows_25_files_but_not_26() -> None:
    assert _voice("voice_engine_3", [_file(i, 2.0) for i in range(25)]) == []
    assert _voice("voice_engine_3", [_file(i, 2.0) for i in range(26)]) == [
        "voices/v.yaml:5:1: error: voice_engine_3 allows at most 25 files, this voice has 26\n"
        "  hint: keep the longest, cleanest takes (or join short ones into one file)"
    ]


def test_engine_2_allows_500_files_but_not_501() -> None:
    files = [_file(i, 3.0) for i in range(500)]
    assert _voice("voice_engine_2", files, consent=CONSENT) == []
    assert _voice("voice_engine_2", [*files, _file(500, 3.0)], consent=CONSENT) == [
        "voices/v.yaml:5:1: error: voice_engine_2 allows at most 500 files, this voice has 501\n"
        "  hint: keep the longest, cleanest takes (or join short ones into one file)"
    ]


def test_file_ids_count_toward_the_file_limit() -> None:
    ids = [
        DeclaredFile(SRC, file_id=FileId(f"{i:08d}-0000-0000-0000-000000000000")) for i in range(26)
    ]
    assert _voice("voice_engine_3", ids) == [
        "voices/v.yaml:5:1: error: voice_engine_3 allows at most 25 files, this voice has 26\n"
        "  hint: keep the longest, cleanest takes (or join short ones into one file)"
    ]


def test_each_file_needs_one_and_a_half_seconds_on_both_engines() -> None:
    assert _voice("voice_engine_3", [_file(0, 1.5)]) == []
    assert _voice("voice_engine_3", [_file(0, 1.49), _file(1, 2.0)]) == [
        "voices/v.yaml:6:5: error: voices/a/0.wav is 1.49 s long; "
        "voice_engine_3 needs at least 1.5 s per file\n"
        "  hint: record a longer take, or remove the file from `files:`"
    ]
    long = _file(1, 1200.0)
    assert _voice("voice_engine_2", [_file(0, 1.5), long], consent=CONSENT) == []
    assert _voice("voice_engine_2", [_file(0, 1.49), long], consent=CONSENT) == [
        "voices/v.yaml:6:5: error: voices/a/0.wav is 1.49 s long; "
        "voice_engine_2 needs at least 1.5 s per file\n"
        "  hint: record a longer take, or remove the file from `files:`"
    ]


def test_engine_2_needs_twenty_minutes_in_total() -> None:
    assert _voice("voice_engine_2", [_file(0, 600.0), _file(1, 600.0)], consent=CONSENT) == []
    assert _voice("voice_engine_2", [_file(0, 600.0), _file(1, 599.9)], consent=CONSENT) == [
        "voices/v.yaml:5:1: error: voice_engine_2 needs at least 20 minutes of audio in total, "
        "this voice has 19 min 59.9 s\n"
        "  hint: add recordings until the files add up to at least 1200 s "
        "(files under 1.5 s do not count)"
    ]


def test_engine_3_needs_one_and_a_half_seconds_in_total() -> None:
    assert _voice("voice_engine_3", [_file(0, 1.5)]) == []
    assert _voice("voice_engine_3", [_file(0, 1.4)]) == [
        "voices/v.yaml:6:5: error: voices/a/0.wav is 1.4 s long; "
        "voice_engine_3 needs at least 1.5 s per file\n"
        "  hint: record a longer take, or remove the file from `files:`",
        "voices/v.yaml:5:1: error: voice_engine_3 needs at least 1.5 seconds of audio in total, "
        "this voice has 1.4 s\n"
        "  hint: add recordings until the files add up to at least 1.5 s "
        "(files under 1.5 s do not count)",
    ]


def test_engine_3_allows_ten_megabytes_in_total() -> None:
    assert _voice("voice_engine_3", [_file(0, 60.0, 6_000_000), _file(1, 60.0, 4_000_000)]) == []
    assert _voice("voice_engine_3", [_file(0, 60.0, 6_000_000), _file(1, 60.0, 4_000_001)]) == [
        "voices/v.yaml:5:1: error: voice_engine_3 allows at most 10 MB of audio in total, "
        "this voice has 10.00 MB (10,000,001 bytes)\n"
        "  hint: compress the audio (e.g. to MP3 or FLAC)"
    ]


def test_engine_2_allows_five_hundred_megabytes_in_total() -> None:
    files = [_file(i, 600.0, 250_000_000) for i in range(2)]
    assert _voice("voice_engine_2", files, consent=CONSENT) == []
    files.append(_file(2, 600.0, 1))
    assert _voice("voice_engine_2", files, consent=CONSENT) == [
        "voices/v.yaml:5:1: error: voice_engine_2 allows at most 500 MB of audio in total, "
        "this voice has 500.00 MB (500,000,001 bytes)\n"
        "  hint: compress the audio (e.g. to MP3 or FLAC)"
    ]


def test_consent_is_required_for_engine_2_and_not_used_by_engine_3() -> None:
    assert _voice("voice_engine_2", [_file(0, 1200.0)]) == [
        "voices/v.yaml:3:9: error: voice_engine_2 requires a consent recording\n"
        "  hint: add `consent: <path>`: a recording of the speaker agreeing to be cloned"
    ]
    assert _voice("voice_engine_3", [_file(0, 2.0)], consent=CONSENT) == [
        "voices/v.yaml:9:10: error: voice_engine_3 does not use a consent recording\n"
        "  hint: remove `consent:` (only voice engines that require consent use it)"
    ]


def test_consent_does_not_count_toward_the_limits() -> None:
    info = AudioInfo(Sha256("d" * 64), 600_000_000, "wav", 1.0, 8000, 1)
    big_consent = DeclaredFile(WHERE["consent"], path="voices/c.wav", audio=info)  # ignored
    files = [_file(i, 3.0) for i in range(499)] + [_file(499, 1200.0)]
    assert _voice("voice_engine_2", files, consent=big_consent) == []


def test_consent_listed_in_files_is_an_error() -> None:
    assert _voice("voice_engine_2", [_file(0, 1200.0), CONSENT], consent=CONSENT) == [
        "voices/v.yaml:9:10: error: the consent recording is also listed in files"
    ]


def test_non_english_engine_2_under_45_minutes_is_a_warning() -> None:
    files = [_file(0, 1200.0)]
    assert _voice("voice_engine_2", files, consent=CONSENT, language="de-DE") == [
        "voices/v.yaml:4:11: warning: voice_engine_2 recommends at least 45 minutes of audio for "
        "non-English voices, this voice has 20 min 0 s"
    ]
    assert _voice("voice_engine_2", files, consent=CONSENT, language="en-US") == []
    assert _voice("voice_engine_2", [_file(0, 2700.0)], consent=CONSENT, language="de") == []


def test_unknown_engine_is_left_to_the_schema() -> None:
    assert _voice("voice_engine_9", [_file(0, 2.0)]) == []


def test_durations_of_file_ids_are_unknown_offline() -> None:
    remote = DeclaredFile(SRC, file_id=FileId("6f1d2c1e-8a4b-4f7e-9a51-2a3e0c9d7b10"))
    assert _voice("voice_engine_2", [_file(0, 60.0), remote], consent=CONSENT) == []


def test_limits_are_exact_500_files_of_2_4_seconds_are_twenty_minutes() -> None:
    files = [_file(i, 2.4) for i in range(500)]  # a float sum gives 1199.9999999999 s
    assert _voice("voice_engine_2", files, consent=CONSENT) == []
    short = [_file(i, 2.4) for i in range(499)] + [_file(499, 2.399875)]
    assert _voice("voice_engine_2", short, consent=CONSENT) == [
        "voices/v.yaml:5:1: error: voice_engine_2 needs at least 20 minutes of audio in total, "
        "this voice has 19 min 59.999875 s\n"
        "  hint: add recordings until the files add up to at least 1200 s "
        "(files under 1.5 s do not count)"
    ]
