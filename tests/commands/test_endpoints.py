"""Endpoint and credential policy (issue 12, item 1): a file a pull request can change never
chooses where the key goes. Only the official host and loopback by default, other hosts by
the caller's --allow-host / VOICECTL_ALLOW_HOSTS, key variables AUDIOSTACK_* only, and in PR
mode a changed set of targets blocks the remote plan (exit 4)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.support.clirig import Emu, Repo

KEY = "sk-CANARY-endpoint-0123456789"


class Listener:
    """A TCP listener on 127.0.0.2 (loopback, but not a host voicectl trusts): it counts
    the connections an attacker's server would have received."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.2", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()


@pytest.fixture
def attacker() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.sock.close()


def _target(url: str, key_env: str = "AUDIOSTACK_API_KEY") -> str:
    return f"targets:\n  prod: {{api_url: '{url}', api_key_env: {key_env}}}\n"


def test_a_target_url_on_another_host_is_refused_before_any_connection(
    repo: Repo, attacker: Listener
) -> None:
    repo.write(
        "voicectl.yaml", "owner: acme/voices\n" + _target(f"https://127.0.0.2:{attacker.port}")
    )
    repo.voice("anna-en")
    run = repo.run("plan", env={"AUDIOSTACK_API_KEY": KEY})
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        "error: refusing to send the key to '127.0.0.2' (voicectl.yaml targets.prod.api_url): "
        "only v2.api.audio and loopback are allowed by default\n"
        "  hint: allow the host where voicectl runs: --allow-host 127.0.0.2 "
        "or VOICECTL_ALLOW_HOSTS=127.0.0.2\n"
    )
    assert attacker.accepted == 0


def test_the_caller_may_allow_another_host_by_flag_or_variable(
    repo: Repo, attacker: Listener
) -> None:
    repo.write(
        "voicectl.yaml", "owner: acme/voices\n" + _target(f"https://127.0.0.2:{attacker.port}")
    )
    repo.voice("anna-en")
    by_flag = repo.run("plan", "--allow-host", "127.0.0.2", env={"AUDIOSTACK_API_KEY": KEY})
    by_env = repo.run(
        "plan", env={"AUDIOSTACK_API_KEY": KEY, "VOICECTL_ALLOW_HOSTS": "other.example, 127.0.0.2"}
    )
    assert by_flag.code == by_env.code == 1  # the listener is no TLS server
    assert attacker.accepted >= 2
    assert KEY not in by_flag.text + by_env.text


def test_audiostack_api_url_on_another_host_needs_the_allow_too(
    repo: Repo, attacker: Listener
) -> None:
    repo.voice("anna-en")
    url = f"https://127.0.0.2:{attacker.port}"
    run = repo.run("plan", env={"AUDIOSTACK_API_KEY": KEY, "AUDIOSTACK_API_URL": url})
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        "error: refusing to send the key to '127.0.0.2' (AUDIOSTACK_API_URL): "
        "only v2.api.audio and loopback are allowed by default"
    )
    assert attacker.accepted == 0


def test_a_key_variable_outside_audiostack_is_never_read_or_sent(repo: Repo, emu: Emu) -> None:
    token = "ghs_CANARY_github_token_0123456789"
    repo.write("voicectl.yaml", "owner: acme/voices\n" + _target(emu.base_url, "GITHUB_TOKEN"))
    repo.voice("anna-en")
    run = repo.run("plan", env={"GITHUB_TOKEN": token})
    assert run.code == 1
    assert run.err == (
        "error: target prod: api_key_env 'GITHUB_TOKEN' is not an AUDIOSTACK_* variable\n"
        "  hint: rename the variable (e.g. AUDIOSTACK_PROD_KEY), or allow it where voicectl "
        "runs: VOICECTL_ALLOW_KEY_VARS=GITHUB_TOKEN\n"
    )
    assert emu.requests() == []
    # the workflow (not the file) may allow a variable
    emu.register_key(token)
    allowed = repo.run(
        "plan", env={"GITHUB_TOKEN": token, "VOICECTL_ALLOW_KEY_VARS": "GITHUB_TOKEN"}
    )
    assert allowed.code == 0, allowed.text
    assert token not in allowed.text


def test_pr_mode_blocks_when_the_pull_request_changes_the_targets(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "pr")
    repo.write(
        "voicectl.yaml",
        "owner: acme/voices\n" + _target(emu.base_url, "AUDIOSTACK_STOLEN_KEY"),
    )
    repo.commit("add a target")
    emu.clear_requests()
    run = repo.run("plan", "--base", "main", env={"AUDIOSTACK_STOLEN_KEY": KEY})
    assert (run.code, run.out) == (4, "")
    assert run.err == (
        "error: voicectl.yaml changes the targets against main; the remote plan is blocked "
        "until that change is merged:\n"
        f"  + target prod: api_url {emu.base_url}, api_key_env AUDIOSTACK_STOLEN_KEY\n"
        "  hint: merge the voicectl.yaml change on its own first (a maintainer reviews where "
        "the key goes); the plan of this pull request then runs against the merged targets\n"
    )
    assert emu.requests() == []
    # once merged, the same targets are the base: the plan runs
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    emu.register_key(KEY)
    assert repo.run("plan", "--base", "main", env={"AUDIOSTACK_STOLEN_KEY": KEY}).code == 0


def test_pr_mode_shows_a_changed_url_of_an_existing_target(repo: Repo, emu: Emu) -> None:
    repo.write("voicectl.yaml", "owner: acme/voices\n" + _target(emu.base_url))
    repo.voice("anna-en")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "pr")
    repo.write("voicectl.yaml", "owner: acme/voices\n" + _target("https://v2.api.audio"))
    repo.commit("move prod")
    run = repo.run("plan", "--base", "main", env={"AUDIOSTACK_API_KEY": KEY})
    assert run.code == 4
    assert run.err.splitlines()[1] == (
        f"  ~ target prod: api_url {emu.base_url} → https://v2.api.audio"
    )
