"""Frozen-build entry point for scripts: the same commands with a console."""

from suitcheck.cli import main

raise SystemExit(main())
