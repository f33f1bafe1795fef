"""What the simulated runner reads and shows (test helper): workflow YAML with its `on:` key,
the GITHUB_OUTPUT file format (`key=value` and heredoc `key<<DELIM`), and the log as GitHub
shows it (`::add-mask::` values masked, `::stop-commands::` honoured)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def parse_outputs(text: str) -> dict[str, str]:
    result: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if "<<" in line:
            key, delimiter = line.split("<<", 1)
            value = []
            for body in lines:
                if body == delimiter:
                    break
                value.append(body)
            result[key] = "\n".join(value)
        elif "=" in line:
            key, value = line.split("=", 1)
            result[key] = value
    return result


def process_log(raw: str) -> str:
    """What the runner shows: masks applied, `::add-mask::` lines consumed."""
    masks: list[str] = []
    shown: list[str] = []
    stop_token: str | None = None
    for line in raw.split("\n"):
        if stop_token is not None:
            if line == f"::{stop_token}::":
                stop_token = None
                continue
            shown.append(line)
            continue
        if line.startswith("::add-mask::"):
            masks.append(line.removeprefix("::add-mask::"))
            continue
        if line.startswith("::stop-commands::"):
            stop_token = line.removeprefix("::stop-commands::")
            continue
        shown.append(line)
    text = "\n".join(shown)
    for mask in sorted(filter(None, masks), key=len, reverse=True):
        text = text.replace(mask, "***")
    return text
