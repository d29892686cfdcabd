"""`python -m suitcheck` runs the same entry point as the `suitcheck` command."""

import sys

from suitcheck.cli import main

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # In the frozen build the report reader's worker process starts this executable
        # again; freeze_support runs the worker there instead of the program. Imported
        # only there: multiprocessing costs every other start ~10 ms.
        import multiprocessing

        multiprocessing.freeze_support()
    raise SystemExit(main())
