"""Read a provincial random-inspection matter list "as issued" into plain records.

Provinces publish their 随机抽查事项清单 as spreadsheets laid out for printing: title rows,
two-row headers, merged cells spanning a department's or a field's rows, and continuation
rows that only add another legal basis. This module turns such a sheet (.xlsx, legacy .xls,
or a .csv export) into :class:`MatterRecord` values without touching the database, so the
importer, the management commands and the tests share one reading of the file. The file itself
is opened by the platform's one upload reader (platform_site.uploads), with its checks.

Reading rules
-------------
* Header: the first row (within the first 30) holding at least two known header words
  (序号, 抽查事项, 检查对象, 事项类别, 检查方式, 检查主体, 检查依据, 发起部门, 配合部门, 领域,
  编制单位…), else the first holding one; the first sheet that has one is read. If the next
  row holds only header words it is a second header row and each column's key is
  ``parent/child`` (``抽查项目/抽查事项``). Header variants map to fields through
  ``HEADER_SYNONYMS``; the child word is tried first, then the parent. Rows above the header
  give ``sheet_title`` (an "附件1" label is passed over).
* Merged cells: a merged block's value applies to every cell it covers.
* Records: a row starts a new matter when it has a value of its own (not one carried by a
  merged block from an earlier row) in any column other than the legal basis, the
  implementing subject and the inspection content. A row whose own values are only in those
  columns continues the previous matter and its text is appended as a new line (the Hainan
  list puts a matter's second and third legal basis on rows of their own). Rows with no
  value of their own (blank rows, or rows only covered by merged blocks), title or note rows
  (one cell merged across the table, or a lone "注：…") and repeated header rows are
  skipped. A matter without a name is an ``empty_name`` error; the other rows still load.
* Codes: if the sheet has a code column (事项编码, 编号…) with a unique value on every
  record, that value is the code. Otherwise, if it has a 序号 column, the code is that number
  when every number in the sheet covers a single matter, else ``"<序号>-<k>"`` for every
  matter, ``k`` being its place among the matters sharing that number (a blank 序号
  continues the one above; the Hainan lists number groups, so they get "95-1", "95-2"…).
  When neither gives unique codes, codes are ``"<code_prefix>-0001"``, ``-0002``… in sheet
  order.
* Text: never evaluated (a cell ``=1+1`` stays ``"=1+1"``). Each line is stripped and its
  whitespace runs collapsed to one space; blank lines are dropped; empty cells become None.
  Legal basis, implementing subject and inspection content keep their lines (``"\\n"``).
  Other fields are one line: a line break between two CJK characters is dropped (a manual
  wrap, as in ``拍卖\\n企业``), any other becomes a space, except in ``lead_department`` where
  it separates departments and becomes ``、``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import BinaryIO

from platform_site.exports import unguard_cell
from platform_site.uploads import SpreadsheetLimits, UploadError, decode_text, read_spreadsheet

__all__ = [
    "HEADER_SYNONYMS",
    "SUPPORTED_EXTENSIONS",
    "MatterRecord",
    "MatterSheet",
    "SourceError",
    "read_matter_list",
]

SUPPORTED_EXTENSIONS = (".xlsx", ".xls", ".csv")

# Field name -> header words that mean it (compared with whitespace and bracketed notes removed).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("事项编码", "事项编号", "抽查事项编码", "事项代码", "编码", "编号", "代码"),
    "sequence": ("序号",),
    "name": ("抽查事项", "检查事项", "事项名称", "抽查事项名称", "检查事项名称"),
    "category_label": ("事项类别", "检查事项类别", "抽查事项类别", "事项类型", "事项性质"),
    "compiling_department": ("编制单位名称", "编制单位", "编制部门", "部门", "部门名称"),
    "field": ("领域", "抽查领域", "检查领域", "监管领域", "事项领域", "抽查类别", "抽查项目"),
    "object_type": ("抽查对象", "检查对象"),
    "methods": ("检查方式", "抽查方式", "检查方法", "抽查方法"),
    "implementing_subject": ("实施主体", "检查主体", "抽查主体", "执法主体", "检查实施主体"),
    "legal_basis": ("抽查依据", "检查依据", "依据", "法律依据", "设定依据", "执法依据"),
    "lead_department": ("发起部门", "牵头部门", "发起单位", "牵头单位"),
    "cooperating_departments": ("配合部门", "配合单位", "协同部门"),
    "inspection_content": ("检查内容", "抽查内容"),
}
_FIELD_BY_WORD = {word: name for name, words in HEADER_SYNONYMS.items() for word in words}
_REQUIRED = ("name",)
_MULTILINE_FIELDS = frozenset({"legal_basis", "implementing_subject", "inspection_content"})
_LIST_SPLIT = re.compile(r"[、,，;；/／\n]+")
_HEADER_SCAN_ROWS = 30


@dataclasses.dataclass(frozen=True)
class SourceError:
    """A problem found while reading; ``message`` is for users, ``message_code`` for code."""

    row: int | None
    column: str | None
    message_code: str
    message: str


@dataclasses.dataclass(frozen=True)
class MatterRecord:
    """One matter as the list states it; nothing here is looked up or interpreted further.

    ``source_row`` is the 1-based sheet row where the matter starts (for CSV, the 1-based
    record number with the header as 1). ``raw`` maps every headed column to its text.
    """

    source_row: int
    code: str
    name: str
    category_label: str | None = None
    is_key: bool | None = None
    compiling_department: str | None = None
    field: str | None = None
    object_type: str | None = None
    methods: tuple[str, ...] = ()
    implementing_subject: str | None = None
    legal_basis: str | None = None
    lead_department: str | None = None
    cooperating_departments: tuple[str, ...] = ()
    inspection_content: str | None = None
    raw: dict[str, str | None] = dataclasses.field(default_factory=dict, hash=False)


@dataclasses.dataclass
class MatterSheet:
    """Everything read from one file. Records are returned even when some rows had errors."""

    records: list[MatterRecord] = dataclasses.field(default_factory=list)
    columns: list[str] = dataclasses.field(default_factory=list)
    unrecognised_columns: list[str] = dataclasses.field(default_factory=list)
    sheet_title: str | None = None
    errors: list[SourceError] = dataclasses.field(default_factory=list)
    column_fields: dict[str, str] = dataclasses.field(default_factory=dict)
    sheet_name: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_data(self) -> dict:
        """Plain JSON data (the reading job's result travels back from the worker as JSON)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> MatterSheet:
        records = [
            MatterRecord(
                **{
                    **record,
                    "methods": tuple(record["methods"]),
                    "cooperating_departments": tuple(record["cooperating_departments"]),
                }
            )
            for record in data["records"]
        ]
        errors = [SourceError(**error) for error in data["errors"]]
        return cls(**{**data, "records": records, "errors": errors})


class _SourceProblem(Exception):
    """Stops reading a file; becomes a single SourceError."""

    def __init__(self, message_code: str, message: str) -> None:
        super().__init__(message)
        self.error = SourceError(None, None, message_code, message)


@dataclasses.dataclass(frozen=True, slots=True)
class _Cell:
    text: str | None  # cleaned text, carried into every cell a merged block covers
    own: bool  # False for cells whose text comes from a merged block's first cell
    width: int = 1  # columns spanned by the cell's merged block


@dataclasses.dataclass
class _Grid:
    name: str | None
    rows: list[list[_Cell]]


@dataclasses.dataclass
class _Draft:
    row: int
    texts: dict[int, list[str]]  # column index -> text chunks (continuation rows append)


def read_matter_list(
    path_or_file: str | os.PathLike[str] | BinaryIO,
    *,
    filename: str | None = None,
    code_prefix: str = "M",
) -> MatterSheet:
    """Read a matter list from a path or a binary file object.

    The format follows the extension of ``filename`` (default: the path, or the file
    object's ``name``). Problems with the content never raise: they come back in
    ``errors``, with no records when the file as a whole cannot be read.
    """
    if isinstance(path_or_file, str | os.PathLike):
        path = Path(path_or_file)
        data = path.read_bytes()
        filename = filename or path.name
    else:
        content = path_or_file.read()
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        filename = filename or getattr(path_or_file, "name", None)

    extension = os.path.splitext(filename or "")[1].lower()
    try:
        if extension not in SUPPORTED_EXTENSIONS:
            shown = extension or "无扩展名"
            raise _SourceProblem(
                "unsupported_format", f"不支持的文件格式：{shown}（仅支持 .xlsx、.xls、.csv）"
            )
        if not data.strip():
            raise _SourceProblem("empty_file", "文件为空")
        grids = _csv_grids(data) if extension == ".csv" else _workbook_grids(data)
        return _read_grids(grids, code_prefix)
    except _SourceProblem as problem:
        return MatterSheet(errors=[problem.error])


# --- turning files into grids -------------------------------------------------------------
# The platform's one upload reader (platform_site.uploads) opens the file: it checks a workbook
# for zip bombs and entity expansion before parsing it, reads every row whatever the sheet claims,
# and decodes CSV text with the platform's one encoding sniffer.

# A provincial list is a few hundred matters; these bounds leave room and keep the grid (held in
# memory, merged blocks spread) small.
SPREADSHEET_LIMITS = SpreadsheetLimits(
    max_unpacked_bytes=100 * 1024 * 1024,
    max_part_bytes=100 * 1024 * 1024,
    max_shared_strings_bytes=20 * 1024 * 1024,
    max_xls_bytes=20 * 1024 * 1024,
)
MAX_CELLS = 2_000_000


def _workbook_grids(data: bytes) -> list[_Grid]:
    """Read by content, not extension: .xls downloads are often really .xlsx and vice versa."""
    with tempfile.TemporaryDirectory(prefix="matter-list-") as directory:
        path = Path(directory) / "list"
        path.write_bytes(data)
        try:
            file_format, sheets, close = read_spreadsheet(path, SPREADSHEET_LIMITS)
        except UploadError as error:
            raise _SourceProblem("unreadable_file", str(error)) from None
        try:
            return [_sheet_grid(sheet, unescape=file_format == "xlsx") for sheet in sheets]
        except UploadError as error:
            raise _SourceProblem("unreadable_file", str(error)) from None
        finally:
            close()


def _sheet_grid(sheet, *, unescape: bool) -> _Grid:
    values = []
    cells = 0
    for row in sheet.rows():
        cells += len(row)
        if cells > MAX_CELLS:
            raise _SourceProblem("unreadable_file", "无法读取文件：表格过大（单元格过多）")
        values.append([_clean(_value_text(value), unescape=unescape) for value in row])
    return _build_grid(sheet.title, values, sheet.merges)


def _csv_grids(data: bytes) -> list[_Grid]:
    text = _decode(data)
    if not text.strip():
        raise _SourceProblem("empty_file", "文件为空")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _SourceProblem("unreadable_file", "无法读取文件：CSV 格式有误") from exc
    return [_build_grid(None, [[_clean(unguard_cell(value)) for value in row] for row in rows], [])]


def _decode(data: bytes) -> str:
    """UTF-8 (BOM optional), else GB18030 (the superset of GBK that Excel writes in China), or
    UTF-16 with its BOM ("Unicode text"): the platform's one sniffer."""
    try:
        return decode_text(data, utf16=True)
    except UploadError:
        raise _SourceProblem(
            "bad_encoding", "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV 文件"
        ) from None


def _build_grid(
    name: str | None,
    values: list[list[str | None]],
    merges: Iterable[tuple[int, int, int, int]],
) -> _Grid:
    """Rectangular grid; merges are half-open (row_lo, row_hi, col_lo, col_hi) blocks."""
    width = max((len(row) for row in values), default=0)
    rows = [
        [_Cell(text, True) for text in row] + [_Cell(None, True)] * (width - len(row))
        for row in values
    ]
    for row_lo, row_hi, col_lo, col_hi in merges:
        if row_lo >= len(rows) or col_lo >= width:
            continue
        text = rows[row_lo][col_lo].text
        span = col_hi - col_lo
        for row in range(row_lo, min(row_hi, len(rows))):
            for col in range(col_lo, min(col_hi, width)):
                rows[row][col] = _Cell(text, (row, col) == (row_lo, col_lo), span)
    return _Grid(name, rows)


# --- cell text ------------------------------------------------------------------------------

_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_INVISIBLE = re.compile("[\x00-\x08\x7f\u200b-\u200d\u2060\ufeff]")


def _value_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return unguard_cell(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    text = getattr(value, "text", None)  # openpyxl ArrayFormula and friends
    return text if isinstance(text, str) else str(value)


def _clean(text: str | None, *, unescape: bool = False) -> str | None:
    """Strip lines, collapse whitespace runs, drop blank lines; None when nothing is left."""
    if text is None:
        return None
    if unescape:  # OOXML writes control characters such as CR as _x000D_
        text = _OOXML_ESCAPE.sub(lambda match: chr(int(match[1], 16)), text)
    lines = (" ".join(line.split()) for line in _INVISIBLE.sub("", text).splitlines())
    return "\n".join(line for line in lines if line) or None


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
    )


def _one_line(text: str, joiner: str | None = None) -> str:
    lines = text.split("\n")
    joined = lines[0]
    for line in lines[1:]:
        if joiner is not None:
            separator = joiner
        else:
            separator = "" if _is_cjk(joined[-1]) and _is_cjk(line[0]) else " "
        joined += separator + line
    return joined


def _header_word(text: str | None) -> str:
    """Header text as compared with the synonyms: no whitespace, bracketed notes or colons."""
    if not text:
        return ""
    word = re.sub(r"\s+", "", text)
    word = re.sub(r"[（(][^）)]*[）)]", "", word)
    return word.strip("：:*＊")


# --- from grid to records -------------------------------------------------------------------


def _read_grids(grids: Sequence[_Grid], code_prefix: str) -> MatterSheet:
    if not any(cell.text for grid in grids for row in grid.rows for cell in row):
        raise _SourceProblem("empty_file", "文件中没有任何内容")
    for grid in grids:
        header = _find_header(grid.rows)
        if header is not None:
            return _read_grid(grid, *header, code_prefix)
    raise _SourceProblem("missing_header", "未找到表头行：请确认文件包含“抽查事项”等列名")


def _find_header(rows: list[list[_Cell]]) -> tuple[int, int] | None:
    """(first header row index, number of header rows), or None."""
    fallback = None
    for index, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        known = {col for col, cell in enumerate(row) if _header_word(cell.text) in _FIELD_BY_WORD}
        if len(known) >= 2 or (known and fallback is None):
            depth = 2 if index + 1 < len(rows) and _is_child_header(rows[index + 1]) else 1
            if len(known) >= 2:
                return index, depth
            fallback = (index, depth)
    return fallback


def _is_child_header(row: list[_Cell]) -> bool:
    own = [_header_word(cell.text) for cell in row if cell.own and cell.text]
    return bool(own) and all(word in _FIELD_BY_WORD for word in own)


def _column_keys(rows: list[list[_Cell]], start: int, depth: int) -> list[str | None]:
    keys: list[str | None] = []
    seen: set[str] = set()
    for col, parent_cell in enumerate(rows[start]):
        parent = re.sub(r"\s+", "", parent_cell.text or "")
        child = re.sub(r"\s+", "", rows[start + 1][col].text or "") if depth == 2 else ""
        key = parent if not child or child == parent else (f"{parent}/{child}" if parent else child)
        if not key:
            keys.append(None)
            continue
        unique, suffix = key, 2
        while unique in seen:
            unique, suffix = f"{key}（{suffix}）", suffix + 1
        seen.add(unique)
        keys.append(unique)
    return keys


def _field_for(key: str) -> str | None:
    parts = key.split("/")
    candidates = [parts[-1], "".join(parts), parts[0]] if len(parts) > 1 else [key]
    for candidate in candidates:
        field_name = _FIELD_BY_WORD.get(_header_word(candidate))
        if field_name:
            return field_name
    return None


def _sheet_title(rows: list[list[_Cell]]) -> str | None:
    for row in rows:
        for cell in row:
            if (
                cell.own
                and cell.text
                and not re.fullmatch(r"附件\s*[0-9一二三四五六七八九十]*", cell.text)
            ):
                return _one_line(cell.text)
    return None


def _read_grid(grid: _Grid, start: int, depth: int, code_prefix: str) -> MatterSheet:
    rows = grid.rows
    keys = _column_keys(rows, start, depth)
    sheet = MatterSheet(sheet_title=_sheet_title(rows[:start]), sheet_name=grid.name)
    field_columns: dict[str, int] = {}
    for col, key in enumerate(keys):
        if key is None:
            continue
        field_name = _field_for(key)
        if field_name and field_name not in field_columns:
            field_columns[field_name] = col
            sheet.columns.append(key)
            sheet.column_fields[key] = field_name
        else:
            sheet.unrecognised_columns.append(key)

    missing = [name for name in _REQUIRED if name not in field_columns]
    if missing:
        label = HEADER_SYNONYMS[missing[0]][0]
        sheet.errors.append(SourceError(start + 1, label, "missing_column", f"缺少必填列：{label}"))
        return sheet

    drafts = _collect_drafts(rows, start + depth, keys, field_columns)
    _build_records(sheet, drafts, keys, field_columns, code_prefix)
    if not sheet.records and not sheet.errors:
        sheet.errors.append(SourceError(None, None, "no_records", "文件中没有读取到任何抽查事项"))
    return sheet


def _collect_drafts(
    rows: list[list[_Cell]],
    first_data_row: int,
    keys: list[str | None],
    field_columns: dict[str, int],
) -> list[_Draft]:
    headed = [col for col, key in enumerate(keys) if key is not None]
    starts_record = {col for name, col in field_columns.items() if name not in _MULTILINE_FIELDS}
    header_words = {
        col: {_header_word(part) for part in [key, *key.split("/")]}
        for col, key in enumerate(keys)
        if key is not None
    }
    name_col = field_columns["name"]
    drafts: list[_Draft] = []
    for index in range(first_data_row, len(rows)):
        row = rows[index]
        own = [col for col in headed if row[col].own and row[col].text]
        if not own or _is_title_or_note(row, own, name_col, len(headed)):
            continue
        if sum(_header_word(row[col].text) in header_words[col] for col in own) >= 2:
            continue  # a header repeated on a later page
        if drafts and not starts_record.intersection(own):
            for col in own:
                drafts[-1].texts.setdefault(col, []).append(row[col].text or "")
            continue
        texts = {col: [row[col].text or ""] for col in headed if row[col].text}
        drafts.append(_Draft(index + 1, texts))
    return drafts


def _is_title_or_note(row: list[_Cell], own: list[int], name_col: int, columns: int) -> bool:
    if len(own) != 1:
        return False
    cell = row[own[0]]
    if cell.width >= max(2, columns // 2):
        return True
    return not row[name_col].text and bool(
        re.match(r"(备注|附注|说明|注)\s*[:：\d]", cell.text or "")
    )


def _build_records(
    sheet: MatterSheet,
    drafts: list[_Draft],
    keys: list[str | None],
    field_columns: dict[str, int],
    code_prefix: str,
) -> None:
    name_key = keys[field_columns["name"]]
    built: list[tuple[_Draft, dict[str, str | None]]] = []
    for draft in drafts:
        values = {
            name: "\n".join(draft.texts[col]) if col in draft.texts else None
            for name, col in field_columns.items()
        }
        if not values["name"]:
            message = f"第{draft.row}行缺少抽查事项名称"
            sheet.errors.append(SourceError(draft.row, name_key, "empty_name", message))
            continue
        built.append((draft, values))

    codes = _assign_codes([values for _, values in built], field_columns, code_prefix)
    for (draft, values), code in zip(built, codes, strict=True):
        sheet.records.append(_record(draft, values, keys, code))


def _assign_codes(
    values: list[dict[str, str | None]], field_columns: dict[str, int], code_prefix: str
) -> list[str]:
    if "code" in field_columns:
        own_codes = [_one_line(v["code"]) if v["code"] else "" for v in values]
        if all(own_codes) and len(set(own_codes)) == len(own_codes):
            return own_codes
    if "sequence" in field_columns:
        sequences: list[str] = []
        for v in values:
            current = _one_line(v["sequence"]) if v["sequence"] else None
            sequences.append(current or (sequences[-1] if sequences else ""))
        if all(sequences):
            places: list[int] = []
            for index, number in enumerate(sequences):
                continues = index > 0 and sequences[index - 1] == number
                places.append(places[-1] + 1 if continues else 1)
            grouped = any(place > 1 for place in places)
            codes = [
                f"{number}-{place}" if grouped else number
                for number, place in zip(sequences, places, strict=True)
            ]
            if len(set(codes)) == len(codes):
                return codes
    return [f"{code_prefix}-{index:04d}" for index in range(1, len(values) + 1)]


def _record(
    draft: _Draft, values: dict[str, str | None], keys: list[str | None], code: str
) -> MatterRecord:
    def text(name: str) -> str | None:
        value = values.get(name)
        if value is None or name in _MULTILINE_FIELDS:
            return value
        return _one_line(value, "、" if name == "lead_department" else None)

    def items(name: str) -> tuple[str, ...]:
        value = values.get(name) or ""
        parts = (part.strip() for part in _LIST_SPLIT.split(value))
        return tuple(dict.fromkeys(part for part in parts if part))

    category = text("category_label")
    raw = {
        key: "\n".join(draft.texts[col]) if col in draft.texts else None
        for col, key in enumerate(keys)
        if key is not None
    }
    return MatterRecord(
        source_row=draft.row,
        code=code,
        name=text("name") or "",
        category_label=category,
        is_key=_is_key(category),
        compiling_department=text("compiling_department"),
        field=text("field"),
        object_type=text("object_type"),
        methods=items("methods"),
        implementing_subject=text("implementing_subject"),
        legal_basis=text("legal_basis"),
        lead_department=text("lead_department"),
        cooperating_departments=items("cooperating_departments"),
        inspection_content=text("inspection_content"),
        raw=raw,
    )


def _is_key(category: str | None) -> bool | None:
    """重点 (key) matters get a higher sampling ratio; 一般 (general) ones the ordinary one."""
    if not category:
        return None
    if "一般" in category or "非重点" in category:
        return False
    if "重点" in category:
        return True
    return None
