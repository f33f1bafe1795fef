"""Selection: the target's declarations, `--only` globs and `--changed` paths, with the
selector errors word for word."""

from __future__ import annotations

import pytest

from reconciler.model.errors import Location, SelectorError
from reconciler.model.values import Alias, Declaration
from reconciler.orchestration.selection import Selection, for_target, select


def _voice(alias: str, *, targets: tuple[str, ...] = ()) -> Declaration:
    source = Location(f"voices/{alias}.yaml", 3, 8)
    return Declaration(Alias(alias), "voice_engine_3", "en-GB", (), source, targets=targets)


VOICES = (_voice("anna-en"), _voice("bob-en", targets=("staging",)), _voice("cleo-fr"))


def test_without_selectors_every_declaration_of_the_target_is_chosen() -> None:
    assert [v.alias for v in select(VOICES, Selection(), target="default")] == [
        "anna-en",
        "cleo-fr",
    ]
    assert [v.alias for v in for_target(VOICES, "staging")] == ["anna-en", "bob-en", "cleo-fr"]


def test_only_keeps_the_matching_aliases_and_refuses_a_glob_matching_none() -> None:
    chosen = select(VOICES, Selection(only=("*-fr", "anna-*")), target="default")
    assert [v.alias for v in chosen] == ["anna-en", "cleo-fr"]
    with pytest.raises(SelectorError) as refused:
        select(VOICES, Selection(only=("zed-*",)), target="default")
    assert str(refused.value) == "--only 'zed-*' matches no declared alias"


def test_changed_keeps_the_declarations_whose_file_changed() -> None:
    selection = Selection(changed=True, base="main")
    chosen = select(VOICES, selection, target="default", changed_paths={"voices/cleo-fr.yaml"})
    assert [v.alias for v in chosen] == ["cleo-fr"]


def test_changed_needs_a_base_and_at_least_one_changed_declaration() -> None:
    with pytest.raises(SelectorError) as no_base:
        select(VOICES, Selection(changed=True), target="default")
    assert str(no_base.value) == "--changed needs --base REF to compare against"
    with pytest.raises(SelectorError) as nothing:
        select(VOICES, Selection(changed=True, base="main"), target="default", changed_paths=())
    assert str(nothing.value) == "--changed: no declaration changed against main"
