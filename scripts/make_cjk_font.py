"""Make the CJK font the self-inspection PDF embeds (a developer step; the result is checked in).

Source: Droid Sans Fallback Full (Google, Apache License 2.0; Debian package
fonts-droid-fallback). It is a TrueType-outline font, which reportlab can embed and subset
(Noto Sans CJK / Source Han Sans ship CFF outlines, which reportlab cannot embed).

Change made (Apache-2.0 section 4b): subset to the characters of GBK (ASCII, Latin-1 and
every GBK character the font has, about 21,000: all the basic CJK Unified Ideographs), hinting
dropped. That covers every title a report imported as GBK or GB 2312 text can carry, at
2.8 MB instead of 4 MB. Needs fontTools, which is not a runtime dependency:

    .venv/bin/pip install fonttools
    .venv/bin/python scripts/make_cjk_font.py /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parents[1] / "src/suitcheck/resources/fonts/DroidSansFallback-GBK-subset.ttf"


def gbk_characters() -> set[int]:
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for hi in range(0x81, 0xFF):
        for lo in range(0x40, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([hi, lo]).decode("gbk")))
    return chars


def main(source: str) -> None:
    font = TTFont(source)
    cmap = font.getBestCmap()
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(c for c in gbk_characters() if c in cmap))
    subsetter.subset(font)
    font.save(OUT)
    print(f"{OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
