"""Frozen-build entry point for the desktop (no console window)."""

import multiprocessing

from suitcheck.cli import main

if __name__ == "__main__":
    # In the frozen build the report reader's worker process starts this executable
    # again; freeze_support runs the worker there instead of the program.
    multiprocessing.freeze_support()
    raise SystemExit(main())
