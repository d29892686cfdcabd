"""THIRD-PARTY-NOTICES.txt: the licence of everything the frozen build carries.

A desktop gets Python, Qt, PySide6, SQLAlchemy and a dozen more libraries inside the
bundle; their licences (MIT, BSD, Apache, LGPL, PSF) ask that their notices travel with
the binaries. This module is run by packaging/suitcheck.spec, inside the build
environment, on the files PyInstaller's analyses chose, so the notices cover what is
shipped, not what is declared:

- a file some installed distribution lists in its RECORD -> that distribution's licence
  files (core metadata `License-File`, found where PEP 639 puts them or beside the
  metadata; otherwise the LICENSE/COPYING/NOTICE files its RECORD lists);
- a file of the Python installation itself -> Python's LICENSE.txt;
- suitcheck's own sources -> nothing (the project's own licence heads the file);
- anything else (a system library, e.g. Debian's libssl3 on Linux) -> its Debian package's
  /usr/share/doc/PACKAGE/copyright, found with `dpkg -S`.

A file with no owner, or an owner with no licence text, stops the build with a sentence
naming it (a bundle whose notices are incomplete is not shipped). The few distributions
whose wheels carry no licence file at all are listed in SUPPLIED with the text the
project keeps in packaging/licenses/.

Only the standard library: importlib.metadata reads the metadata (pip-licenses 5.5 was
tried and finds no text for PEP 639 folders such as pypdfium2's `licenses/LICENSES/...`).
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILE_NAME = "THIRD-PARTY-NOTICES.txt"

# Wheels that carry no licence file. Qt for Python (PySide6, shiboken6) is offered under
# LGPLv3 or GPL; suitcheck takes it under LGPLv3, which is GPLv3 with additional
# permissions, so both texts travel (as LGPLv3 itself asks). Keys: normalised names.
SUPPLIED: dict[str, tuple[str, tuple[str, ...]]] = {
    name: ("LGPL-3.0-only (Qt for Python, taken under the LGPLv3)", ("LGPL-3.0.txt", "GPL-3.0.txt"))
    for name in ("pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6")
}

_LICENCE_NAME = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)


class IncompleteNotices(Exception):
    """A bundled file whose owner or licence could not be found."""


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Owners:
    distributions: dict[str, metadata.Distribution] = field(default_factory=dict)
    python: bool = False
    system: dict[str, Path] = field(default_factory=dict)  # Debian package -> its copyright file


def _dist_name(dist: metadata.Distribution) -> str:
    return normalise(dist.metadata["Name"])


def _record_index() -> dict[Path, metadata.Distribution]:
    index: dict[Path, metadata.Distribution] = {}
    for dist in metadata.distributions():
        for entry in dist.files or ():
            index[Path(dist.locate_file(entry)).resolve()] = dist
    return index


def _python_roots() -> list[Path]:
    roots = {Path(sys.base_prefix).resolve(), Path(sys.base_exec_prefix).resolve()}
    for key in ("stdlib", "platstdlib"):
        roots.add(Path(sysconfig.get_paths()[key]).resolve())
    return sorted(roots)


def _under(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _debian_copyright(path: Path) -> tuple[str, Path] | None:
    """(package, its copyright file) for a file dpkg installed, or None."""
    if shutil.which("dpkg") is None:
        return None
    for candidate in {str(path), str(path).removeprefix("/usr")}:
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if ": /" in line:
                package = line.split(":", 1)[0].split(",")[0].strip()
                copyright_file = Path("/usr/share/doc") / package / "copyright"
                if copyright_file.is_file():
                    return package, copyright_file
    return None


def owners(sources: Iterable[str | Path], own: Iterable[Path], of_python: Iterable[Path] = ()) -> Owners:
    """Who owns each bundled file (a distribution, Python, or a system package). `own`:
    the folders of suitcheck's own files; `of_python`: files the freezer made from
    Python's standard library (PyInstaller's base_library.zip)."""
    index = _record_index()
    python_roots = _python_roots()
    own = [p.resolve() for p in own]
    stdlib_made = {p.resolve() for p in of_python}
    found = Owners()
    unowned: list[Path] = []
    for source in sorted({Path(s).resolve() for s in sources}):
        if not source.is_file():
            continue  # PyInstaller's own entries (a splash, a generated file) name no file
        dist = index.get(source)
        if dist is not None:
            found.distributions.setdefault(_dist_name(dist), dist)
        elif _under(source, own):
            continue
        elif source in stdlib_made or _under(source, python_roots):
            found.python = True
        else:
            system = _debian_copyright(source)
            if system is None:
                unowned.append(source)
            else:
                found.system[system[0]] = system[1]
    if unowned:
        raise IncompleteNotices(
            "no distribution, Python installation or system package owns these bundled files, "
            "so their licence is unknown: " + ", ".join(str(p) for p in unowned[:10])
        )
    return found


def _read(dist: metadata.Distribution, entry: metadata.PackagePath) -> str:
    """A licence file's text: UTF-8, or Latin-1 as some older ones are (a © byte)."""
    data = Path(dist.locate_file(entry)).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(file name, text) of a distribution's licence files, or those SUPPLIED for it."""
    texts: list[tuple[str, str]] = []
    metadata_files = {
        "/".join(entry.parts[1:]): entry for entry in dist.files or () if entry.parts[0].endswith(".dist-info")
    }
    for name in dist.metadata.get_all("License-File") or ():
        entry = metadata_files.get(f"licenses/{name}") or metadata_files.get(name)  # PEP 639, then older wheels
        text = _read(dist, entry) if entry is not None else ""
        if text.strip():
            texts.append((name, text))
    if not texts:
        for name, entry in sorted(metadata_files.items()):
            if _LICENCE_NAME.search(entry.name):
                text = _read(dist, entry)
                if text.strip():
                    texts.append((name, text))
    if not texts and _dist_name(dist) in SUPPLIED:
        for name in SUPPLIED[_dist_name(dist)][1]:
            texts.append((name, (HERE / "licenses" / name).read_text(encoding="utf-8")))
    if not texts:
        raise IncompleteNotices(
            f"{dist.metadata['Name']} {dist.version} is bundled but carries no licence file; "
            "add its licence text to packaging/licenses/ and to SUPPLIED in packaging/notices.py"
        )
    return texts


def _licence_line(dist: metadata.Distribution) -> str:
    supplied = SUPPLIED.get(_dist_name(dist))
    stated = dist.metadata.get("License-Expression") or (dist.metadata.get("License") or "").strip()
    if supplied:
        return f"{supplied[0]}; offered as {stated}" if stated else supplied[0]
    if stated and "\n" not in stated and len(stated) <= 120:
        return stated
    classifiers = [c.split(" :: ")[-1] for c in dist.metadata.get_all("Classifier") or () if c.startswith("License")]
    if classifiers:
        return ", ".join(classifiers)
    return "see the text below"


def _python_licence() -> str:
    for candidate in (
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",  # POSIX builds
        Path(sys.base_prefix) / "LICENSE.txt",  # python.org on Windows
    ):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8", errors="replace")
    raise IncompleteNotices(f"the Python installation ({sys.base_prefix}) holds no LICENSE.txt to ship with it")


def _section(title: str, licence: str, texts: Iterable[tuple[str, str]]) -> str:
    rule = "=" * 78
    parts = [f"{rule}\n{title}\nLicence: {licence}\n{rule}\n"]
    for name, text in texts:
        parts.append(f"--- {name} ---\n\n{text.rstrip()}\n")
    return "\n".join(parts)


def notices(found: Owners, project: str, version: str) -> str:
    head = (
        f"{project} {version}: third-party notices\n\n"
        f"{project} itself is proprietary software of its publisher; all rights reserved.\n"
        "It is shipped with the third-party software below, each under its own licence,\n"
        "whose notices and texts follow. Qt for Python (PySide6, shiboken6) and the Qt\n"
        "libraries it carries are used under the GNU LGPL version 3: they are separate\n"
        "shared libraries in this folder, which you may replace with your own builds.\n"
        "So is psycopg (LGPL-3.0): its modules are source files in _internal/psycopg and\n"
        "its libpq and C parts are shared libraries (_internal/psycopg_binary*).\n"
    )
    sections = [head]
    if found.python:
        sections.append(
            _section(
                f"Python {sys.version.split()[0]} (the interpreter and its standard library)",
                "PSF-2.0",
                [("LICENSE.txt", _python_licence())],
            )
        )
    for name in sorted(found.distributions):
        dist = found.distributions[name]
        sections.append(_section(f"{dist.metadata['Name']} {dist.version}", _licence_line(dist), licence_texts(dist)))
    for package in sorted(found.system):
        text = found.system[package].read_text(encoding="utf-8", errors="replace")
        sections.append(
            _section(f"{package} (a system library, from Debian)", "see the text below", [("copyright", text)])
        )
    return "\n\n".join(sections)


def write(
    sources: Iterable[str | Path],
    own: Iterable[Path],
    out: Path,
    project: str,
    version: str,
    of_python: Iterable[Path] = (),
) -> Owners:
    """Write the notices for the bundled `sources` to `out`; IncompleteNotices if any is unknown."""
    found = owners(sources, own, of_python)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(notices(found, project, version), encoding="utf-8")
    return found
