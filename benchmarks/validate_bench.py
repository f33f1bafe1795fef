"""`voicectl validate` on a one-voice repository against the bare import of the
third-party packages that run loads (found with `python -X importtime`), each a fresh
process, medians of `--repeat` runs.

    .venv/bin/python benchmarks/validate_bench.py [--repeat 7]

Goal (issue 15): validate on one voice ≤ 2 × the bare import of its dependencies.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fleet import cli_env, load_note, make_repo, require, run, voicectl


def third_party(root: Path, env: dict[str, str]) -> list[str]:
    """Top-level non-stdlib packages a validate run imports (reconciler excluded)."""
    done = run([sys.executable, "-X", "importtime", "-m", "reconciler", "validate"], root, env)
    names = set()
    for line in done.err.splitlines():
        if line.startswith("import time:") and "|" in line:
            top = line.rsplit("|", 1)[1].strip().split(".")[0]
            if top and top not in sys.stdlib_module_names and top != "reconciler":
                names.add(top)
    wanted = {n for n in names if n.isidentifier() and not n.startswith("_")}
    # importtime also lists imports that failed: the stdlib's `from org.python.core import`
    # probe for Jython (copy.py) names a package that does not exist here
    return sorted(n for n in wanted - {"sitecustomize"} if importlib.util.find_spec(n))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"validate benchmark: {load_note()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "fleet"
        make_repo(root, 1)
        env = cli_env()
        packages = third_party(root, env)
        # optional imports that failed in the run also fail (and cost) here
        code = f"for name in {packages!r}:\n try: __import__(name)\n except ImportError: pass"
        bare = [sys.executable, "-c", code]
        validate = [voicectl(root, "validate", env=env) for _ in range(args.repeat)]
        for result in validate:
            require(result, "validate")
        imports = [require(run(bare, root, env), "bare import") for _ in range(args.repeat)]
    ours = statistics.median(r.seconds for r in validate)
    floor = statistics.median(r.seconds for r in imports)
    print(f"  third-party packages imported by validate: {', '.join(packages) or 'none'}")
    print(f"  bare import of them: {floor * 1000:.0f} ms (median of {args.repeat})")
    print(f"  voicectl validate, one voice: {ours * 1000:.0f} ms (median of {args.repeat})")
    print(f"  ratio {ours / floor:.2f} (goal ≤ 2.00)")
    print(f"after: {load_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
