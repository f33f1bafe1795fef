"""Real plan values for the GitHub tests, built with reconciler.plan.value (no network or audio)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reconciler.model.errors import Location
from reconciler.model.values import Alias, AudioInfo, Declaration, DeclaredFile, Sha256
from reconciler.plan.planfile import write_plan
from reconciler.plan.value import Action, Change, Origin, Plan

HEAD = "4be1c0d" + "0" * 33


def declaration(alias: str, metadata: Mapping[str, Any] | None = None) -> Declaration:
    sha = Sha256(hashlib.sha256(alias.encode()).hexdigest())
    path = f"voices/audio/{alias}.wav"
    audio = AudioInfo(sha256=sha, bytes=320_044, container="wav", duration_s=10.0)
    return Declaration(
        alias=Alias(alias),
        engine="voice_engine_3",
        language="en-GB",
        files=(DeclaredFile(Location(path), path=path, audio=audio),),
        source=Location(f"voices/{alias}.yaml", 3, 8),
        metadata=dict(metadata or {}),
    )


def create_change(
    alias: str, metadata: Mapping[str, Any] | None = None, origin: Origin = Origin.PR
) -> Change:
    decl = declaration(alias, metadata)
    return Change(
        action=Action.CREATE,
        alias=decl.alias,
        origin=origin,
        declared=decl,
        credits=300,
        reasons=("not on the remote",),
        metadata=decl.metadata,
    )


def make_plan(
    creates: int = 0,
    *,
    target: str = "default",
    noop: int = 0,
    aliases: tuple[str, ...] = (),
    metadata: Mapping[str, Any] | None = None,
    base_compared: bool = False,
) -> Plan:
    changes = [create_change(f"voice-{i:05d}", metadata) for i in range(creates)]
    changes += [create_change(a, metadata) for a in aliases]
    changes += [Change(action=Action.NOOP, alias=Alias(f"same-{i:05d}")) for i in range(noop)]
    return Plan(
        target=target,
        owner="acme/voices",
        changes=tuple(changes),
        credits_remaining=10_000_000,
        base_compared=base_compared,
        remote_fingerprint="sha256:" + "0" * 64,
    )


def plan_dict(plan: Plan, head: str = HEAD) -> dict[str, Any]:
    return plan.to_dict(created_at="2026-11-25T10:00:00Z", git={"head": head, "base": None})


def save_plan(plan: Plan, path: Path, head: str = HEAD) -> Path:
    write_plan(plan, path, created_at="2026-11-25T10:00:00Z", git={"head": head, "base": None})
    return path
