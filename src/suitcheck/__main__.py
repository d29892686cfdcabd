"""`python -m suitcheck` runs the same entry point as the `suitcheck` command."""

from suitcheck.cli import main

raise SystemExit(main())
