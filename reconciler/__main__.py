"""`python -m reconciler` runs the voicectl CLI."""

import sys

from reconciler.cli import main

sys.exit(main())
