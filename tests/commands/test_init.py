"""`voicectl init`: a voices repository that validates, plans and applies out of the box
(embedded emulator), with schemas for its modelines, the workflows and a pre-commit
config; it never overwrites a file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reconciler.cli.scaffold import action_from_direct_url
from tests.support.clirig import CHECKOUT, IMMEDIATE, run_cli

SHA = "4be1c0d8a7f3e2b1c0d9e8f7a6b5c4d3e2f1a0b9"
ACTION = f"acme/voicectl@{SHA}"
FILES = [
    "voicectl.yaml",
    "voices/myvoices-example-en.yaml",
    "voices/audio/example/take-01.wav",
    "voices/audio/example/take-02.mp3",
    "schemas/voice.schema.json",
    "schemas/project.schema.json",
    ".pre-commit-config.yaml",
]
WORKFLOWS = [f".github/workflows/voices-{n}.yml" for n in ("plan", "apply", "drift")]
NO_ACTION = (
    "workflows not written: no voicectl repository to use as their action\n"
    "  hint: voicectl init --skip-existing --action OWNER/voicectl@<full commit SHA>\n"
)
NEXT = (
    "next: {cd}voicectl validate && voicectl plan   # no key: the embedded emulator\n"
    "      voicectl apply --yes --api emulator   # then `voicectl plan` says No changes.\n"
)


def _tree(root: Path) -> list[str]:
    found = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return sorted(f for f in found if not f.startswith(".git/"))


def test_init_scaffolds_a_repository_that_validates_plans_and_applies(tmp_path: Path) -> None:
    code, out, err = run_cli("init", "myvoices", cwd=tmp_path)
    assert (code, out) == (0, "")
    assert err == (
        "".join(f"created  myvoices/{f}\n" for f in FILES)
        + NO_ACTION
        + NEXT.format(cd="cd myvoices && ")
    )
    root = tmp_path / "myvoices"
    assert _tree(root) == sorted(FILES)
    assert (root / "voicectl.yaml").read_text(encoding="utf-8").splitlines()[2] == (
        "owner: myvoices   # stamped on every voice this repository creates"
    )
    # the modelines point at the schemas init wrote, byte-identical to `voicectl schema`
    for rel, kind in (("voices/myvoices-example-en.yaml", "voice"), ("voicectl.yaml", "project")):
        first = (root / rel).read_text(encoding="utf-8").splitlines()[0]
        target = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert target is not None
        schema = (root / rel).parent / target[1]
        assert schema.read_text(encoding="utf-8") == run_cli("schema", kind, cwd=root).out
    validated = run_cli("validate", cwd=root)
    assert (validated.code, validated.err) == (0, "✓ 1 voice valid (0 warnings)\n")
    plan = run_cli("plan", "--detailed-exitcode", cwd=root, env=IMMEDIATE)
    assert plan.code == 2
    assert plan.out.splitlines()[0] == (
        "  + create    myvoices-example-en  voice_engine_3, 2 files, 9.2 s, 300 credits"
    )
    applied = run_cli("apply", "--yes", "--api", "emulator", cwd=root, env=IMMEDIATE)
    assert (applied.code, applied.out.splitlines()[-1]) == (0, "Converged.")
    again = run_cli("plan", "--detailed-exitcode", cwd=root, env=IMMEDIATE)
    assert (again.code, again.out) == (0, "No changes. 1 voice up to date.\n")


def test_init_never_overwrites_and_writes_nothing_when_a_file_exists(tmp_path: Path) -> None:
    (tmp_path / "voicectl.yaml").write_text("owner: acme/mine\n", encoding="utf-8")
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "voice.schema.json").write_text("{}", encoding="utf-8")
    code, out, err = run_cli("init", "--owner", "acme/voices", cwd=tmp_path)
    assert (code, out) == (1, "")
    assert err == (
        "error: voicectl.yaml exists; not overwritten\n"
        "error: schemas/voice.schema.json exists; not overwritten\n"
        "nothing written\n"
        "  hint: move those files away, or pass --skip-existing to keep them and write the rest\n"
    )
    assert _tree(tmp_path) == ["schemas/voice.schema.json", "voicectl.yaml"]
    kept = run_cli("init", "--owner", "acme/voices", "--skip-existing", cwd=tmp_path)
    assert kept.code == 0
    assert kept.err.splitlines()[:3] == [
        "kept     voicectl.yaml (exists)",
        "created  voices/voices-example-en.yaml",
        "created  voices/audio/example/take-01.wav",
    ]
    assert "kept     schemas/voice.schema.json (exists)" in kept.err.splitlines()
    assert (tmp_path / "voicectl.yaml").read_text(encoding="utf-8") == "owner: acme/mine\n"
    assert (tmp_path / "schemas" / "voice.schema.json").read_text(encoding="utf-8") == "{}"
    assert not list(tmp_path.rglob("*.tmp"))  # no temporary file left behind


def test_with_an_action_the_workflows_and_the_hook_use_that_commit(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    origin = "git@github.com:acme/studio-voices.git"
    subprocess.run(["git", "remote", "add", "origin", origin], cwd=tmp_path, check=True)
    code, _, err = run_cli("init", "--action", ACTION, cwd=tmp_path)
    assert code == 0 and "workflows not written" not in err
    assert _tree(tmp_path) == sorted(
        [*(f.replace("myvoices", "studio-voices") for f in FILES), *WORKFLOWS]
    )
    assert "owner: acme/studio-voices   #" in (tmp_path / "voicectl.yaml").read_text("utf-8")
    for rel in WORKFLOWS:
        text = (tmp_path / rel).read_text(encoding="utf-8")
        shipped = (CHECKOUT / rel).read_text(encoding="utf-8")
        assert text == re.sub(r"uses: \./$", f"uses: {ACTION}", shipped, flags=re.M)
        assert f"uses: {ACTION}" in text and not re.search(r"uses: \./", text)
    tool = Path(sys.executable).parent / "check-jsonschema"
    if tool.exists():  # the workflows stay valid GitHub workflows
        files = [str(tmp_path / rel) for rel in WORKFLOWS]
        argv = [str(tool), "--builtin-schema", "vendor.github-workflows", *files]
        assert subprocess.run(argv, capture_output=True, check=False).returncode == 0
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config == {
        "repos": [
            {
                "repo": "https://github.com/acme/voicectl",
                "rev": SHA,
                "hooks": [{"id": "voicectl-validate"}],
            }
        ]
    }


def test_without_an_action_the_hook_is_the_local_voicectl_with_the_shipped_trigger(
    tmp_path: Path,
) -> None:
    assert run_cli("init", cwd=tmp_path).code == 0
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = config["repos"][0]["hooks"]
    [shipped] = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert config["repos"][0]["repo"] == "local"
    assert (hook["entry"], hook["language"]) == ("voicectl validate", "system")
    for key in ("id", "files", "pass_filenames", "require_serial"):
        assert hook[key] == shipped[key], key


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--action", "acme/voicectl@v1"],
            "error: --action 'acme/voicectl@v1' is not OWNER/REPO@<full commit SHA>",
        ),
        (["--owner", "acme voices"], "error: --owner 'acme voices' is not a repository name"),
    ],
)
def test_a_bad_action_or_owner_is_refused_before_anything_is_written(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    code, _, err = run_cli("init", *argv, cwd=tmp_path)
    assert code == 1 and err.splitlines()[0] == message
    assert _tree(tmp_path) == []


def test_the_action_of_a_voicectl_installed_from_github_is_found() -> None:
    clone = {
        "url": "https://github.com/acme/voicectl.git",
        "vcs_info": {"vcs": "git", "commit_id": SHA},
    }
    assert action_from_direct_url(json.dumps(clone)) == ACTION
    for other in (
        {"url": "file:///src/voicectl", "dir_info": {"editable": True}},  # a local checkout
        {"url": "https://github.com/acme/voicectl", "vcs_info": {"commit_id": "main"}},
        {"url": "https://gitlab.com/acme/voicectl", "vcs_info": {"commit_id": SHA}},
    ):
        assert action_from_direct_url(json.dumps(other)) is None
    assert action_from_direct_url("not json") is None


def test_the_example_is_the_shipped_one_under_another_alias(tmp_path: Path) -> None:
    assert run_cli("init", "--owner", "acme/voices", cwd=tmp_path).code == 0
    shipped = (CHECKOUT / "voices/anna-en-instant.yaml").read_text(encoding="utf-8")
    example = (tmp_path / "voices/voices-example-en.yaml").read_text(encoding="utf-8")
    assert example == shipped.replace("anna-en-instant", "voices-example-en").replace(
        "audio/anna/", "audio/example/"
    )
    for name in ("take-01.wav", "take-02.mp3"):
        copied = tmp_path / "voices/audio/example" / name
        assert copied.read_bytes() == (CHECKOUT / "voices/audio/anna" / name).read_bytes()
