"""Layer 0, the values every other layer shares: ids and domain values, the error tree, the
engine table, settings and the `VoiceApi` protocol. Standard library only; no I/O."""
