"""The key never reaches stderr or stdout (issue 12, item 4): the banner, usage errors and
server messages all pass the one scrubber, registered before anything is printed; base64
and URL-encoded forms of the key are masked too."""

from __future__ import annotations

import base64
from urllib.parse import quote

from tests.support.clirig import Emu, Repo

KEY = "sk-CANARY+secret/0123456789"


def test_a_key_in_the_api_path_is_masked_in_the_banner(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    run = repo.run("plan", "--api", f"http://127.0.0.1:1/{KEY}", env={"AUDIOSTACK_API_KEY": KEY})
    assert run.err.splitlines()[0] == "target: default (http://127.0.0.1:1/***)"
    assert KEY not in run.text


def test_a_key_passed_as_target_name_is_masked_in_the_usage_error(repo: Repo) -> None:
    repo.voice("anna-en")
    run = repo.run("plan", "--target", KEY, env={"AUDIOSTACK_API_KEY": KEY})
    assert run.code == 1
    assert run.err == "error: unknown target '***' (voicectl.yaml targets: none declared)\n"


def test_a_key_in_an_argparse_usage_error_is_masked(repo: Repo) -> None:
    run = repo.run("plan", "--format", KEY, env={"AUDIOSTACK_API_KEY": KEY})
    assert run.code == 1
    assert KEY not in run.err
    assert run.err.splitlines()[-1] == (
        "voicectl plan: error: argument --format: invalid choice: '***' "
        "(choose from 'text', 'json', 'markdown')"
    )


def test_encoded_forms_of_the_key_in_a_server_message_are_masked(repo: Repo, emu: Emu) -> None:
    emu.register_key(KEY)
    repo.voice("anna-en")
    encoded = base64.b64encode(f"x-api-key:{KEY}".encode()).decode()
    body = f'{{"message": "rejected {encoded} {quote(KEY, safe="")}"}}'
    emu.fault(method="GET", route="*", status=400, body=body)
    run = repo.run("plan", env={"AUDIOSTACK_API_KEY": KEY})
    assert run.code == 1
    assert encoded not in run.text and quote(KEY, safe="") not in run.text
    assert "HTTP 400: rejected eC1hcGkta2V5On***Q== *** (request id" in run.err
