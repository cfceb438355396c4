"""Hostile and odd spreadsheets, built in a temporary directory by the tests that need them.

A zip bomb is written without ever holding (or deflating) its inflated size: a megabyte of the
repeated content is deflated once, flushed so that the compressor starts afresh, and the same
compressed bytes are written as many times as wanted. The zip structure is written by hand, since
Python's zipfile only writes what it compressed itself.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
MiB = 1 << 20


@dataclass(frozen=True)
class Repeated:
    """``head``, then ``unit`` (one MiB or less) ``count`` times, then ``tail``."""

    head: bytes
    unit: bytes
    count: int
    tail: bytes

    @property
    def size(self) -> int:
        return len(self.head) + len(self.unit) * self.count + len(self.tail)

    def deflated(self) -> tuple[bytes, int]:
        """(raw deflate stream, CRC-32 of the inflated bytes)."""
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        head = compressor.compress(self.head) + compressor.flush(zlib.Z_FULL_FLUSH)
        # After a full flush the compressor starts afresh: the unit deflates to the same bytes
        # every time, so it is deflated once and repeated.
        unit = compressor.compress(self.unit) + compressor.flush(zlib.Z_FULL_FLUSH)
        tail = compressor.compress(self.tail) + compressor.flush(zlib.Z_FINISH)
        crc = zlib.crc32(self.head)
        unit_crc_state = crc
        for _ in range(self.count):
            unit_crc_state = zlib.crc32(self.unit, unit_crc_state)
        crc = zlib.crc32(self.tail, unit_crc_state)
        return head + unit * self.count + tail, crc


def write_zip(path: Path, parts: dict[str, bytes | Repeated]) -> Path:
    """A zip file of deflated parts, written by hand (no zip64: every part under 4 GiB)."""
    central = b""
    offset = 0
    with open(path, "wb") as handle:
        for name, content in parts.items():
            if isinstance(content, Repeated):
                data, crc = content.deflated()
                size = content.size
            else:
                compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
                data = compressor.compress(content) + compressor.flush()
                crc, size = zlib.crc32(content), len(content)
            encoded = name.encode()
            local = struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0
            )
            handle.write(local + encoded + data)
            central += struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0,
                offset,
            ) + encoded  # fmt: skip
            offset += len(local) + len(encoded) + len(data)
        handle.write(central)
        handle.write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), offset, 0
            )
        )
    return path


def xlsx(path: Path, sheet: bytes | Repeated, shared_strings: bytes | Repeated | None = None):
    """A minimal workbook of one sheet (and its shared strings)."""
    return write_zip(
        path,
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS,
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": shared_strings
            or b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        },
    )


def inline_row(number: int, values: list[str]) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for index, value in enumerate(values)
        if value != ""
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def sheet_xml(rows: list[list[str]], *, dimension: str | None = None, prolog: bytes = b"") -> bytes:
    """A sheet of inline strings, its first row numbered 1; ``dimension`` as the file claims it."""
    head = SHEET_HEAD
    if prolog:
        head = head.replace(b"\n<worksheet", b"\n" + prolog + b"<worksheet")
    claimed = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    body = b"".join(inline_row(number, row) for number, row in enumerate(rows, start=1))
    return head + claimed + b"<sheetData>" + body + b"</sheetData></worksheet>"
