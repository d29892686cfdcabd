"""`python -m suitcheck` runs the same entry point as the `suitcheck` command."""

import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # In the frozen build a worker process (the report reader, a long list's second
        # half) starts this executable again; freeze_support runs the worker there instead
        # of the program, before the program's imports, which the worker does not need.
        # Imported only there: multiprocessing costs every other start ~10 ms.
        import multiprocessing

        multiprocessing.freeze_support()
    from suitcheck.cli import main

    raise SystemExit(main())
