"""execute() sends what each planned change holds (its metadata, files, engine, credits),
never a copy rebuilt from the declaration, and accepts planned writes only."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reconciler.apply.engine import execute
from reconciler.apply.events import Submitted
from reconciler.plan.change import Action
from reconciler.plan.stamp import files_stamp
from tests.support.applyrig import OWNER, Rig, planned_writes


def test_the_posted_metadata_and_the_credits_are_the_changes_own(rig: Rig) -> None:
    (change,) = planned_writes([rig.declare("anna", 2)], OWNER)
    reviewed = replace(change, metadata={**change.metadata, "reviewed_by": "kim"}, credits=250)
    report, sink = rig.execute([reviewed])
    (record,) = rig.clones("anna")
    assert record["metadata"] == {
        "gender": "female",
        "languageCode": "en-GB",
        "managed_by": "voicectl:acme",
        "reviewed_by": "kim",
        "voicectl_files": files_stamp(reviewed.declared),  # type: ignore[arg-type]
    }
    (submitted,) = [e for e in sink.events if isinstance(e, Submitted)]
    assert (submitted.credits, report.credits_spent) == (250, 250)


def test_the_posted_files_are_the_changes_declared_files(rig: Rig) -> None:
    anna = rig.declare("anna", 3)
    (change,) = planned_writes([anna], OWNER)
    assert change.declared is not None
    fewer = replace(change, declared=replace(change.declared, files=anna.files[:2]))
    rig.execute([fewer])
    (record,) = rig.clones("anna")
    names = {f["fileId"]: f["fileName"] for f in rig.state()["files"]}
    sent = sorted(names[f] for f in [*record["filesUsed"], *record["discardedFiles"]])
    assert sent == sorted(f.upload_name for f in anna.files[:2])


def test_execute_refuses_a_change_that_is_not_a_planned_write(rig: Rig) -> None:
    (change,) = planned_writes([rig.declare("anna", 1)], OWNER)
    client = rig.client()
    with pytest.raises(ValueError) as adopt:
        execute([replace(change, action=Action.ADOPT)], client, owner=OWNER, root=rig.root)
    assert str(adopt.value) == "not a planned write: adopt anna"
    with pytest.raises(ValueError) as undeclared:
        execute([replace(change, declared=None)], client, owner=OWNER, root=rig.root)
    assert str(undeclared.value) == "not a planned write: create anna"
    assert rig.posts() == [] and rig.posts("/files") == []
