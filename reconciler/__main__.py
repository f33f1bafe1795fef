"""`python -m reconciler` runs the voicectl CLI."""

import sys

from reconciler.cli.main import main

sys.exit(main())
