"""The one upload reader of the platform: how big a request may be, how a text file's encoding is
found, how CSV, XLSX and XLS files become rows of text, and the checks that keep hostile files
(zip bombs, XML entity expansion, oversized sheets) from being parsed at all.

Every import uses it: inspection objects (``registries/objects/importing``), inspectors and experts
(``registries/inspectors/importing.py``), the matter list (``catalog/sources.py``) and the working-day
calendar (``publication``). The rules, once for all of them:

- a request body over its endpoint's limit is refused before it is read (RequestSizeLimitMiddleware);
- text is UTF-8 (with or without BOM) or GB18030/GBK (:func:`sniff_encoding`); UTF-16 only where
  the caller accepts it;
- a spreadsheet is checked before any XML in it is parsed (:func:`check_spreadsheet`): declared
  sizes and compression ratios of its parts, and no DTD (entity expansion) in any XML part; the XML
  is then parsed with defusedxml, which openpyxl uses when it is installed;
- every row of a sheet is read, whatever its ``<dimension>`` claims, and nothing is dropped: a
  cell beyond the column limit is an error, not a silent cut;
- cells are data, never evaluated: a formula comes back as its text; the apostrophe the platform's
  exports put before formula-like text (platform_site.exports.safe_cell) is taken off again;
- the web process never parses an uploaded spreadsheet: the object import reads its file in its
  Celery job, the smaller imports hand the stored file to a worker and wait for the rows
  (:func:`read_in_worker`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import itertools
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from django.utils.translation import gettext as _

from platform_site.exports import GUARD, unguard_cell


class UploadError(ValueError):
    """The file as a whole cannot be read; the message is shown to the user as it is."""


# Cell values -----------------------------------------------------------------------------------------

_DATE = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?|(\d{4})(\d{2})(\d{2})"
)


class CellDateError(ValueError):
    """A date cell that is not a date; ``impossible`` when it is written as one (2025/2/30)."""

    def __init__(self, text: str, *, impossible: bool):
        self.text = text
        self.impossible = impossible
        if impossible:
            message = _("日期不存在：%(value)s（请检查月份和日）") % {"value": text}
        else:
            message = _("日期格式错误：%(value)s，应为 YYYY-MM-DD（如 2024-03-05）") % {
                "value": text
            }
        super().__init__(message)


def parse_cell_date(text: str) -> dt.date:
    """The date a cell states: '2024-03-05', '2024/3/5', '2024.3.5', '2024年3月5日', '20240305'
    (a midnight time after it, as spreadsheets export dates, is allowed). Raises CellDateError."""
    text = text.strip()
    match = _DATE.fullmatch(text)
    if match is None:
        raise CellDateError(text, impossible=False)
    parts = match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)
    year, month, day = (int(part) for part in parts)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellDateError(text, impossible=True) from None


# Text encoding -------------------------------------------------------------------------------------
# One sniffer for every text upload. The whole file is decoded once, in 1 MB chunks, before anything
# is parsed: cheap next to parsing, and a bad byte in row 900,000 is reported before anything is
# written. The same pass rejects NUL bytes (UTF-16 without BOM, binary files) and counts lines.

CHUNK = 1 << 20
SAMPLE = 64 * 1024
_UTF16_32_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)


def _utf16_error() -> UploadError:
    return UploadError(
        _(
            "文件是 UTF-16 编码或含有空字符（不是文本文件），无法导入。请在 Excel/WPS 中“另存为”"
            "“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV 后再上传。"
        )
    )


def _unknown_encoding_error(line: int | None) -> UploadError:
    return UploadError(
        _(
            "无法识别文件编码：文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本（第 %(line)s 行附近出现"
            "无法识别的字节）。请另存为“CSV UTF-8（逗号分隔）”后再上传。"
        )
        % {"line": line or 1}
    )


@contextlib.contextmanager
def _binary(source: Path | bytes | BinaryIO) -> Iterator[BinaryIO]:
    import io

    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(source)
    elif isinstance(source, str | Path):
        with open(source, "rb") as handle:
            yield handle
    else:
        source.seek(0)
        yield source


def sniff_encoding(
    source: Path | bytes | BinaryIO, *, full: bool = True, utf16: bool = False
) -> tuple[str, int]:
    """(Python codec, number of line feeds) of a text file, or UploadError.

    UTF-8 with or without BOM ("utf-8-sig" reads both), else GB18030 (the superset of GBK that
    Excel and WPS write in China): the encoding that decodes furthest is the one meant, and the
    error names the line where neither could go on. UTF-16/32 with a BOM only when ``utf16`` (the
    matter list, which provinces also issue as "Unicode text"); otherwise refused with the way out.
    With ``full=False`` the file is read only until its encoding is clear (the first 64 KB, or on
    while it is all ASCII, which both encodings read alike), and the line count is an estimate
    (the lines of what was read, scaled to the file's size): a quick check at upload, and the
    object import's, whose parse reports a bad byte further on (see its _file_errors).
    """
    with _binary(source) as handle:
        head = handle.read(4)
        if not head:
            raise UploadError(_("文件为空。"))
        if head.startswith(_UTF16_32_BOMS):
            if not utf16:
                raise _utf16_error()
            codec = "utf-32" if head.startswith(_UTF16_32_BOMS[:2]) else "utf-16"
            handle.seek(0)
            data = handle.read()
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise _unknown_encoding_error(data.count(b"\n", 0, error.start) + 1) from None
            return codec, text.count("\n")
        has_bom = head.startswith(codecs.BOM_UTF8)
        furthest = 0
        for encoding in ("utf-8", "gb18030"):
            handle.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            newlines = read = 0
            failed_at = None
            decided = False
            while True:
                chunk = handle.read(CHUNK if full else SAMPLE)
                if not chunk:
                    break
                if b"\x00" in chunk:
                    raise _utf16_error()
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    failed_at = newlines + chunk.count(b"\n", 0, error.start) + 1
                    break
                newlines += chunk.count(b"\n")
                read += len(chunk)
                if not full and not chunk.isascii():
                    decided = True
                    break
            if failed_at is None:
                if decided:
                    size = handle.seek(0, 2)
                    newlines = round(newlines * size / read)
                else:
                    try:
                        decoder.decode(b"", final=True)
                    except UnicodeDecodeError:
                        failed_at = newlines + 1
                if failed_at is None:
                    codec = "utf-8-sig" if has_bom or encoding == "utf-8" else encoding
                    return codec, newlines
            furthest = max(furthest, failed_at or 0)
            if has_bom:  # a BOM says UTF-8; do not guess further
                break
        raise _unknown_encoding_error(furthest)


def decode_text(data: bytes, *, utf16: bool = False) -> str:
    """The text of a small upload (a calendar, a matter list as CSV), by :func:`sniff_encoding`."""
    codec, _newlines = sniff_encoding(data, utf16=utf16)
    return data.decode(codec)


# CSV ------------------------------------------------------------------------------------------------

# A line as a file opened with newline="" gives it: up to \n, \r\n or a lone \r (or the end).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
csv.field_size_limit(1 << 20)


def _unguarded(row: list[str]) -> list[str]:
    return [unguard_cell(cell) if cell.startswith(GUARD) else cell for cell in row]


def csv_rows(handle) -> Iterator[list[str]]:
    """The rows of a text file (opened with ``newline=""``) from where it stands: what
    ``csv.reader(handle)`` would give, with the export guard taken off (:func:`unguard_cell`).

    Most exported files quote nothing. A piece of the file (about 1 MB of whole lines) without a
    double quote and without a carriage return outside CRLF is split with ``str.split``: the same
    result for such text, and a little faster (a million rows read in 2.8 s instead of 3.0 s,
    decoding included). From the first piece that has either, the csv module reads the rest of the
    file, quoted line breaks and all. Only a piece (or a record) holding an apostrophe is looked at
    cell by cell for the guard, so a file without one costs nothing more.
    """
    pending = ""  # the start of a line: no line break in it
    while True:
        chunk = handle.read(CHUNK)
        while chunk.endswith("\r"):  # never split a CRLF between two pieces
            following = handle.read(1)
            chunk += following
            if not following:
                break
        text = pending + chunk
        end = max(text.rfind("\n"), text.rfind("\r")) + 1 if chunk else len(text)
        piece, pending = text[:end], text[end:]
        if '"' in piece or piece.count("\r") != piece.count("\r\n"):
            rest = pending + handle.readline() if pending else ""
            lines = itertools.chain(_LINE.findall(piece), [rest] if rest else [], handle)
            yield from _guarded_csv(lines)
            return
        if piece:
            lines = piece.replace("\r\n", "\n").split("\n")
            if lines[-1] == "":
                lines.pop()
            # csv.reader gives [] for an empty line
            rows = (line.split(",") if line else [] for line in lines)
            yield from (map(_unguarded, rows) if GUARD in piece else rows)
        if not chunk:
            return


def _guarded_csv(lines: Iterator[str]) -> Iterator[list[str]]:
    """csv.reader over ``lines``, taking the guard off the records whose lines hold an apostrophe
    (csv.reader pulls exactly the lines of one record before it returns it)."""
    seen = [False]

    def watched() -> Iterator[str]:
        for line in lines:
            if GUARD in line:
                seen[0] = True
            yield line

    for row in csv.reader(watched()):
        if seen[0]:
            seen[0] = False
            row = _unguarded(row)
        yield row


# Spreadsheets ---------------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def spreadsheet_format(head: bytes) -> str | None:
    """ "xlsx" or "xls" by the file's first bytes (downloads named .xls are often XLSX and the
    other way round), None for anything else."""
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    return None


@dataclass(frozen=True)
class SpreadsheetLimits:
    """What a spreadsheet may hold before it is parsed. XLSX: the sizes its zip directory declares
    (Python's zipfile never inflates a part beyond its declared size, so these bound the work and
    the memory); XLS: the file itself (xlrd reads it whole; BIFF is not compressed)."""

    max_unpacked_bytes: int  # all parts of an XLSX together, inflated
    max_part_bytes: int  # one part (a sheet) inflated
    max_shared_strings_bytes: int  # the shared strings, which openpyxl holds in memory
    max_xls_bytes: int
    max_columns: int = 256
    max_ratio: int = 100  # inflated/deflated, for parts over 1 MB: real sheets stay below ~30
    max_parts: int = 10_000


DEFAULT_LIMITS = SpreadsheetLimits(
    max_unpacked_bytes=200 * 1024 * 1024,
    max_part_bytes=200 * 1024 * 1024,
    max_shared_strings_bytes=50 * 1024 * 1024,
    max_xls_bytes=32 * 1024 * 1024,
)


def _damaged() -> UploadError:
    return UploadError(
        _(
            "无法读取文件：Excel 工作簿已损坏，或不是 .xlsx / .xls 格式。请另存为 .xlsx 或 CSV 后再上传。"
        )
    )


def _bomb(detail: str) -> UploadError:
    return UploadError(
        _("该 Excel 文件不能读取：%(detail)s。请另存为 CSV 后再上传。") % {"detail": detail}
    )


def _size_text(size: int) -> str:
    return _size_label(size)


def check_spreadsheet(path: Path, file_format: str, limits: SpreadsheetLimits) -> None:
    """Refuse a hostile or oversized spreadsheet before anything in it is parsed (UploadError)."""
    if file_format == "xls":
        if Path(path).stat().st_size > limits.max_xls_bytes:
            raise _bomb(
                _("旧版 .xls 文件超过 %(size)s") % {"size": _size_text(limits.max_xls_bytes)}
            )
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _damaged() from None
    with archive:
        parts = archive.infolist()
        if len(parts) > limits.max_parts:
            raise _bomb(_("文件包含的部件过多"))
        total = 0
        for part in parts:
            if part.flag_bits & 0x1:
                raise UploadError(_("Excel 文件已加密（设置了打开密码），请取消密码后再上传。"))
            if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _damaged()
            size = part.file_size
            total += size
            if size > limits.max_part_bytes or total > limits.max_unpacked_bytes:
                raise _bomb(
                    _("解压后超过 %(size)s") % {"size": _size_text(limits.max_unpacked_bytes)}
                )
            if size > (1 << 20) and size > limits.max_ratio * max(part.compress_size, 1):
                raise _bomb(_("压缩比异常（疑似“压缩炸弹”）"))
            if part.filename.lower().endswith("sharedstrings.xml") and (
                size > limits.max_shared_strings_bytes
            ):
                raise _bomb(
                    _("共享字符串超过 %(size)s")
                    % {"size": _size_text(limits.max_shared_strings_bytes)}
                )
        for part in parts:
            if part.filename.lower().endswith((".xml", ".rels", ".vml")):
                with archive.open(part) as stream:
                    if _declares_a_dtd(stream):
                        raise _bomb(_("XML 中含有文档类型定义（DTD），可能导致实体扩展攻击"))


_PROLOG_CHUNK = 64 * 1024


def _declares_a_dtd(stream: IO[bytes]) -> bool:
    """Whether an XML part has a document type declaration, where entities are declared. A DTD can
    only come before the root element, so only the prolog is read: the XML declaration,
    processing instructions, comments and white space, however long. Excel never writes a DTD."""
    raw = stream.read(_PROLOG_CHUNK)
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    encoding = "utf-16" if utf16 else "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(raw)
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n\ufeff":
            position += 1
        if len(text) - position < 9:  # room for "<!DOCTYPE" or the end marker of what follows
            more = stream.read(_PROLOG_CHUNK)
            if more:
                text = text[position:] + decoder.decode(more)
                position = 0
                continue
        if position >= len(text):
            return False
        if text.startswith("<?", position) or text.startswith("<!--", position):
            closing = "?>" if text[position + 1] == "?" else "-->"
            end = text.find(closing, position + 2)
            while end < 0:
                more = stream.read(_PROLOG_CHUNK)
                if not more:
                    return False
                text = text[position:] + decoder.decode(more)
                position = 0
                end = text.find(closing, 2)
            position = end + len(closing)
            continue
        return text.startswith("<!", position)


def _text_of(value: Any) -> Any:
    """Formulas come back as their text (an array formula as an object holding it)."""
    text = getattr(value, "text", None)
    return text if isinstance(text, str) else value


@dataclass
class SheetRows:
    """One sheet being read: ``rows()`` yields every row of cell values (None for an empty cell,
    an empty list for an empty row) from row 1; ``merges`` holds the merged blocks as half-open
    (first row, row after, first column, column after), 0-based, once the rows have been read."""

    title: str
    _rows: Callable[[], Iterator[list[Any]]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    estimated_rows: int = 0

    def rows(self) -> Iterator[list[Any]]:
        return self._rows()


def _too_wide(row: int, column: int, limits: SpreadsheetLimits) -> UploadError:
    return UploadError(
        _(
            "第 %(row)s 行第 %(column)s 列有内容，超出了 %(limit)s 列的上限：请删去多余的列后再上传。"
        )
        % {"row": row, "column": column, "limit": limits.max_columns}
    )


def read_xlsx(
    path: Path, limits: SpreadsheetLimits, *, sheets: int | None = None
) -> tuple[list[SheetRows], Callable[[], None]]:
    """The sheets of a checked XLSX (call :func:`check_spreadsheet` first), streamed row by row,
    and a function that closes the file. ``sheets``: how many sheets (from the first) to read."""
    import warnings

    from openpyxl import load_workbook
    from openpyxl.utils import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    # A file object, not the path: openpyxl refuses a path whose extension it does not know, and
    # the format was found from the content.
    handle = open(path, "rb")  # noqa: SIM115 (closed by the returned function)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # unparsable print headers and the like
            # read_only: sheets are streamed; data_only=False: a formula cell gives its text, which
            # is stored as plain data and never evaluated.
            workbook = load_workbook(handle, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        handle.close()
        raise _damaged() from None

    def close() -> None:
        workbook.close()
        handle.close()

    def reader(worksheet, sheet: SheetRows) -> Callable[[], Iterator[list[Any]]]:
        def rows() -> Iterator[list[Any]]:
            # Not worksheet.iter_rows(): it stops at the row count <dimension> claims, whatever
            # the sheet holds, and pads every row to the widest column.
            with worksheet._get_source() as source, warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                parser = WorkSheetParser(
                    source,
                    worksheet._shared_strings,
                    data_only=False,
                    epoch=workbook.epoch,
                    # what openpyxl's own read-only sheets pass (untyped private attributes)
                    date_formats=getattr(workbook, "_date_formats", set()),
                    timedelta_formats=getattr(workbook, "_timedelta_formats", set()),
                )
                expected = 1
                try:
                    for number, cells in parser.parse():
                        if number < expected:
                            raise _damaged()  # rows out of order: never merge or drop one
                        while expected < number:
                            expected += 1
                            yield []
                        width = max((cell["column"] for cell in cells), default=0)
                        if width > limits.max_columns:
                            raise _too_wide(number, width, limits)
                        values: list[Any] = [None] * width
                        for cell in cells:
                            values[cell["column"] - 1] = _text_of(cell["value"])
                        expected += 1
                        yield values
                except UploadError:
                    raise
                except Exception:
                    raise _damaged() from None
                if parser.merged_cells is not None:
                    for merged in parser.merged_cells.mergeCell:
                        bounds = range_boundaries(merged.ref)
                        if None in bounds:
                            continue  # a whole row or column: no block of cells
                        first_col, first_row, last_col, last_row = cast(
                            tuple[int, int, int, int], bounds
                        )
                        sheet.merges.append((first_row - 1, last_row, first_col - 1, last_col))

        return rows

    found = []
    for worksheet in workbook.worksheets[:sheets]:
        sheet = SheetRows(title=worksheet.title, _rows=lambda: iter(()))
        sheet._rows = reader(worksheet, sheet)
        sheet.estimated_rows = worksheet.max_row or 0
        found.append(sheet)
    return found, close


def read_xls(
    path: Path, limits: SpreadsheetLimits, *, sheets: int | None = None
) -> tuple[list[SheetRows], Callable[[], None]]:
    """The sheets of a checked legacy .xls (BIFF), with the same cell values as :func:`read_xlsx`:
    dates as datetimes, numbers as floats, booleans, error codes as their text (#N/A…)."""
    import xlrd

    try:
        book = xlrd.open_workbook(
            str(path), formatting_info=True, ragged_rows=True, logfile=_Discard()
        )
    except Exception:  # xlrd raises many kinds of errors for a damaged file
        raise _damaged() from None

    def value_of(cell) -> Any:
        kind = cell.ctype
        if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        if kind == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate_as_datetime(cell.value, book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return cell.value
        if kind == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        if kind == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(cell.value, "#ERROR")
        return cell.value

    def reader(sheet) -> Callable[[], Iterator[list[Any]]]:
        def rows() -> Iterator[list[Any]]:
            for number in range(sheet.nrows):
                cells = sheet.row(number)
                if len(cells) > limits.max_columns:
                    raise _too_wide(number + 1, len(cells), limits)
                yield [value_of(cell) for cell in cells]

        return rows

    found = []
    for sheet in book.sheets()[:sheets]:
        found.append(
            SheetRows(
                title=sheet.name,
                _rows=reader(sheet),
                merges=list(sheet.merged_cells),
                estimated_rows=sheet.nrows,
            )
        )
    return found, book.release_resources


class _Discard:
    def write(self, text: str) -> None:
        pass


def read_spreadsheet(
    path: Path, limits: SpreadsheetLimits, *, sheets: int | None = None
) -> tuple[str, list[SheetRows], Callable[[], None]]:
    """Check and open an XLSX or XLS file, whatever its name says: (format, sheets, close)."""
    with open(path, "rb") as handle:
        file_format = spreadsheet_format(handle.read(8))
    if file_format is None:
        raise _damaged()
    check_spreadsheet(path, file_format, limits)
    opener = read_xlsx if file_format == "xlsx" else read_xls
    found, close = opener(path, limits, sheets=sheets)
    return file_format, found, close


def cell_text(value: Any) -> str:
    """A cell value as the text an import reads: numbers without a spurious ".0", dates as
    YYYY-MM-DD (with the time when there is one), booleans as 是/否, the export guard taken off."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unguard_cell(value) if value.startswith(GUARD) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# Tables ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A file read as a table: the header (its first non-blank row, at ``header_row``, 1-based)
    and the rows after it, as lists of text, one per row of the file, blank rows included (so the
    n-th row yielded is row ``header_row + n`` of the sheet)."""

    header: list[str]
    header_row: int
    rows: Iterator[list[str]]
    total_rows: int  # an estimate of the rows after the header (progress bars), 0 if unknown
    encoding: str
    close: Callable[[], None]


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def open_table(
    path: Path,
    file_format: str,
    *,
    limits: SpreadsheetLimits = DEFAULT_LIMITS,
    full: bool = True,
) -> Table:
    """Open a CSV, XLSX or XLS file as a :class:`Table` (UploadError when it cannot be read).

    CSV: encoding checked first (all of it, or the first 64 KB with ``full=False``). XLSX/XLS:
    checked by :func:`check_spreadsheet`, first sheet only, every row whatever the sheet claims.
    """
    header = None
    header_row = 0
    if file_format == "csv":
        encoding, newlines = sniff_encoding(path, full=full)
        handle = open(path, encoding=encoding, newline="", errors="strict")  # noqa: SIM115
        close: Callable[[], None] = handle.close
        estimate = newlines
        try:
            # The header line by line (a bad byte further on is the job's to report, with its
            # line); the rest by csv_rows, from where the header ends.
            for header_row, row in enumerate(csv.reader(handle), start=1):  # noqa: B007
                if not _blank(row):
                    header = _unguarded(row)
                    break
        except (csv.Error, UnicodeDecodeError) as error:
            close()
            raise UploadError(_("文件不是有效的 CSV：%(error)s") % {"error": error}) from None
        rows: Iterator[list[str]] = csv_rows(handle)
    else:
        encoding, sheets, close = read_spreadsheet(path, limits, sheets=1)
        if not sheets:
            close()
            raise UploadError(_("文件为空。"))
        rows = map(_row_text, sheets[0].rows())
        estimate = sheets[0].estimated_rows
        try:
            for header_row, row in enumerate(rows, start=1):  # noqa: B007
                if not _blank(row):
                    header = row
                    break
        except UploadError:
            close()
            raise
    if header is None:
        close()
        raise UploadError(_("文件为空。"))
    return Table(
        header=header,
        header_row=header_row,
        rows=rows,
        total_rows=max(estimate - header_row, 0),
        encoding=encoding,
        close=close,
    )


def _row_text(values: list[Any]) -> list[str]:
    return [cell_text(value) for value in values]


def read_table_rows(path: Path, file_format: str, *, max_rows: int) -> dict[str, Any]:
    """A whole (small) table as plain data, for a reading job: {"header_row", "header", "rows"}.
    More than ``max_rows`` non-blank rows after the header stops the reading (UploadError)."""
    table = open_table(path, file_format)
    try:
        rows: list[list[str]] = []
        filled = 0
        for row in table.rows:
            rows.append(row)
            if not _blank(row):
                filled += 1
                if filled > max_rows:
                    raise UploadError(
                        _("单次最多导入 %(max)s 行，请分成几个文件导入。") % {"max": max_rows}
                    )
        return {"header_row": table.header_row, "header": table.header, "rows": rows}
    except (csv.Error, UnicodeDecodeError) as error:
        raise UploadError(_("文件不是有效的 CSV：%(error)s") % {"error": error}) from None
    finally:
        table.close()


# Reading in a worker ----------------------------------------------------------------------------------
# An import that answers in the same request (inspectors, the matter list) still never parses an
# uploaded spreadsheet in the web process: the upload is stored under MEDIA_ROOT (which the web
# process and the workers share), a Celery job reads it, and the request waits for the rows.
# A hostile file can then cost a worker some seconds (its checks refuse it first, and the job has
# a time limit), never the web process's memory.

READ_TIMEOUT_SECONDS = 45  # under gunicorn's 60 s
READING_DIR = "uploads/reading"


def stage_upload(content: bytes, suffix: str) -> str:
    """Store an upload for a reading job; returns its name under MEDIA_ROOT."""
    from django.conf import settings

    name = f"{READING_DIR}/{uuid.uuid4().hex}{suffix}"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return name


def staged_path(name: str) -> Path:
    from django.conf import settings

    if not name.startswith(READING_DIR + "/") or ".." in name:
        raise UploadError(_("文件不存在。"))
    return Path(settings.MEDIA_ROOT) / name


def reading_outcome(read: Callable[[], Any]) -> dict[str, Any]:
    """What a reading job returns: {"value": ...}, or {"error": message} for a file that cannot be
    read (never an exception: the result travels back as JSON)."""
    from celery.exceptions import SoftTimeLimitExceeded

    try:
        return {"value": read()}
    except UploadError as error:
        return {"error": str(error)}
    except SoftTimeLimitExceeded:
        return {"error": _("读取文件超时：请把文件拆小，或另存为 CSV 后再上传。")}


def read_in_worker(job, content: bytes, suffix: str, *args: Any) -> Any:
    """Run ``job(name_of_the_stored_upload, *args)`` in a worker and return its value, or raise
    UploadError with its message (or when no worker answers in time)."""
    from celery.exceptions import TimeoutError as CeleryTimeout

    name = stage_upload(content, suffix)
    try:
        result = job.apply_async(args=(name, *args))
        try:
            outcome = result.get(timeout=READ_TIMEOUT_SECONDS)
        except CeleryTimeout:
            raise UploadError(
                _("读取文件超时：后台任务繁忙或文件过大，请稍后重试，或把文件拆小后上传。")
            ) from None
        finally:
            with contextlib.suppress(Exception):
                result.forget()
    finally:
        staged_path(name).unlink(missing_ok=True)
    if "error" in outcome:
        raise UploadError(outcome["error"])
    return outcome["value"]


# Request size --------------------------------------------------------------------------------------
# Every request body is refused before it is read when its declared length is over the limit of the
# endpoint it is sent to: Django reads no more than Content-Length, so nothing of a refused body is
# spooled to memory or disk, and nobody waits for 500 MB to arrive to be told no. The endpoints that
# take an upload are listed by URL name in settings.UPLOAD_LIMITS (configuration names the apps;
# this module names none), each with its file's limit below; the allowance covers the form's other
# fields and the multipart boundaries. Every other endpoint takes small bodies only.

MiB = 1024 * 1024
OBJECT_IMPORT_MAX_BYTES = 512 * MiB  # a million-row CSV is ~180 MB
REGISTRY_IMPORT_MAX_BYTES = 10 * MiB  # inspectors and experts
MATTER_IMPORT_MAX_BYTES = 10 * MiB
CALENDAR_IMPORT_MAX_BYTES = 64 * 1024
# A draw bundle carries ~60 bytes per candidate: 32 MiB holds a draw among ~500,000 candidates.
DRAW_BUNDLE_MAX_BYTES = 32 * MiB
FORM_ALLOWANCE = 64 * 1024
DEFAULT_BODY_MAX_BYTES = int(2.5 * MiB)  # Django's own default for a request body held in memory


def upload_limits() -> dict[str, int]:
    from django.conf import settings

    limits: dict[str, int] = settings.UPLOAD_LIMITS
    return limits


def body_limit(url_name: str | None) -> int:
    """The largest request body the endpoint named ``url_name`` ("namespace:name") accepts."""
    limits = upload_limits()
    if url_name is not None and url_name in limits:
        return limits[url_name] + FORM_ALLOWANCE
    return DEFAULT_BODY_MAX_BYTES


def _size_label(size: int) -> str:
    if size >= MiB:
        return f"{size / MiB:g} MB"
    return f"{size / 1024:g} KB"


class RequestSizeLimitMiddleware:
    """Refuses (413) a request whose declared body is larger than its endpoint accepts, before
    anything reads the body. It comes before every middleware that may read the body (CSRF reads
    the form of a POST)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        # Bodies no endpoint refuses pass without resolving the URL.
        self.smallest = min(DEFAULT_BODY_MAX_BYTES, *(body_limit(name) for name in upload_limits()))

    def __call__(self, request: Any) -> Any:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length > self.smallest or length < 0:
            name = _url_name(request.path_info)
            if length < 0 or length > body_limit(name):
                shown = upload_limits().get(name or "", DEFAULT_BODY_MAX_BYTES)
                return _too_large(request, shown)
        return self.get_response(request)


def _url_name(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _too_large(request, limit: int):
    """413 without reading the body (gunicorn's sync workers then close the connection, so the
    rest of the body is never received)."""
    from django.http import HttpResponse, JsonResponse

    message = _("上传的内容过大：此处最大 %(size)s。") % {"size": _size_label(limit)}
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
