"""Frozen-build entry point for scripts: the same commands with a console."""

import multiprocessing

if __name__ == "__main__":
    # In the frozen build a worker process (the report reader, a long list's second half)
    # starts this executable again; freeze_support runs the worker there instead of the
    # program, before the program's own imports, which the worker does not need.
    multiprocessing.freeze_support()
    from suitcheck.frozen import restore_library_path

    restore_library_path()  # programs it starts (a PDF viewer) get the user's library path
    from suitcheck.cli import main

    raise SystemExit(main())
