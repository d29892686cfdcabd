"""What the frozen build's bootloader changes in this process's environment, undone for the
programs the desktop starts (standard library only: the launchers import it first)."""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping


def restore_library_path(environ: MutableMapping[str, str] = os.environ) -> None:
    """PyInstaller's bootloader (Linux) puts the bundle's folder first on LD_LIBRARY_PATH and
    keeps the user's own value, if any, as LD_LIBRARY_PATH_ORIG. Every program the desktop
    started inherited it: "Open the PDF" (QDesktopServices: xdg-open and the viewer it
    starts) made system programs load the bundle's SQLite, OpenSSL and Qt 6 libraries
    instead of their own (a viewer built on the system's Qt stops with "Cannot mix
    incompatible Qt library"). This process read the variable when it started, so taking it
    back changes nothing here; suitcheck's own workers start the bundle's executable, whose
    bootloader sets it again. From source (not frozen) nothing is touched."""
    if not getattr(sys, "frozen", False):
        return
    if "LD_LIBRARY_PATH_ORIG" in environ:
        environ["LD_LIBRARY_PATH"] = environ.pop("LD_LIBRARY_PATH_ORIG")
        return
    bundle = getattr(sys, "_MEIPASS", None)
    value = environ.get("LD_LIBRARY_PATH")
    if bundle and value is not None and value.split(os.pathsep)[0] == bundle:
        del environ["LD_LIBRARY_PATH"]
