def writes(emu: Emu) -> list[tuple[str, str]]:
    """Every non-GET request the emulator saw, as (method, path)."""
    return [(r["method"], r["path"]) for r in emu.requests() if r["method"] != "GET"]


def clone_posts(emu: Emu) -> list[dict[str, Any]]:
    return [r for r in emu.requests() if r["method"] == "POST" and r["path"] == CLONES]


def one_record_per_alias(emu: Emu, aliases: list[str]) -> None:
    """Exactly one clone record per alias, stamped with our owner; never a DELETE/PATCH."""
    for alias in aliases:
        records = emu.clones(alias)
        assert len(records) == 1, (alias, records)
        assert records[0]["metadata"]["managed_by"] == f"voicectl:{OWNER}"
    assert not {r["method"] for r in emu.requests()} & {"DELETE", "PATCH"}


def voicectl_process(
    repo: Repo, *argv: str, env: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    """`python -m reconciler ARGV` in `repo` as a separate process (pipes, no TTY)."""
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(repo.root)),
        **repo.env,
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", *argv],
        cwd=repo.root,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
