"""The AudioStack emulator: an independent second implementation of api-contract.md.

It imports nothing from the rest of `reconciler` (stdlib, httpx in transport.py, mutagen
in probe.py). Entry points: core.Emulator, transport.EmulatorTransport / open_embedded,
server.serve_in_thread / serve.
"""
