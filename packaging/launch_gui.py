"""Frozen-build entry point for the desktop (no console window)."""

from suitcheck.cli import main

raise SystemExit(main())
