"""`voicectl validate` and `voicectl schema` end to end, in process (B3–B5, B9, B10)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from tests.support.clirig import CliRun, Repo
from tests.support.mp3 import write_vbr_mp3
from tests.support.wav import write_wav_frames

REPO_ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., CliRun]


def test_shipped_examples_are_valid(run_cli: Run) -> None:
    outcome = run_cli("validate", cwd=REPO_ROOT)
    assert (outcome.code, outcome.out) == (0, "")
    assert outcome.err.endswith("voices valid (0 warnings)\n")
    examples = sorted((REPO_ROOT / "voices").rglob("*.y*ml"))
    assert len(examples) >= 2
    for example in examples:
        first = example.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, example
        assert (
            example.parent / match.group(1)
        ).resolve() == REPO_ROOT / "schemas/voice.schema.json"


def test_clean_tree_prints_one_summary_line(repo: Repo, run_cli: Run) -> None:
    repo.wav("voices/a.wav")
    repo.write_voice("anna", "anna-en", ["a.wav"])
    outcome = run_cli("validate", cwd=repo.root / "voices")  # root found upwards via .git
    assert (outcome.code, outcome.out, outcome.err) == (0, "", "✓ 1 voice valid (0 warnings)\n")
    quiet = run_cli("validate", "--quiet", cwd=repo.root)
    assert (quiet.code, quiet.err) == (0, "")


def test_errors_are_sorted_with_hints_and_a_count(repo: Repo, run_cli: Run) -> None:
    repo.write_voice("b", "bob-en", ["missing.wav"])
    repo.write("voices/a.yaml", "version: 1\nalias: anna\nengine: voice_engine_9\nlanguage: en\n")
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.code == 1
    assert outcome.err == (
        "voices/a.yaml:1:1: error: missing required field 'files'\n"
        "voices/a.yaml:3:9: error: unknown engine 'voice_engine_9' "
        "(expected voice_engine_2, voice_engine_3)\n"
        "voices/b.yaml:6:5: error: file not found: voices/missing.wav\n"
        "  hint: paths are relative to the YAML file; check the spelling and the folder\n"
        "3 errors, 0 warnings\n"
    )


def test_github_actions_adds_escaped_annotations_for_the_first_ten(
    repo: Repo, run_cli: Run
) -> None:
    for n in range(12):
        repo.write_voice(f"v{n:02d}", f"voice-{n:02d}", [f"missing-{n}%.wav"])
    outcome = run_cli("validate", cwd=repo.root, env={"GITHUB_ACTIONS": "true"})
    annotations = [line for line in outcome.err.splitlines() if line.startswith("::")]
    assert len(annotations) == 10
    assert annotations[0] == (
        "::error file=voices/v00.yaml,line=6,col=5::file not found: voices/missing-0%25.wav"
        "%0Ahint: paths are relative to the YAML file; check the spelling and the folder"
    )
    assert outcome.err.endswith("12 errors, 0 warnings\n")


def test_github_actions_lists_every_problem_in_the_job_summary(
    repo: Repo, run_cli: Run, tmp_path: Path
) -> None:
    for n in range(12):
        repo.write_voice(f"v{n:02d}", f"voice-{n:02d}", [f"missing-{n}|<b>.wav"])
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    outcome = run_cli("validate", cwd=repo.root, env=env)
    assert outcome.code == 1
    rows = [line for line in summary.read_text().splitlines() if "file not found" in line]
    assert len(rows) == 12  # all of them, not only the ten annotations
    assert rows[0] == (
        "| voices/v00.yaml:6:5 | error | file not found: voices/missing-0\\|&lt;b&gt;.wav "
        "(hint: paths are relative to the YAML file; check the spelling and the folder) |"
    )


def test_warnings_keep_exit_zero(repo: Repo, run_cli: Run) -> None:
    write_wav_frames(repo.root / "voices/de/long.wav", 1200 * 1000, rate=1000)
    repo.wav("voices/de/consent.wav", 3.0)
    repo.write(
        "voices/de.yaml",
        "version: 1\nalias: hans-de\nengine: voice_engine_2\nlanguage: de\n"
        "files: [de/long.wav]\nconsent: de/consent.wav\n",
    )
    outcome = run_cli("validate", cwd=repo.root)
    assert outcome.code == 0
    assert outcome.err == (
        "voices/de.yaml:4:11: warning: voice_engine_2 recommends at least 45 minutes of audio "
        "for non-English voices, this voice has 20 min 0 s\n"
        "0 errors, 1 warning\n"
        "✓ 1 voice valid (1 warning)\n"
    )


def test_engine_2_with_nineteen_minutes_and_no_consent(repo: Repo, run_cli: Run) -> None:
    write_wav_frames(repo.root / "voices/en/long.wav", 1140 * 1000, rate=1000)
    repo.write(
        "voices/en.yaml",
        "version: 1\nalias: anna-en\nengine: voice_engine_2\nlanguage: en\nfiles: [en/long.wav]\n",
    )
    outcome = run_cli("validate", cwd=repo.root)
    assert (outcome.code, outcome.err) == (
        1,
        "voices/en.yaml:3:9: error: voice_engine_2 requires a consent recording\n"
        "  hint: add `consent: <path>`: a recording of the speaker agreeing to be cloned\n"
        "voices/en.yaml:5:1: error: voice_engine_2 needs at least 20 minutes of audio in "
        "total, this voice has 19 min 0 s\n"
        "  hint: add recordings until the files add up to at least 1200 s "
        "(files under 1.5 s do not count)\n"
        "2 errors, 0 warnings\n",
    )


def test_engine_3_with_26_files_and_over_ten_megabytes(repo: Repo, run_cli: Run) -> None:
    for n in range(26):
        repo.wav(f"voices/many/{n:02d}.wav", 1.5)
    write_wav_frames(repo.root / "voices/big/a.wav", 5_000_000 - 44)
    write_wav_frames(repo.root / "voices/big/b.wav", 5_000_001 - 44)
    repo.write_voice("many", "many-files", ["many/*.wav"])
    repo.write_voice("big", "big-files", ["big/*.wav"])
    outcome = run_cli("validate", cwd=repo.root)
    assert (outcome.code, outcome.err) == (
        1,
        "voices/big.yaml:5:1: error: voice_engine_3 allows at most 10 MB of audio in total, "
        "this voice has 10.00 MB (10,000,001 bytes)\n"
        "  hint: compress the audio (e.g. to MP3 or FLAC)\n"
        "voices/many.yaml:5:1: error: voice_engine_3 allows at most 25 files, this voice has 26\n"
        "  hint: keep the longest, cleanest takes (or join short ones into one file)\n"
        "2 errors, 0 warnings\n",
    )
    (repo.root / "voices/many/25.wav").unlink()
    write_wav_frames(repo.root / "voices/big/b.wav", 5_000_000 - 44)
    assert run_cli("validate", cwd=repo.root).code == 0


def test_bad_audio_and_paths_end_to_end(repo: Repo, run_cli: Run, tmp_path: Path) -> None:
    repo.wav("voices/ok.wav")
    write_vbr_mp3(repo.root / "voices/vbr.mp3", 200)
    (tmp_path / "outside.wav").write_bytes(b"RIFF")
    (repo.root / "voices/link.wav").symlink_to(tmp_path / "outside.wav")
    repo.wav("voices/cut.wav", 4.0)
    cut = (repo.root / "voices/cut.wav").read_bytes()
    (repo.root / "voices/cut.wav").write_bytes(cut[:20_000])
    repo.write_voice("a", "anna", ["ok.wav", "vbr.mp3", "../../x.wav", "link.wav", "cut.wav"])
    outcome = run_cli("validate", cwd=repo.root)
    assert (outcome.code, outcome.err) == (
        1,
        "voices/a.yaml:8:5: error: '../../x.wav' points outside the repository\n"
        "  hint: keep audio inside it\n"
        "voices/a.yaml:9:5: error: 'link.wav' points outside the repository through a symlink "
        "(voices/link.wav)\n"
        "  hint: copy the file into the repository\n"
        "voices/a.yaml:10:5: error: voices/cut.wav is truncated: its header announces 4.0 s, "
        "only 2.5 s is present\n"
        "  hint: the file is cut short: re-export or copy it again\n"
        "3 errors, 0 warnings\n",
    )


def test_pre_commit_style_filenames(repo: Repo, run_cli: Run) -> None:
    repo.wav("voices/a.wav")
    repo.write_voice("one", "anna", ["a.wav"])
    repo.write_voice("two", "anna", ["a.wav"])
    repo.write("voices/broken.yaml", "{")
    outcome = run_cli("validate", "voices/one.yaml", cwd=repo.root)
    assert (outcome.code, outcome.err) == (
        1,
        "voices/one.yaml:2:8: error: duplicate alias 'anna' (also declared at "
        "voices/two.yaml:2:8)\n"
        "  hint: aliases must be unique across the repository\n"
        "1 error, 0 warnings\n",
    )


def test_schema_command_prints_the_schemas(run_cli: Run, tmp_path: Path) -> None:
    voice = run_cli("schema", cwd=tmp_path)
    assert voice.code == 0
    assert json.loads(voice.out)["title"] == "voicectl voice declaration"
    project = run_cli("schema", "project", cwd=tmp_path)
    assert json.loads(project.out)["title"] == "voicectl project settings (voicectl.yaml)"
