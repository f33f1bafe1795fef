"""Client findings of the apply review: a refused presigned upload URL is not a key problem.
uploads.py also copes with it: see test_apply_review_uploads.py."""

from __future__ import annotations

import pytest

from reconciler.model.errors import ApiError, AuthError
from reconciler.model.values import FolderId
from tests.support.applyrig import Rig


def test_a_refused_upload_url_is_not_reported_as_a_key_problem(rig: Rig) -> None:
    rig.fault(method="PUT", route="/_upload/*", status=403, times=1)
    client = rig.client()
    folder: FolderId = client.create_folder("voicectl")
    declared = rig.wav("voices/anna/00.wav")
    assert declared.path is not None and declared.audio is not None
    with pytest.raises(ApiError) as caught:
        client.upload(folder, "x-00.wav", rig.root / declared.path, declared.audio.sha256)
    assert not isinstance(caught.value, AuthError)
    assert "AUDIOSTACK_API_KEY" not in str(caught.value)
