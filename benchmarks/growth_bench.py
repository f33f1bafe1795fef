"""Growth: validate, cold plan, first apply and no-op apply through the real CLI, from 100
to 50,000 voices (2 distinct WAVs each, one YAML per voice, voicectl.yaml), against the
embedded emulator as `voicectl` opens it by default (SQLite + blobs under .voicectl/,
WAL, synchronous=NORMAL), with the immediate clock. Prints wall time, CPU time (user +
system of the voicectl process: what other load on a shared machine changes least) and
peak RSS per size, the growth ratio of each step on both clocks (time ratio ÷ size ratio:
1.00 is linear) and the no-op apply ÷ cold plan ratio at each size. "plan (cold)" runs
with both audio caches removed (every recording read, hashed and measured again).

    .venv/bin/python benchmarks/growth_bench.py [--max 50000] [--sizes 100,1000,...]

Goals (issue 15): each ×5 step costs ≤ ×5.5 (growth ≤ 1.10); no-op apply at 50k ≤ 1.3 ×
cold plan at 50k; first apply at 10k ≤ 40 s. The first apply is also printed as a ratio
to its floor: the embedded emulator's own work for the same requests (emulatorfloor.py).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from emulatorfloor import emulator_alone
from fleet import Run, cli_env, load_note, make_repo, require, voicectl

STEPS = ("validate", "plan (cold)", "apply (first)", "apply (no-op)")
SIZES = (100, 1000, 5000, 10000, 50000)
CACHES = ("audio-cache.json", "audio-quality.json")  # facts and measures (.voicectl/)


def measure(size: int, scratch: Path) -> dict[str, Run]:
    from reconciler.emulator.core import Emulator

    root = scratch / f"fleet-{size}"
    made = time.perf_counter()
    make_repo(root, size)
    print(f"  {size:>6} voices: tree made in {time.perf_counter() - made:.1f} s", flush=True)
    # the embedded emulator's state file, made first with credits for every voice
    Emulator(root / ".voicectl" / "emulator.sqlite3", credits=10**9).close()
    env = cli_env(VOICECTL_EMULATOR_CLOCK="immediate")
    runs = {"validate": require(voicectl(root, "validate", "--quiet", env=env), "validate")}
    for cache in CACHES:  # cold: every recording read, hashed and measured again
        (root / ".voicectl" / cache).unlink(missing_ok=True)
    runs["plan (cold)"] = require(voicectl(root, "plan", "--quiet", env=env), "plan")
    runs["apply (first)"] = require(voicectl(root, "apply", "--yes", "--quiet", env=env), "apply")
    runs["apply (no-op)"] = require(voicectl(root, "apply", "--yes", "--quiet", env=env), "no-op")
    if "Nothing to apply." not in runs["apply (no-op)"].err:
        sys.stderr.write("the second apply still found work:\n" + runs["apply (no-op)"].err)
        raise SystemExit(1)
    wall, cpu = emulator_alone(root)  # the floor under the first apply (emulatorfloor.py)
    runs["emulator alone"] = Run(wall, 0.0, 0, "", "", cpu)
    return runs


def _took(run: Run, clock: str) -> float:
    return run.seconds if clock == "wall" else max(run.cpu, 1e-6)


def _growth(step: str, small: Run, large: Run, ratio: float, clock: str) -> str:
    times = _took(large, clock) / _took(small, clock)
    return f"{step} ×{times:5.2f} ({times / ratio:4.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max", type=int, default=50000, help="largest size to run")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--scratch", type=Path, help="build the trees here (default: a tmp dir)")
    args = parser.parse_args()
    sizes = [n for n in map(int, args.sizes.split(",")) if n <= args.max]
    print(f"growth benchmark: sizes {sizes}; {load_note()}", flush=True)
    results: dict[int, dict[str, Run]] = {}
    if args.scratch:
        Path(args.scratch).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        for size in sizes:
            results[size] = measure(size, Path(tmp))
            row = "  ".join(
                f"{step} {r.seconds:7.2f} s (cpu {r.cpu:7.2f} s) {r.peak_mb:5.0f} MB"
                for step, r in results[size].items()
                if step in STEPS
            )
            print(f"  {size:>6} voices: {row}", flush=True)
            first, floor = results[size]["apply (first)"], results[size]["emulator alone"]
            bound = floor.seconds + results[size]["apply (no-op)"].seconds
            print(
                f"  {size:>6} voices: the emulator alone serves that first apply in "
                f"{floor.seconds:.2f} s (cpu {floor.cpu:.2f} s): first apply ÷ emulator "
                f"{first.seconds / floor.seconds:.2f} wall, "
                f"{first.cpu / max(floor.cpu, 1e-6):.2f} cpu; with the no-op apply's own "
                f"work (load, checks, reads) on top: {bound:.2f} s",
                flush=True,
            )
    for clock in ("wall", "cpu"):
        print(f"growth per step, {clock} time (time ratio ÷ size ratio; 1 = linear, goal ≤ 1.10):")
        for small, large in itertools.pairwise(sizes):
            cells = "  ".join(
                _growth(step, results[small][step], results[large][step], large / small, clock)
                for step in STEPS
            )
            print(f"  {small:>6} → {large:>6} (×{large / small:g}): {cells}")
        print(f"no-op apply ÷ cold plan, {clock} time (goal at 50k ≤ 1.30):")
        for size in sizes:
            noop = _took(results[size]["apply (no-op)"], clock)
            print(f"  {size:>6} voices: {noop / _took(results[size]['plan (cold)'], clock):4.2f}")
    print(f"after: {load_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
