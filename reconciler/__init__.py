"""voicectl: GitOps for cloned voices. Only the version lives here."""

__version__ = "0.1.0"
