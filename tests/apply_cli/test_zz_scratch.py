from clirig import Emu, Repo
from conftest import writes


def test_scratch(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")
    repo.commit()
    o = repo.run("apply", "--yes")
    print("APPLY1", o.code, repr(o.out), repr(o.err))
    print(writes(emu))
    o = repo.run("plan", "--detailed-exitcode")
    print("PLAN", o.code, repr(o.out), repr(o.err))
    emu.clear_requests()
    o = repo.run("apply", "--yes")
    print("APPLY2", o.code, repr(o.out), repr(o.err))
    print(emu.requests())
    print(emu.state()["credits"])
    assert 0
