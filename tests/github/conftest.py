"""Fixtures for the GitHub tests: the loopback fake GitHub API and a token canary."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.fakegithub import TOKEN, FakeGitHub, serve_fake_github


@pytest.fixture(scope="session")
def _served_github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub(token=TOKEN)
    server, thread = serve_fake_github(fake)
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def github(_served_github: FakeGitHub) -> Iterator[FakeGitHub]:
    """The served fake, emptied for each test."""
    fake = _served_github
    with fake.lock:
        fake.comments.clear()
        fake.pulls_by_commit.clear()
        fake.issues.clear()
        fake.requests.clear()
        fake.faults.clear()
        fake.commit_then_fail.clear()
        fake.send_link_headers = True
    yield fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client
