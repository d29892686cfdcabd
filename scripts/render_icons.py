"""Render the app icon from its SVG source: PNGs for the window and the Linux desktop,
an ICO for Windows, an ICNS for macOS.

    python scripts/render_icons.py          # rewrites the renders (commit them)
    python scripts/render_icons.py --check  # exit 1 if a render is missing or stale

The renders are committed (like the .qm translations) so the PyInstaller spec and the
installers on each OS use exactly the reviewed pixels without Qt or Pillow at packaging
time; `renders.sha256` records the SVG they came from, and a test fails when it changed.
Each size is drawn by QSvgRenderer at that size (not scaled down from a big bitmap),
so the small ones stay sharp; Pillow packs them into ICO and ICNS.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "src" / "suitcheck" / "resources" / "icons"
SVG = ICONS / "suitcheck.svg"
STAMP = ICONS / "renders.sha256"
PACKAGING = ROOT / "packaging" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def png_path(size: int) -> Path:
    return ICONS / f"suitcheck-{size}.png"


def outputs() -> list[Path]:
    return [*(png_path(s) for s in PNG_SIZES), PACKAGING / "suitcheck.ico", PACKAGING / "suitcheck.icns", STAMP]


def svg_digest() -> str:
    return hashlib.sha256(SVG.read_bytes()).hexdigest()


def is_fresh() -> bool:
    return all(p.exists() for p in outputs()) and STAMP.read_text().split()[0] == svg_digest()


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main(argv: list[str]) -> int:
    if "--check" in argv:
        if is_fresh():
            return 0
        print("icon renders are stale: run python scripts/render_icons.py", file=sys.stderr)
        return 1
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QPainter needs it
    PACKAGING.mkdir(parents=True, exist_ok=True)
    rendered = {size: render_png(size) for size in sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_SIZES})}
    for size in PNG_SIZES:
        png_path(size).write_bytes(rendered[size])
    images = {size: Image.open(io.BytesIO(rendered[size])).convert("RGBA") for size in rendered}
    biggest = max(ICO_SIZES)
    images[biggest].save(
        PACKAGING / "suitcheck.ico",
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != biggest],
    )
    largest = max(ICNS_SIZES)
    images[largest].save(
        PACKAGING / "suitcheck.icns",
        format="ICNS",
        append_images=[images[s] for s in ICNS_SIZES if s != largest],
    )
    STAMP.write_text(f"{svg_digest()}  suitcheck.svg\n")
    for path in outputs():
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
