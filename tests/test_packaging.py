"""The release path's sources: one version everywhere, valid desktop metadata, an NSIS
script that compiles, a release workflow GitHub accepts, icon renders made from the SVG.

The frozen build itself is built and smoke-tested by `python3 dev.py package`
(packaging/build.py, run by .ci/run); these are the fast checks of what feeds it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

import suitcheck

ROOT = Path(__file__).resolve().parents[1]


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return _load(ROOT / "packaging" / "build.py", "suitcheck_packaging_build")


def tool(name: str) -> str:
    """A system tool the packaging needs: CI installs it (.ci/run), so there it must exist."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run installs it")
        pytest.skip(f"{name} is not installed here (CI installs it)")
    return found


def test_one_version_feeds_the_build_and_the_release_notes(build: ModuleType) -> None:
    assert suitcheck.__version__ == build.VERSION
    assert build.APP_ID == suitcheck.APP_ID
    newest, date, items = build.releases()[0]
    assert newest == suitcheck.__version__
    assert items
    assert f'<release version="{suitcheck.__version__}" date="{date}">' in build.metainfo_xml()


def test_news_for_another_version_stops_the_build(build: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "VERSION", "9.9.9")
    with pytest.raises(SystemExit, match="9.9.9"):
        build.releases()


@pytest.mark.parametrize(
    ("pep440", "debian"), [("0.2.0", "0.2.0"), ("0.3.0rc1", "0.3.0~rc1"), ("0.3.0.dev2", "0.3.0~dev2")]
)
def test_debian_versions_sort_like_python_versions(build: ModuleType, pep440: str, debian: str) -> None:
    assert build.debian_version(pep440) == debian
    if debian != pep440 and shutil.which("dpkg"):
        release = pep440.split("rc")[0].split(".dev")[0]
        assert subprocess.run(["dpkg", "--compare-versions", debian, "lt", release]).returncode == 0


def test_desktop_entry_validates_and_names_the_icon(build: ModuleType) -> None:
    desktop = ROOT / "packaging" / "linux" / "suitcheck.desktop"
    result = subprocess.run([tool("desktop-file-validate"), str(desktop)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert not result.stdout.strip(), result.stdout
    assert f"Icon={suitcheck.APP_ID}\n" in desktop.read_text()


def test_appstream_metainfo_validates(build: ModuleType, tmp_path: Path) -> None:
    metainfo = tmp_path / f"{suitcheck.APP_ID}.metainfo.xml"
    metainfo.write_text(build.metainfo_xml(), encoding="utf-8")
    result = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", "--pedantic", str(metainfo)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_nsis_script_compiles_against_a_placeholder_payload(
    build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool("makensis")
    monkeypatch.setattr(build, "BUILD", tmp_path)
    monkeypatch.setattr(build, "ROOT", tmp_path.parent)
    out = build.makensis(build.placeholder_payload(), tmp_path / "setup.exe")
    assert out.read_bytes()[:2] == b"MZ"


def test_nsis_script_is_per_user_and_keeps_the_users_data() -> None:
    """What the uninstaller must never do is as important as what it does."""
    script = (ROOT / "packaging" / "windows" / "suitcheck.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script
    assert "HKLM" not in script
    assert "$PROGRAMFILES" not in script
    assert "Software\\Classes" not in script  # no file association
    uninstall = script.split('Section "Uninstall"', 1)[1]
    assert "$LOCALAPPDATA\\suitcheck" not in uninstall.replace("$(DataKept)", "")
    assert 'RMDir /r "$INSTDIR"' not in uninstall  # only the program's own files
    assert "MessageBox" in uninstall
    assert "$(DataKept)" in uninstall


def test_nsis_replaces_or_removes_nothing_while_suitcheck_runs() -> None:
    """Upgrading or removing while a desk or a script runs suitcheck: Windows keeps the
    running program's files in use, so the installer removed the unlocked part of
    _internal under it and then failed on (or, "Ignore", skipped) suitcheck.exe, leaving
    a broken or two-version program; the uninstaller checked only suitcheck.exe."""
    script = (ROOT / "packaging" / "windows" / "suitcheck.nsi").read_text(encoding="utf-8")
    assert re.search(r"^AllowSkipFiles off$", script, re.M)  # never a skipped, older file
    check = script.split("Function ${UN}EnsureClosed", 1)[1].split("FunctionEnd", 1)[0]
    for program in ("suitcheck.exe", "suitcheck-cli.exe"):
        assert f'FileOpen $0 "$INSTDIR\\{program}" a' in check  # a running program cannot be opened to write
    assert '"$(StillRunning)" /SD IDCANCEL' in check
    assert "Abort" in check
    install = script.split('Section "suitcheck"', 1)[1].split("SectionEnd", 1)[0]
    uninstall = script.split('Section "Uninstall"', 1)[1].split("SectionEnd", 1)[0]
    for section, call in ((install, "Call EnsureClosed"), (uninstall, "Call un.EnsureClosed")):
        changes = [section.find(step) for step in ("RMDir", "Delete", "File ") if step in section]
        assert call in section
        assert section.index(call) < min(changes)


def test_release_workflow_matches_the_github_workflow_schema() -> None:
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(ROOT / ".github/workflows/release.yml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icon_renders_come_from_the_current_svg() -> None:
    render = _load(ROOT / "scripts" / "render_icons.py", "suitcheck_render_icons")
    assert render.is_fresh(), "the SVG changed: run python scripts/render_icons.py"
    for size in render.PNG_SIZES:
        assert _png_size(render.png_path(size)) == (size, size)
    assert (ROOT / "packaging/icons/suitcheck.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (ROOT / "packaging/icons/suitcheck.icns").read_bytes()[:4] == b"icns"


def test_window_icon_is_the_app_icon(qapp: object) -> None:
    from suitcheck.gui.app import app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= {16, 32, 48, 256}


def test_chinese_shows_on_a_desktop_without_a_cjk_font(qapp: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tarball (or the .deb without its Recommends) on a desktop with no Chinese font:
    every Chinese label of the window was a row of empty boxes. The bundled Droid Sans
    Fallback subset (already shipped for the PDFs) is registered for Qt's fallback then."""
    from PySide6.QtGui import QFontDatabase

    from suitcheck.gui.app import ensure_cjk_font

    chinese = QFontDatabase.WritingSystem.SimplifiedChinese
    real_families = QFontDatabase.families

    def no_cjk_font(system: QFontDatabase.WritingSystem = QFontDatabase.WritingSystem.Any) -> list[str]:
        return [] if system == chinese else real_families(system)

    monkeypatch.setattr(QFontDatabase, "families", staticmethod(no_cjk_font))
    family = ensure_cjk_font()
    assert family is not None
    assert chinese in QFontDatabase.writingSystems(family)
    assert QFontDatabase.families(chinese) == []  # still stubbed: the font came from the bundle


def test_a_desktop_with_a_cjk_font_keeps_its_own(qapp: object) -> None:
    from PySide6.QtGui import QFontDatabase

    from suitcheck.gui.app import ensure_cjk_font

    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.fail("CI installs fonts-noto-cjk (.ci/run); this machine has no Chinese font")
    assert ensure_cjk_font() is None


# ---------------------------------------------------------------- third-party notices


@pytest.fixture(scope="module")
def notices() -> ModuleType:
    return _load(ROOT / "packaging" / "notices.py", "suitcheck_packaging_notices")


def _source_of(module_name: str) -> Path:
    spec = importlib.util.find_spec(module_name)
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin)


def test_notices_carry_each_bundled_distributions_own_licence_text(notices: ModuleType, tmp_path: Path) -> None:
    import sqlalchemy

    out = tmp_path / "THIRD-PARTY-NOTICES.txt"
    found = notices.write(
        [_source_of("sqlalchemy"), _source_of("json"), ROOT / "src" / "suitcheck" / "__init__.py"],
        [ROOT / "src"],
        out,
        "suitcheck",
        suitcheck.__version__,
    )
    assert sorted(found.distributions) == ["sqlalchemy"]
    assert found.python  # the standard library's json
    text = out.read_text(encoding="utf-8")
    assert f"SQLAlchemy {sqlalchemy.__version__}\nLicence: MIT" in text
    # The text itself, as the wheel ships it (the notice MIT asks to travel with copies).
    from importlib.metadata import distribution

    licence = next(f for f in distribution("SQLAlchemy").files or () if f.name == "LICENSE")
    assert Path(str(distribution("SQLAlchemy").locate_file(licence))).read_text(encoding="utf-8").strip() in text
    assert "PSF-2.0" in text
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in text
    assert "suitcheck itself is proprietary" in text


def test_notices_give_qt_for_python_the_lgpl_its_wheels_do_not_carry(notices: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "notices.txt"
    found = notices.write([_source_of("PySide6.QtCore"), _source_of("shiboken6")], [], out, "suitcheck", "0")
    assert {"pyside6-essentials", "shiboken6"} <= set(found.distributions)
    text = out.read_text(encoding="utf-8")
    assert "LGPL-3.0-only (Qt for Python, taken under the LGPLv3)" in text
    assert text.count("GNU LESSER GENERAL PUBLIC LICENSE") >= 2  # for each of the two distributions
    assert "GNU GENERAL PUBLIC LICENSE" in text  # LGPLv3 is GPLv3 plus permissions: both travel


def test_a_bundled_file_nobody_owns_stops_the_build(notices: ModuleType, tmp_path: Path) -> None:
    stray = tmp_path / "libmystery.so"
    stray.write_bytes(b"\x7fELF")
    out = tmp_path / "notices.txt"
    with pytest.raises(notices.IncompleteNotices, match="libmystery.so"):
        notices.write([stray, _source_of("sqlalchemy")], [], out, "suitcheck", "0")
    assert not out.exists()


def test_a_bundled_distribution_without_a_licence_file_stops_the_build(
    notices: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = tmp_path / "unlicensed-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: unlicensed\nVersion: 1.0\nLicense: MIT\n")
    (tmp_path / "unlicensed.py").write_text("")
    (info / "RECORD").write_text(
        "unlicensed.py,,\nunlicensed-1.0.dist-info/METADATA,,\nunlicensed-1.0.dist-info/RECORD,,\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "notices.txt"
    with pytest.raises(notices.IncompleteNotices, match="unlicensed 1.0 is bundled but carries no licence file"):
        notices.write([tmp_path / "unlicensed.py"], [], out, "suitcheck", "0")
    # With a licence file beside its metadata (an older wheel's way) it is taken, in Latin-1 too.
    (info / "LICENSE").write_bytes("Copyright \xa9 2020 Someone\n".encode("latin-1"))
    (info / "RECORD").write_text((info / "RECORD").read_text() + "unlicensed-1.0.dist-info/LICENSE,,\n")
    notices.write([tmp_path / "unlicensed.py"], [], out, "suitcheck", "0")
    assert "Copyright \xa9 2020 Someone" in out.read_text(encoding="utf-8")


def test_a_system_library_brings_its_debian_copyright(notices: ModuleType, tmp_path: Path) -> None:
    tool("dpkg")
    libffi = next(Path("/usr/lib").glob("*/libffi.so.8"), None)
    if libffi is None:
        pytest.fail("libffi8 is a dependency of Python on Debian; this machine lacks it")
    out = tmp_path / "notices.txt"
    found = notices.write([libffi], [], out, "suitcheck", "0")
    assert list(found.system) == ["libffi8"]
    text = out.read_text(encoding="utf-8")
    assert "libffi8 (a system library, from Debian)" in text
    assert Path("/usr/share/doc/libffi8/copyright").read_text(encoding="utf-8").strip()[:200] in text


def test_the_deb_copyright_file_names_where_the_notices_are(build: ModuleType) -> None:
    text = build.debian_copyright()
    assert text.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
    assert f"/opt/suitcheck/{build.NOTICES_IN_BUNDLE.as_posix()}" in text
    from suitcheck.about import NOTICES_RESOURCE

    assert build.NOTICES_IN_BUNDLE.as_posix().endswith(f"suitcheck/resources/{NOTICES_RESOURCE}")


def test_the_tarball_is_roots_with_modes_of_its_own_whoever_built_it(
    build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT unpacks the tarball as root into /opt: tar then keeps the owners and modes it
    holds. Those of the build machine's user (CI's runner, uid 1001: a clerk's account on
    many desktops) and umask (group-writable) would let that user replace the program."""
    bundle = tmp_path / "suitcheck"
    internal = bundle / "_internal"
    internal.mkdir(parents=True)
    program, library = bundle / "suitcheck", internal / "libpython3.so"
    program.write_text("#!/bin/sh\n")
    library.write_text("a library\n")
    (internal / "libpython3.so.1").symlink_to("libpython3.so")
    program.chmod(0o775)
    library.chmod(0o664)
    for folder in (bundle, internal):
        folder.chmod(0o775)
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # as CI's runner: an ordinary user's files
        for path in (bundle, internal, program, library):
            os.chown(path, 1001, 1001)
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "DIST", tmp_path)

    with tarfile.open(build.build_tarball(bundle)) as tar:
        members = {member.name.split("/", 1)[-1]: member for member in tar.getmembers()}
    top = f"suitcheck-{build.VERSION}"
    assert set(members) == {top, "suitcheck", "_internal", "_internal/libpython3.so", "_internal/libpython3.so.1"}
    for member in members.values():
        assert (member.uid, member.gid, member.uname, member.gname) == (0, 0, "root", "root"), member.name
    modes = {name: member.mode for name, member in members.items() if not member.issym()}
    assert modes == {top: 0o755, "suitcheck": 0o755, "_internal": 0o755, "_internal/libpython3.so": 0o644}
    assert members["_internal/libpython3.so.1"].linkname == "libpython3.so"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"LD_LIBRARY_PATH": "/opt/suitcheck/_internal"}, {}),
        (
            {"LD_LIBRARY_PATH": "/opt/suitcheck/_internal:/usr/local/lib", "LD_LIBRARY_PATH_ORIG": "/usr/local/lib"},
            {"LD_LIBRARY_PATH": "/usr/local/lib"},
        ),
    ],
)
def test_programs_the_frozen_desktop_starts_get_the_users_library_path(
    monkeypatch: pytest.MonkeyPatch, before: dict[str, str], after: dict[str, str]
) -> None:
    """Session 29 (installattack): PyInstaller's bootloader puts the bundle's folder first on
    LD_LIBRARY_PATH. "Open the PDF" (xdg-open and the viewer it starts: QDesktopServices)
    inherited it: seen with the frozen .deb, the system's sqlite3 loaded the bundle's
    libsqlite3, and a viewer built on the system's Qt would load the bundle's Qt 6 libraries
    ("Cannot mix incompatible Qt library")."""
    from suitcheck import frozen

    environ = {"PATH": "/usr/bin", **before}
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", "/opt/suitcheck/_internal", raising=False)
    frozen.restore_library_path(environ)
    assert environ == {"PATH": "/usr/bin", **after}
    monkeypatch.setattr(sys, "frozen", False)
    untouched = {"LD_LIBRARY_PATH": "/home/dev/lib"}
    frozen.restore_library_path(untouched)  # from source: the user's own, left alone
    assert untouched == {"LD_LIBRARY_PATH": "/home/dev/lib"}
    for launcher in ("launch_gui.py", "launch_cli.py"):
        text = (ROOT / "packaging" / launcher).read_text(encoding="utf-8")
        assert text.index("restore_library_path(") < text.index("from suitcheck.cli import main"), launcher
