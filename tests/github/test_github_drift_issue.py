"""`voicectl drift --issue`: one GitHub issue per target, opened on drift, edited in place
while it lasts, closed with a comment when it clears (end to end: the CLI on the embedded
emulator, the loopback fake GitHub API)."""

from __future__ import annotations

from pathlib import Path

from tests.support.clirig import Repo, embedded_repo, voice_yaml
from tests.support.fakegithub import TOKEN, FakeGitHub

MARKER = "<!-- voicectl:drift target=default -->\n"


def _env(github: FakeGitHub) -> dict[str, str]:
    return {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "acme/voices",
        "GITHUB_API_URL": github.url,
        "GITHUB_SERVER_URL": "https://github.test",
        "GITHUB_RUN_ID": "77",
        "VOICECTL_EMULATOR_CLOCK": "immediate",
    }


def _declare(repo: Repo, gender: str) -> None:
    extra = f"metadata:\n  gender: {gender}\n"
    repo.write(
        "voices/alpha.yaml", voice_yaml("alpha-en", "audio/a1.wav", "audio/a2.wav", extra=extra)
    )


def test_drift_opens_edits_then_closes_one_issue(github: FakeGitHub, tmp_path: Path) -> None:
    repo = embedded_repo(tmp_path / "repo")
    repo.env.update(_env(github))
    _declare(repo, "female")
    assert repo.run("apply", "--yes").code == 0
    clean = repo.run("drift", "--issue")
    assert (clean.code, clean.err.splitlines()[-1]) == (0, "drift issue: none")
    assert github.issues == {}

    _declare(repo, "male")
    opened = repo.run("drift", "--issue")
    assert opened.code == 2
    (issue,) = github.issues.values()
    assert opened.err.splitlines()[-1] == f"drift issue #{issue['number']}: opened"
    assert issue["title"] == "Voices drifted from their declarations (target default)"
    assert [label["name"] for label in issue["labels"]] == ["voicectl-drift"]
    assert issue["body"].startswith(
        MARKER + "**Drift: 1 differs from its declaration; 0 up to date.**\n"
    )
    assert 'metadata.gender: declared "male", remote "female"' in issue["body"]
    assert issue["body"].endswith(
        "[Workflow run](https://github.test/acme/voices/actions/runs/77)\n"
    )

    _declare(repo, "other")  # still drifting, differently: the same issue is edited
    again = repo.run("drift", "--issue")
    assert again.err.splitlines()[-1] == f"drift issue #{issue['number']}: updated"
    assert len(github.issues) == 1 and 'declared "other"' in issue["body"]

    _declare(repo, "female")
    cleared = repo.run("drift", "--issue")
    assert cleared.code == 0
    assert cleared.err.splitlines()[-1] == f"drift issue #{issue['number']}: closed"
    assert issue["state"] == "closed"
    assert [c["body"] for c in github.pr_comments(issue["number"])] == [
        "No drift any more: the remote matches the declarations again. Closing."
    ]
    # drift coming back opens a new issue (the closed one stays closed)
    _declare(repo, "male")
    assert repo.run("drift", "--issue").code == 2
    assert sorted(i["state"] for i in github.issues.values()) == ["closed", "open"]


def test_an_issue_typed_by_an_outsider_with_the_marker_is_not_edited(
    github: FakeGitHub, tmp_path: Path
) -> None:
    github.issues[5] = {
        "number": 5, "title": "fake", "body": MARKER + "spoofed", "state": "open",
        "user": {"login": "mallory", "type": "User"}, "author_association": "NONE",
        "labels": [], "html_url": "https://github.test/acme/voices/issues/5",
    }  # fmt: skip
    repo = embedded_repo(tmp_path / "repo")
    repo.env.update(_env(github))
    _declare(repo, "female")
    assert repo.run("apply", "--yes").code == 0
    _declare(repo, "male")
    assert repo.run("drift", "--issue").code == 2
    assert github.issues[5]["body"] == MARKER + "spoofed"
    assert len(github.issues) == 2
