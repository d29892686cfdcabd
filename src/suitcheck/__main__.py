"""`python -m suitcheck` runs the same entry point as the `suitcheck` command."""

import sys


def run() -> int:
    """The `suitcheck` command installed by pip. A worker process started with "spawn"
    runs the command's script again, as its main module: that script imports only this
    small module, so the worker does not import the command line and SQLAlchemy (~0.35 s)
    before its own work."""
    from suitcheck.cli import main

    return main()


if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # In the frozen build a worker process (the report reader, a long list's second
        # half) starts this executable again; freeze_support runs the worker there instead
        # of the program, before the program's imports, which the worker does not need.
        # Imported only there: multiprocessing costs every other start ~10 ms.
        import multiprocessing

        multiprocessing.freeze_support()
        from suitcheck.frozen import restore_library_path

        restore_library_path()  # programs it starts (a PDF viewer) get the user's library path
    from suitcheck.cli import main

    raise SystemExit(main())
