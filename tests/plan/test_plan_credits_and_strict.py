"""Credits held by clones still running count in the plan's balance and budget; a voice
created under `strict_files: true` whose files the server discarded keeps planning as
failed (by policy) until it is replaced or accepted."""

from __future__ import annotations

import dataclasses

from reconciler.plan.value import Action
from reconciler.render.text import plan_lines
from tests.support.planbuild import clone, declaration, file_ids, plan_of, state


def test_reserved_credits_of_running_clones_lower_the_balance_and_the_budget() -> None:
    running = declaration("anna-en", engine="voice_engine_2", consent=None)
    new = declaration("bob-en")
    remote = state(clone(running, status="in_progress"), credits=1_700)
    plan = plan_of([running, new], remote)
    assert plan.reserved == 1_200
    assert plan.balance_after == 1_700 - 1_200 - 300
    assert plan.to_dict(created_at="")["credits"]["reserved"] == 1_200
    assert str(plan_lines(plan)[-1]).endswith("Balance after: 200 credits.")
    # 1,500 of 1,700 held by the running clone: a 300-credit create no longer fits
    tight = plan_of([running, new], state(clone(running, status="in_progress"), credits=1_400))
    assert tight.blocked_reasons == (
        "cost 300 credits exceeds the 200 credits remaining (after the clones still running)",
    )


def test_strict_files_with_discards_stays_failed_until_fixed_or_accepted() -> None:
    strict = declaration("anna-en", strict_files=True)
    dropped = file_ids(strict)[0]
    remote = state(
        clone(strict, discarded={dropped: "too short: 1.2 s < 1.5 s"}), uploaded=[strict]
    )
    (change,) = plan_of([strict], remote).changes
    assert (change.action, change.reasons) == (
        Action.FAILED,
        ("strict_files: the server discarded 1 file(s)",),
    )
    assert change.hint == (
        "replace the files under a new alias with `replaces: anna-en`, or accept the voice "
        "with `strict_files: false`"
    )
    accepted = dataclasses.replace(strict, strict_files=False)
    (ok,) = plan_of([accepted], remote).changes
    assert ok.action is Action.NOOP
