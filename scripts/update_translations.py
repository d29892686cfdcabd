"""Refresh the Qt Linguist sources from the GUI code and build the .qm files.

    python scripts/update_translations.py          # lupdate + lrelease
    python scripts/update_translations.py --check  # exit 1 if a string lacks a translation

Edit translations in resources/translations/*.ts (Qt Linguist: pyside6-linguist).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUI = ROOT / "src" / "suitcheck" / "gui"
TRANSLATIONS = ROOT / "src" / "suitcheck" / "resources" / "translations"
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    return found


def lupdate(ts: Path, language: str) -> None:
    sources = sorted(str(p) for p in GUI.rglob("*.py"))
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            *sources,
            "-ts",
            str(ts),
            "-target-language",
            language,
            "-no-obsolete",
            "-locations",
            "none",
            "-silent",
        ],
        check=True,
    )


def lrelease(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def unfinished(ts: Path) -> list[str]:
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        if (
            translation is None
            or translation.get("type") in ("unfinished", "vanished", "obsolete")
            or not (translation.text or "").strip()
        ):
            missing.append(message.findtext("source") or "")
    return missing


def main() -> int:
    """Without --check: update the .ts files in place and rebuild the .qm files.
    With --check: work on temporary copies and fail when a GUI string has no
    translation or the shipped .qm is older than its .ts; the tree is not touched."""
    import tempfile

    check = "--check" in sys.argv
    status = 0
    with tempfile.TemporaryDirectory() as scratch:
        for language in LANGUAGES:
            shipped = TRANSLATIONS / f"suitcheck_{language}.ts"
            ts = Path(scratch) / shipped.name if check else shipped
            if check:
                shutil.copy(shipped, ts)
            lupdate(ts, language)
            missing = unfinished(ts)
            if missing:
                print(f"{ts.name}: {len(missing)} strings without a translation:", *missing, sep="\n  ")
                status = 1
            qm = lrelease(ts if check else shipped)
            if check and qm.read_bytes() != shipped.with_suffix(".qm").read_bytes():
                print(f"{shipped.with_suffix('.qm').name} is out of date: run scripts/update_translations.py")
                status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
