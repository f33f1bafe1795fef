"""Regenerate the small example recordings under voices/audio/ (run by hand, once).

Needs espeak-ng, sox and lame (Debian packages). The committed files are the output;
tests and CI never run this script.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINES = {
    "anna/take-01.wav": ("en-gb+f3", "Hello, this is Anna. I am recording a sample for my voice."),
    "anna/take-02.mp3": ("en-gb+f3", "The quick brown fox jumps over the lazy dog, twice."),
    "bob/aufnahme-01.mp3": ("de+m3", "Guten Tag, hier spricht Bob. Dies ist eine kurze Probe."),
    "bob/aufnahme-02.wav": ("de+m3", "Zwei Wochen lang regnete es jeden Tag in Hamburg."),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        for rel, (voice, text) in LINES.items():
            target = ROOT / "voices" / "audio" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            raw = Path(temp) / "raw.wav"
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", "140", "-w", str(raw), text], check=True
            )
            mono = Path(temp) / "mono.wav"
            subprocess.run(
                ["sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(mono)], check=True
            )
            if rel.endswith(".wav"):
                target.write_bytes(mono.read_bytes())
            else:
                subprocess.run(["lame", "--quiet", "-b", "32", str(mono), str(target)], check=True)
            print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
