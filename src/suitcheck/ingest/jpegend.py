"""Where libjpeg stops reading a JPEG (an inline image's DCT data), as the report window
(PDFium) decodes it to find where the image's data ends.

libjpeg reads a JPEG's markers as ITU T.81 (B.1) lays them out. A file of one scan holding
all its components (baseline) is read as far as its last MCU's bits, or through the marker
that ends its data (its bit buffer reading ahead); PDFium asks for nothing more. A file of
several scans (progressive, or a first scan without every component) is read to its
end-of-image marker. `jpeg_stops` gives the end-of-image's end and the offsets libjpeg may
stop reading at, or raises UnclearJpeg for a file not followed here (another coding, a
Huffman code its tables lack, a restart marker not where it belongs, a file too large)."""

from __future__ import annotations

from dataclasses import dataclass

_SOI, _EOI, _SOS, _DHT, _DRI = 0xD8, 0xD9, 0xDA, 0xC4, 0xDD
_NO_LENGTH = {0x01, *range(0xD0, 0xD8)}
_SOF = {*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC}
_HUFFMAN_SOF = {0xC0: False, 0xC1: False, 0xC2: True}  # baseline, extended, progressive (Huffman)
# An inline image is a few kilobytes: a larger JPEG is not followed (Python reads it bit by bit).
_SCAN_BYTES_AT_MOST = 1 << 20
_BLOCKS_AT_MOST = 1 << 18


class UnclearJpeg(ValueError):
    """A JPEG whose end is not followed here."""


@dataclass(frozen=True)
class JpegStops:
    end: int  # after the end-of-image marker
    stops: frozenset[int]  # where libjpeg may stop reading (PDFium looks for EI from there)
    width: int  # the frame's width (PDFium refuses a /Width wider)


@dataclass(frozen=True)
class _Frame:
    progressive: bool
    width: int
    height: int
    sampling: dict[int, tuple[int, int]]  # component id: (horizontal, vertical)


def jpeg_stops(data: memoryview, start: int) -> JpegStops:
    if bytes(data[start : start + 2]) != b"\xff\xd8":
        raise UnclearJpeg
    reading = _Reading(data, start + 2)
    while reading.segment():
        pass
    frame = reading.frame
    if frame is None or reading.scans == 0:
        raise UnclearJpeg
    if reading.single is None:  # several scans: libjpeg reads them all, to the end-of-image marker
        return JpegStops(reading.at, frozenset({reading.at}), frame.width)
    last, marker, after = reading.single
    return JpegStops(reading.at, frozenset({*range(last, marker + 1), after}), frame.width)


def _ceil(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


class _Reading:
    """A JPEG's segments read one by one, as libjpeg reads its markers."""

    def __init__(self, data: memoryview, at: int) -> None:
        self.data, self.at = data, at
        self.tables: dict[tuple[int, int], dict[tuple[int, int], int]] = {}
        self.frame: _Frame | None = None
        self.restart = 0
        self.scans = 0
        self.single: tuple[int, int, int] | None = None  # a lone scan's last bit's end, marker, after it

    def _marker(self) -> int:
        """The next marker's code (bytes before it skipped, as libjpeg does)."""
        data, size = self.data, len(self.data)
        while self.at < size and data[self.at] != 0xFF:
            self.at += 1
        while self.at < size and data[self.at] == 0xFF:
            self.at += 1
        if self.at >= size:
            raise UnclearJpeg
        self.at += 1
        return data[self.at - 1]

    def segment(self) -> bool:
        """Reads the next segment (and its scan's data); False at the end-of-image marker."""
        code = self._marker()
        if code == _EOI:
            return False
        if code in _NO_LENGTH:
            return True
        at, size = self.at, len(self.data)
        if code == _SOI or at + 2 > size:
            raise UnclearJpeg
        length = int.from_bytes(self.data[at : at + 2], "big")
        if length < 2 or at + length > size:
            raise UnclearJpeg
        body = bytes(self.data[at + 2 : at + length])
        self.at += length
        if code == _DHT:
            _read_tables(body, self.tables)
        elif code == _DRI and len(body) >= 2:
            self.restart = int.from_bytes(body[:2], "big")
        elif code in _SOF:
            if code not in _HUFFMAN_SOF or self.frame is not None:
                raise UnclearJpeg
            self.frame = _read_frame(body, progressive=_HUFFMAN_SOF[code])
        elif code == _SOS:
            self._scan(body)
        return True

    def _scan(self, body: bytes) -> None:
        frame = self.frame
        if frame is None or not body or len(body) < 1 + 2 * body[0]:
            raise UnclearJpeg
        components = [(body[1 + 2 * i], body[2 + 2 * i]) for i in range(body[0])]
        self.scans += 1
        scan_start = self.at
        self.at = _scan_data_end(self.data, self.at)
        if self.at - scan_start > _SCAN_BYTES_AT_MOST:
            raise UnclearJpeg
        if self.scans == 1 and not frame.progressive and len(components) == len(frame.sampling):
            last = _last_bit_end(self.data, scan_start, self.at, frame, components, self.tables, self.restart)
            after = self.at
            while after < len(self.data) and self.data[after] == 0xFF:
                after += 1
            self.single = (last, self.at, min(len(self.data), after + 1))


def _read_tables(body: bytes, tables: dict[tuple[int, int], dict[tuple[int, int], int]]) -> None:
    """The Huffman tables of a DHT segment: (class, id) -> {(length, code): symbol}."""
    at = 0
    while at < len(body):
        if at + 17 > len(body):
            raise UnclearJpeg
        kind, counts = body[at], body[at + 1 : at + 17]
        symbols = body[at + 17 : at + 17 + sum(counts)]
        if len(symbols) != sum(counts):
            raise UnclearJpeg
        table: dict[tuple[int, int], int] = {}
        code, index = 0, 0
        for length, count in enumerate(counts, start=1):
            for _ in range(count):
                table[(length, code)] = symbols[index]
                code, index = code + 1, index + 1
            code <<= 1
        tables[(kind >> 4, kind & 15)] = table
        at += 17 + len(symbols)


def _read_frame(body: bytes, *, progressive: bool) -> _Frame:
    if len(body) < 6 or len(body) < 6 + 3 * body[5] or body[5] not in (1, 3, 4):
        raise UnclearJpeg
    height, width = int.from_bytes(body[1:3], "big"), int.from_bytes(body[3:5], "big")
    sampling = {body[6 + 3 * i]: (body[7 + 3 * i] >> 4, body[7 + 3 * i] & 15) for i in range(body[5])}
    if not width or not height or any(not (1 <= h <= 4 and 1 <= v <= 4) for h, v in sampling.values()):
        raise UnclearJpeg
    return _Frame(progressive, width, height, sampling)


def _scan_data_end(data: memoryview, at: int) -> int:
    """Where a scan's entropy-coded data ends: at the first marker other than a restart
    (FF 00 is a data byte), or at the end of the data."""
    size = len(data)
    while at + 1 < size:
        if data[at] == 0xFF and data[at + 1] != 0 and not 0xD0 <= data[at + 1] <= 0xD7:
            return at
        at += 1
    raise UnclearJpeg


class _Bits:
    """The scan's bits as libjpeg reads them: FF 00 an FF byte, zeros past the scan's end."""

    def __init__(self, data: memoryview, at: int, end: int) -> None:
        self.data, self.at, self.end = data, at, end
        self.byte, self.left = 0, 0
        self.last_end = at  # after the byte holding the last bit read

    def bit(self) -> int:
        if not self.left:
            if self.at < self.end:
                self.byte = self.data[self.at]
                if self.byte == 0xFF and self.data[self.at + 1] != 0:  # a restart marker out of place
                    raise UnclearJpeg
                self.at += 2 if self.byte == 0xFF else 1
                self.last_end = self.at
            else:
                self.byte = 0
            self.left = 8
        self.left -= 1
        return (self.byte >> self.left) & 1

    def bits(self, count: int) -> None:
        for _ in range(count):
            self.bit()

    def restart(self) -> None:
        """Past a restart marker (the rest of the byte dropped), which must follow here."""
        self.left = 0
        if not (self.at + 1 < self.end and self.data[self.at] == 0xFF and 0xD0 <= self.data[self.at + 1] <= 0xD7):
            raise UnclearJpeg
        self.at += 2


def _symbol(bits: _Bits, table: dict[tuple[int, int], int]) -> int:
    code = 0
    for length in range(1, 17):
        code = code << 1 | bits.bit()
        symbol = table.get((length, code))
        if symbol is not None:
            return symbol
    raise UnclearJpeg


def _blocks(frame: _Frame, components: list[tuple[int, int]]) -> tuple[int, list[int]]:
    """How many MCUs a scan has, and the table selectors of each block of one."""
    h_max = max(h for h, _ in frame.sampling.values())
    v_max = max(v for _, v in frame.sampling.values())
    sampling = [(*frame.sampling.get(component, (0, 0)), selectors) for component, selectors in components]
    if any(not h for h, _, _ in sampling):
        raise UnclearJpeg
    if len(sampling) == 1:  # one component: a block an MCU, over the component's own size
        h, v, selectors = sampling[0]
        wide = _ceil(_ceil(frame.width * h, h_max), 8)
        return wide * _ceil(_ceil(frame.height * v, v_max), 8), [selectors]
    mcus = _ceil(frame.width, 8 * h_max) * _ceil(frame.height, 8 * v_max)
    return mcus, [selectors for h, v, selectors in sampling for _ in range(h * v)]


def _last_bit_end(
    data: memoryview,
    at: int,
    end: int,
    frame: _Frame,
    components: list[tuple[int, int]],
    tables: dict[tuple[int, int], dict[tuple[int, int], int]],
    restart: int,
) -> int:
    """After the byte holding the last bit of the scan's last MCU (its Huffman codes read)."""
    mcus, blocks = _blocks(frame, components)
    if len(blocks) > 10 or mcus * len(blocks) > _BLOCKS_AT_MOST:
        raise UnclearJpeg
    coding = []
    for selectors in blocks:
        dc, ac = tables.get((0, selectors >> 4)), tables.get((1, selectors & 15))
        if dc is None or ac is None:
            raise UnclearJpeg
        coding.append((dc, ac))
    bits = _Bits(data, at, end)
    for mcu in range(mcus):
        if restart and mcu and mcu % restart == 0:
            bits.restart()
        for dc, ac in coding:
            bits.bits(_symbol(bits, dc) & 15)
            k = 1
            while k < 64:
                run_size = _symbol(bits, ac)
                if run_size & 15:
                    k += (run_size >> 4) + 1
                    bits.bits(run_size & 15)
                elif run_size == 0xF0:
                    k += 16
                else:
                    break
    return bits.last_end
