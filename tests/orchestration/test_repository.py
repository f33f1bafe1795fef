"""plan_repository: one call from typed inputs (PlanSource, Selection) to the pure plan,
against the real emulator through its httpx transport. Declarations meant for another
target or left out by `--only` are neither planned nor orphans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reconciler.audiostack.client import AudioStackClient
from reconciler.declarations.loading import load_project
from reconciler.emulator.core import Emulator
from reconciler.emulator.transport import EmulatorTransport
from reconciler.orchestration.repository import PlanSource, plan_repository, replan
from reconciler.orchestration.selection import Selection
from reconciler.plan.change import Action
from tests.support.wav import write_wav

VOICE = """version: 1
alias: {alias}
engine: voice_engine_3
language: en-GB
files: [audio/{alias}.wav]
{extra}"""


@pytest.fixture
def client() -> Iterator[tuple[AudioStackClient, httpx.Client]]:
    emulator = Emulator(":memory:", clock_mode="immediate")
    transport = EmulatorTransport(emulator)
    admin = httpx.Client(base_url=transport.base_url, transport=transport)
    with AudioStackClient(transport.base_url, "emulator", transport=transport) as api:
        yield api, admin
    admin.close()
    emulator.close()


def _repo(root: Path) -> PlanSource:
    for seed, (alias, extra) in enumerate(
        [("anna-en", ""), ("bob-en", "targets: [staging]\n"), ("cleo-en", "")]
    ):
        write_wav(root / f"voices/audio/{alias}.wav", 2.0, seed)
        (root / f"voices/{alias}.yaml").write_text(VOICE.format(alias=alias, extra=extra))
    (root / "voicectl.yaml").write_text("owner: acme\ntargets:\n  default: {}\n  staging: {}\n")
    return PlanSource(root=root, project=load_project(root), target="default", owner="acme")


def _seed(admin: httpx.Client, alias: str, owner: str = "acme") -> None:
    record = {
        "alias": alias,
        "status": "succeeded",
        "metadata": {"managed_by": f"voicectl:{owner}"},
    }
    assert admin.post("/_emulator/clones", json=record).status_code == 200


def test_a_voice_of_another_target_is_no_orphan_and_a_removed_one_is(
    tmp_path: Path, client: tuple[AudioStackClient, httpx.Client]
) -> None:
    api, admin = client
    _seed(admin, "bob-en")  # declared for staging only
    _seed(admin, "gone-en")  # no longer declared anywhere
    planned = plan_repository(_repo(tmp_path), Selection(), api)
    assert [v.alias for v in planned.declared] == ["anna-en", "cleo-en"]
    assert [(c.alias, c.action) for c in planned.plan.changes] == [
        ("anna-en", Action.CREATE),
        ("cleo-en", Action.CREATE),
        ("gone-en", Action.ORPHAN),
    ]
    assert planned.plan.cost == 600


def test_only_plans_the_matching_aliases_and_nothing_else(
    tmp_path: Path, client: tuple[AudioStackClient, httpx.Client]
) -> None:
    api, admin = client
    _seed(admin, "gone-en")
    planned = plan_repository(_repo(tmp_path), Selection(only=("cleo-*",)), api)
    assert [(c.alias, c.action) for c in planned.plan.changes] == [("cleo-en", Action.CREATE)]
    assert planned.plan.owner == "acme" and planned.plan.target == "default"


def test_replan_reads_the_remote_again_and_nothing_local(
    tmp_path: Path, client: tuple[AudioStackClient, httpx.Client]
) -> None:
    """apply's verdict (issue 15): the reviewed declarations against a fresh remote read;
    a declaration edited or removed meanwhile is not read."""
    api, admin = client
    source = _repo(tmp_path)
    planned = plan_repository(source, Selection(), api)
    _seed(admin, "anna-en")  # a record unlike the declaration: seen only by a fresh read
    (tmp_path / "voices/cleo-en.yaml").unlink()
    (tmp_path / "voices/dora-en.yaml").write_text("not: [valid")
    again = replan(source, Selection(), api, planned)
    assert again.declared == planned.declared
    assert [(c.alias, c.action) for c in again.plan.changes] == [
        ("anna-en", Action.DRIFT),
        ("cleo-en", Action.CREATE),
    ]


def test_a_drift_check_plans_only_what_drift_reports(
    tmp_path: Path, client: tuple[AudioStackClient, httpx.Client]
) -> None:
    api, admin = client
    _seed(admin, "zed-en", owner="other")  # another repository's voice: not drift
    _seed(admin, "gone-en")
    source = _repo(tmp_path)
    full = plan_repository(source, Selection(), api).plan
    assert [(c.alias, c.action) for c in full.changes] == [
        ("anna-en", Action.CREATE),
        ("cleo-en", Action.CREATE),
        ("gone-en", Action.ORPHAN),
        ("zed-en", Action.UNMANAGED),
    ]
    assert not full.drift_check and full.exit_reason == "changes"
    checked = plan_repository(source, Selection(drift_check=True), api).plan
    assert [(c.alias, c.action) for c in checked.changes] == [
        ("anna-en", Action.CREATE),
        ("cleo-en", Action.CREATE),
        ("gone-en", Action.ORPHAN),
    ]
    assert checked.drift_check and checked.exit_reason == "drift"
    assert checked.drifted == checked.changes
