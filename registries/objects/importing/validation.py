"""Row validation: the hot loop of the import.

Every row of a 1,000,000-row file passes through :func:`staging_chunks`, so the per-row work is kept
to a tuple unpack, a few ``str`` methods and dict lookups and :func:`is_valid_uscc`; anything costly
(building messages, parsing a date the first time it is seen) happens only for rows that need it.
Valid rows come out as COPY text-format lines in chunks of a few hundred rows (see CHUNK_ROWS), so
nothing holds the whole file in memory. Errors go straight to the error report writer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import cast

from django.utils.translation import gettext as _

from platform_site.uploads import CellDateError, UploadError, parse_cell_date
from registries.choices import MARKET_ENTITY_KINDS, ObjectKind, ObjectStatus, RiskClass, Scale
from registries.objects.importing.columns import COLUMN_KEYS, HeaderMap
from registries.uscc import all_valid_uscc, is_valid_uscc, validate_uscc

# Staging table columns, in COPY order: the row number, then every import column.
STAGING_COLUMNS = ("row_no", *COLUMN_KEYS)
STAGING_TABS = len(STAGING_COLUMNS) - 1  # a line with more holds a tab inside a value
# Rows per chunk handed to COPY: about 32 KB, well under a socket's send buffer, so handing a chunk
# over never waits for the server and the server parses it while Python validates the next ones
# (with 4,000-row chunks, ~500 KB, each hand-over waited for the server: 10-14 s instead of 8-10 s
# for a million rows).
CHUNK_ROWS = 256
BLOCK_ROWS = CHUNK_ROWS
# A block the fast path refuses is tried again in parts this large before the row loop takes them.
PART_ROWS = 32
CACHE_LIMIT = 100_000
# What a blank enumeration cell becomes in a new object (the model's defaults).
ENUM_DEFAULTS = {"kind": "enterprise", "risk_class": "B", "status": "active"}

# A blank cell never erases what the registry holds (a column left empty, or a file exported
# without some values, must not wipe them). A clerk who means "clear this value" writes the marker
# 【清空】 (or [清空]) in the cell; it travels through the staging table as CLEAR and the merge
# turns it into an empty value, with a history row like every other change. Only optional
# descriptive columns can be cleared: an enumeration with a default, a required column, the
# supervising departments (released on the object page) and the special lists (taken off with a
# reason, on the object page) cannot.
CLEAR = "[清空]"
CLEAR_MARKERS = frozenset({CLEAR, "【清空】"})
CLEARABLE = frozenset(
    {"legal_representative", "address", "registering_authority", "grid", "industry_code",
     "licence_types", "scale"}
)  # fmt: skip

# Longest value of each free-text column (the registry's varchar sizes).
MAX_LENGTHS = {
    "code": 32,
    "name": 200,
    "legal_representative": 100,
    "address": 300,
    "registering_authority": 100,
    "grid": 40,
    "anomaly_source": 100,
    "serious_violation_source": 100,
    "penalised_source": 100,
    "group_complaint_source": 100,
}
LICENCE_MAX = 40


def _choices_lookup(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices:
        lookup[value] = value
        lookup[value.upper()] = value
        lookup[str(label)] = value
    lookup.update(extra or {})
    return lookup


KINDS = _choices_lookup(
    ObjectKind.choices,
    {"个体": ObjectKind.INDIVIDUAL, "合作社": ObjectKind.COOPERATIVE, "工程": ObjectKind.PROJECT},
)
SCALES = _choices_lookup(
    Scale.choices,
    {
        "微": Scale.MICRO,
        "小": Scale.SMALL,
        "中": Scale.MEDIUM,
        "大": Scale.LARGE,
        "小微": Scale.SMALL,
    },
)
RISKS = _choices_lookup(
    RiskClass.choices,
    {
        **{f"{letter}类": letter for letter in "ABCD"},
        **{letter.lower(): letter for letter in "ABCD"},
        "低风险": "A",
        "一般风险": "B",
        "较高风险": "C",
        "高风险": "D",
    },
)
STATUSES = _choices_lookup(
    ObjectStatus.choices,
    {"在业": ObjectStatus.ACTIVE, "开业": ObjectStatus.ACTIVE, "正常": ObjectStatus.ACTIVE, "已注销": ObjectStatus.CANCELLED,
     "已吊销": ObjectStatus.REVOKED, "吊销，未注销": ObjectStatus.REVOKED, "已迁出": ObjectStatus.MOVED_OUT},
)  # fmt: skip

# The same rules as single entry (registries.objects.services), so an exported list re-imports.
INDUSTRY_PATTERN = re.compile(r"[A-T](?:[0-9]{2}|[0-9]{3}|[0-9]{4})?")
REGION_PATTERN = re.compile(r"[0-9]{6}(?:[0-9]{3}){0,2}")
OWN_CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9-]{3,31}")
# The single-entry form's separators (registries.objects.forms.LicenceField), which the exports use.
_LIST_SEPARATORS = re.compile(r"[;；、，,\n]")
_DEPARTMENT_SEPARATORS = re.compile(r"[;；,，、\s]+")


def _labels(choices) -> str:
    return "、".join(str(label) for _value, label in choices)


def parse_date(text: str) -> str | None:
    """'2024/3/5', '2024年3月5日', '20240305' -> '2024-03-05'; None when not a real date (the
    platform's one rule: platform_site.uploads.parse_cell_date)."""
    try:
        return parse_cell_date(text).isoformat()
    except CellDateError:
        return None


def date_message(text: str) -> str:
    """Why a date cell was refused: a marker, an impossible date, or no date at all."""
    if text.strip() in CLEAR_MARKERS:
        return _("特殊名单不能通过导入移出：请在对象页面填写移出原因后移出")
    try:
        parse_cell_date(text)
    except CellDateError as error:
        return str(error)
    return ""


def uscc_message(code: str) -> str:
    """The Chinese reason an invalid unified social credit code was refused."""
    check = validate_uscc(code)
    if check.reason == "length":
        return _("统一社会信用代码应为 18 位，实际为 %(length)s 位") % {"length": len(check.code)}
    if check.reason == "charset":
        if check.position is not None and 3 <= check.position <= 8:
            return _(
                "统一社会信用代码第 %(position)s 位应为数字（登记管理机关行政区划码），实际为“%(char)s”"
            ) % {
                "position": check.position,
                "char": check.character,
            }
        return _(
            "统一社会信用代码第 %(position)s 位字符“%(char)s”不合法（只能是数字和除 I、O、S、V、Z 以外的大写字母）"
        ) % {
            "position": check.position,
            "char": check.character,
        }
    return _("统一社会信用代码校验位错误，应为 %(expected)s") % {"expected": check.expected_check}


def other_departments_message(own: str, names: list[str]) -> str:
    return _(
        "只能填写本部门（%(own)s）或已监管该对象的部门：%(names)s 的监管须由该部门自行认领或由联席办指定"
    ) % {"own": own, "names": "、".join(names)}


@dataclass
class DepartmentDirectory:
    """Department codes, names and short names -> id, for the 监管部门 column, and who may be named
    there: never the office (it supervises nothing), and in a department's import only that
    department (an import claims for the importing department alone; the office assigns any)."""

    by_key: dict[str, int]
    office_ids: frozenset[int] = frozenset()
    only_id: int | None = None  # a department's import: the one department it may add
    only_label: str = ""
    # Refuse other departments here (a load into the empty registry, where every object is new);
    # otherwise the merge refuses those that do not already supervise the object (an exported
    # list names every supervising department, and must import back unchanged).
    strict: bool = True

    @classmethod
    def load(cls, *, importing_department=None) -> DepartmentDirectory:
        """``importing_department``: the department of a department's import; None for the office."""
        from accounts.choices import DepartmentKind
        from accounts.models import Department

        by_key: dict[str, int] = {}
        office_ids: set[int] = set()
        for pk, code, name, short_name, kind in Department.objects.filter(
            is_active=True
        ).values_list("pk", "code", "name", "short_name", "kind"):
            by_key[code.upper()] = pk
            by_key[name] = pk
            if short_name:
                by_key.setdefault(short_name, pk)
            if kind == DepartmentKind.OFFICE:
                office_ids.add(pk)
        if importing_department is None:
            return cls(by_key=by_key, office_ids=frozenset(office_ids))
        return cls(
            by_key=by_key,
            office_ids=frozenset(office_ids),
            only_id=importing_department.pk,
            only_label=importing_department.code,
            strict=False,
        )

    def resolve(self, text: str) -> tuple[str | None, str | None]:
        """Return (postgres array literal, the reason the cell is refused, or None)."""
        ids: set[int] = set()
        unknown: list[str] = []
        office: list[str] = []
        others: list[str] = []
        for token in _DEPARTMENT_SEPARATORS.split(text.strip()):
            if not token:
                continue
            pk = self.by_key.get(token.upper()) or self.by_key.get(token)
            if pk is None:
                unknown.append(token)
            elif pk in self.office_ids:
                office.append(token)
            elif self.only_id is not None and pk != self.only_id and self.strict:
                others.append(token)
            else:
                ids.add(pk)
        problem = None
        if unknown:
            problem = _("未知的监管部门：%(names)s（请填写部门代码或名称）") % {
                "names": "、".join(unknown)
            }
        elif office:
            problem = _("联席办不是监管部门，不能填写：%(names)s") % {"names": "、".join(office)}
        elif others:
            problem = other_departments_message(self.only_label, others)
        if not ids:
            return None, problem
        return "{" + ",".join(str(pk) for pk in sorted(ids)) + "}", problem


@dataclass
class ValidationStats:
    rows: int = 0  # data rows seen (blank lines excluded)
    valid: int = 0
    invalid: int = 0
    errors: int = 0
    first_row_no: int = 1  # the header's row
    last_row_no: int = 1
    seen_codes: dict[str, int] = field(default_factory=dict, repr=False)


ErrorSink = Callable[[int, str, str, str], None]
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_line(values: tuple) -> str:
    """Slow path: a COPY text-format line whose values contain tabs, newlines or backslashes.
    None becomes ``\\N`` (the NULL of a COPY without a NULL option)."""
    return "\t".join("\\N" if value is None else str(value).translate(_ESCAPES) for value in values)


def _array_literal(items: str) -> str:
    """'食品经营;药品经营' (normalised licence types) -> '{"食品经营","药品经营"}'."""
    if not items:
        return "{}"
    quoted = (
        '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items.split(";")
    )
    return "{" + ",".join(quoted) + "}"


@dataclass
class RegistryLoad:
    """Where :func:`staging_chunks` sends valid rows when it feeds the registry directly (a bulk
    load into an empty registry) instead of the staging table.

    Each valid row becomes a COPY line of ``REGISTRY_COPY_COLUMNS``: its id (``first_id`` onwards,
    so the ids follow the file), the final column values (enumeration defaults filled in, licence
    types as an array literal, missing dates as NULL) and ``stamp`` for created_at and updated_at.
    When ``supervisions`` is given (the file has a 监管部门 column), each row also writes one COPY
    line per supervising department to it (the row's own departments, else
    ``default_department_ids``) ending with ``supervision_suffix`` (status, claimed_at,
    claimed_by); without it, the caller adds the default departments' supervisions in SQL.
    """

    first_id: int
    stamp: str
    supervisions: Callable[[str], object] | None = None
    default_department_ids: list[int] = field(default_factory=list)
    supervision_suffix: str = ""
    last_id: int = 0  # the id of the last valid row, once the rows are through
    department_ids: set[int] = field(default_factory=set)  # every department written


# Registry columns of a direct load, in COPY order (see RegistryLoad).
REGISTRY_COPY_COLUMNS = (
    "id", "code", "name", "kind", "legal_representative", "address", "region_code", "industry_code",
    "licence_types", "scale", "risk_class", "status", "registering_authority", "grid",
    "anomaly_since", "anomaly_source", "serious_violation_since", "serious_violation_source",
    "penalised_at", "penalised_source", "group_complaint_at", "group_complaint_source",
    "created_at", "updated_at",
)  # fmt: skip
REGISTRY_TABS = len(REGISTRY_COPY_COLUMNS) - 1


def _cached(cache: dict, key: str, compute: Callable[[str], object]) -> object:
    value = cache.get(key, cache)
    if value is cache:
        value = compute(key)
        if len(cache) < CACHE_LIMIT:
            cache[key] = value
    return value


def _region(raw: str) -> str | None:
    """The region code, stripped, or None when it is not one (the common 6 digits checked first)."""
    region = raw.strip()
    if (len(region) == 6 and region.isdigit() and region.isascii()) or REGION_PATTERN.fullmatch(
        region
    ):
        return region
    return None


def _copy_lines(columns: list[Sequence[str]], count: int) -> str:
    """The COPY lines of a block given column by column (each ``count`` values long). The last
    columns often hold one value all through a block (blank flags, the time stamps): they are
    joined once, as the end of every line, instead of once a row."""
    tail = len(columns)
    while tail > 1 and columns[tail - 1].count(columns[tail - 1][0]) == count:
        tail -= 1
    end = "".join("\t" + column[0] for column in columns[tail:]) + "\n"
    return end.join(map("\t".join, zip(*columns[:tail], strict=True))) + end


class _BlockValidator:
    """The fast path of :func:`staging_chunks`: a block of rows in which no row has anything to
    report becomes its COPY lines column by column, with C-level ``map``/``set``/``str.join`` doing
    the per-row work (about half the time of the row loop). Enumerations, codes and dates are
    normalised once per distinct value. Anything the row loop would report or escape, or repair
    otherwise than this path does (a bad or duplicate code, spaces around a code, a blank line,
    ragged rows, a tab in a value…), makes it return None and leave the block to the row loop; it
    changes nothing until it has accepted a block.
    """

    # Columns validated per distinct value; blank is always fine except for the region.
    MAPPED = (
        "kind", "industry_code", "licence_types", "scale", "risk_class", "status", "departments",
        "anomaly_since", "serious_violation_since", "penalised_at", "group_complaint_at",
    )  # fmt: skip
    TEXT_LIMITS = {key: MAX_LENGTHS[key] for key in MAX_LENGTHS if key != "code"}

    def __init__(
        self,
        header: HeaderMap,
        *,
        normalisers: dict[str, Callable[[str], str | None]],
        seen: dict[str, int],
        registry_load: RegistryLoad | None,
    ):
        self.positions = [header.positions.get(key, -1) for key in COLUMN_KEYS]
        self.needed_width = max(self.positions) + 1
        self.normalisers = {**normalisers, "region_code": _region}
        self.caches: dict[str, dict[str, str]] = {key: {"": ""} for key in self.MAPPED}
        self.caches["region_code"] = {}
        self.seen = seen
        self.load = registry_load
        self.licence_literals = {"": "{}"}
        self.department_ids: dict[str, list[str]] = {}
        # A new object has nothing to clear: a direct load writes the marker as a blank value.
        self.cleared = CLEAR if registry_load is None else ""
        if registry_load is not None:
            self.default_ids = [str(pk) for pk in registry_load.default_department_ids]
            self.registry_defaults = {
                "kind": {"": ENUM_DEFAULTS["kind"]},
                "risk_class": {"": ENUM_DEFAULTS["risk_class"]},
                "status": {"": ENUM_DEFAULTS["status"]},
                "date": {"": "\\N"},
            }

    def mapped(self, key: str, values: Sequence[str]) -> Sequence[str] | None:
        cache = self.caches[key]
        normalise = self.normalisers[key]
        changes: dict[str, str] | None = None
        for raw in set(values):
            found = cache.get(raw)
            if found is None:
                found = normalise(raw)
                if found is None:
                    return None
                if len(cache) < CACHE_LIMIT:
                    cache[raw] = found
            if found != raw:
                (changes := changes or {})[raw] = found
        return values if changes is None else list(map(changes.get, values, values))

    def stripped(self, key: str, values: Sequence[str]) -> Sequence[str] | None:
        if not any(values):
            return values
        texts = list(map(str.strip, values))
        if max(map(len, texts)) > self.TEXT_LIMITS[key]:
            return None
        if not CLEAR_MARKERS.isdisjoint(texts):
            if key not in CLEARABLE:
                return None  # the row loop reports it
            cleared = self.cleared
            texts = [cleared if text in CLEAR_MARKERS else text for text in texts]
        return texts

    def __call__(self, block: list[list[str]], row_no: int, object_id: int) -> str | None:
        """The COPY lines of the rows after ``row_no`` (and, loading the registry, of the ids
        after ``object_id``), or None when the row loop must handle this block."""
        count = len(block)
        widths = set(map(len, block))
        if len(widths) != 1 or widths.pop() < self.needed_width:
            return None
        file_columns = list(zip(*block, strict=True))
        blank = ("",) * count
        columns: dict[str, Sequence[str]] = dict(
            zip(
                COLUMN_KEYS,
                (file_columns[position] if position >= 0 else blank for position in self.positions),
                strict=True,
            )
        )
        for key in (*self.MAPPED, "region_code"):
            values = self.mapped(key, columns[key])
            if values is None:
                return None
            columns[key] = values
        if not MARKET_ENTITY_KINDS.issuperset(
            kind or ObjectKind.ENTERPRISE for kind in set(columns["kind"])
        ):
            return None  # own codes instead of credit codes: the row loop checks those
        for key in self.TEXT_LIMITS:
            values = self.stripped(key, columns[key])
            if values is None:
                return None
            columns[key] = values
        if 0 in map(len, columns["name"]):
            return None
        codes = columns["code"] = list(map(str.upper, columns["code"]))
        if not all_valid_uscc(codes):
            return None  # a bad code, or spaces around a code (which the row loop strips)
        distinct = set(codes)
        if len(distinct) != count or not self.seen.keys().isdisjoint(distinct):
            return None

        if self.load is None:
            text = self.staging_lines(columns, row_no, count)
        else:
            text = self.registry_lines(columns, object_id, count)
        if text is None:
            return None
        self.seen.update(zip(codes, range(row_no + 1, row_no + count + 1), strict=True))
        if self.load is not None and self.load.supervisions is not None:
            self.write_supervisions(columns["departments"], object_id)
        return text

    def staging_lines(self, columns: dict, row_no: int, count: int) -> str | None:
        row_numbers = list(map(str, range(row_no + 1, row_no + count + 1)))
        text = _copy_lines([row_numbers, *columns.values()], count)
        if (
            text.count("\t") != count * STAGING_TABS
            or text.count("\n") != count
            or "\\" in text
            or "\r" in text
        ):
            return None
        return text

    def registry_lines(
        self, columns: dict[str, Sequence[str]], object_id: int, count: int
    ) -> str | None:
        defaults = self.registry_defaults
        literals = self.licence_literals
        licences = columns["licence_types"]
        for item in set(licences):
            if item not in literals:
                literals[item] = _array_literal(item)
        dates: dict[str, Sequence[str]] = {}
        nulls = 0
        for key in (
            "anomaly_since",
            "serious_violation_since",
            "penalised_at",
            "group_complaint_at",
        ):
            values = columns[key]
            blanks = values.count("")
            nulls += blanks
            dates[key] = list(map(defaults["date"].get, values, values)) if blanks else values

        def with_default(key: str) -> list[str]:
            return list(map(defaults[key].get, columns[key], columns[key]))

        stamps = (cast(RegistryLoad, self.load).stamp,) * count  # a direct load's blocks only
        text = _copy_lines(
            [
                list(map(str, range(object_id + 1, object_id + count + 1))), columns["code"],
                columns["name"], with_default("kind"), columns["legal_representative"],
                columns["address"], columns["region_code"], columns["industry_code"],
                list(map(literals.__getitem__, licences)), columns["scale"],
                with_default("risk_class"), with_default("status"),
                columns["registering_authority"], columns["grid"], dates["anomaly_since"],
                columns["anomaly_source"], dates["serious_violation_since"],
                columns["serious_violation_source"], dates["penalised_at"],
                columns["penalised_source"], dates["group_complaint_at"],
                columns["group_complaint_source"], stamps, stamps,
            ],  # same order as REGISTRY_COPY_COLUMNS
            count,
        )  # fmt: skip
        if (
            text.count("\t") != count * REGISTRY_TABS
            or text.count("\n") != count
            or text.count("\\") != nulls
            or "\r" in text
        ):
            return None
        return text

    def write_supervisions(self, departments: Sequence[str], last_id: int) -> None:
        load = cast(RegistryLoad, self.load)  # a direct load with a 监管部门 column only
        suffix = load.supervision_suffix
        lines: list[str] = []
        for object_id, literal in enumerate(departments, start=last_id + 1):
            if literal:
                ids = self.department_ids.get(literal)
                if ids is None:
                    ids = self.department_ids[literal] = literal[1:-1].split(",")
                    load.department_ids.update(int(pk) for pk in ids)
            else:
                ids = self.default_ids
            lines.extend(f"{object_id}\t{pk}{suffix}" for pk in ids)
        cast(Callable[[str], object], load.supervisions)("".join(lines))


def staging_chunks(
    rows: Iterable[list[str]],
    header: HeaderMap,
    *,
    departments: DepartmentDirectory,
    stats: ValidationStats,
    report_error: ErrorSink,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 10_000,
    registry_load: RegistryLoad | None = None,
    fast_path: bool = True,
    first_row_no: int = 1,
    max_rows: int | None = None,
) -> Iterator[str]:
    """Validate rows and yield chunks of COPY text-format lines (``NULL ''``) for the staging table,
    or, with ``registry_load``, for the registry itself (default NULL, see :class:`RegistryLoad`).

    Row numbers are the spreadsheet's: the header is row ``first_row_no``, and every row after it
    counts, blank ones included. A code seen twice in the file is kept the first time it appears in
    a valid row; later rows with the same code are reported. More than ``max_rows`` data rows
    (blank rows not counted) fail the whole file (UploadError) as soon as the next block is read.

    Rows come in blocks of BLOCK_ROWS. A block is first given to :class:`_BlockValidator`, which
    checks it column by column and accepts it only if no row has anything to report (the common
    case); otherwise the row-by-row loop below validates it and reports. Both give the same lines
    (``fast_path=False`` turns the first off, for the tests that compare them).
    """
    # One itemgetter call unpacks a row into the 22 columns in C. Absent columns read the "" that
    # is appended to every row (index -1), so there is no per-column "is it present?" test.
    getter = itemgetter(*(header.positions.get(key, -1) for key in COLUMN_KEYS))
    width = header.width + 1
    label = header.label
    # Every message and label is built once here, not per failing row: a file with a bad column
    # can have a million failing rows, and gettext and % formatting cost more than the check.
    L_CODE, L_NAME, L_KIND, L_REGION = (
        label("code"),
        label("name"),
        label("kind"),
        label("region_code"),
    )
    L_INDUSTRY, L_LICENCE, L_SCALE = label("industry_code"), label("licence_types"), label("scale")
    L_RISK, L_STATUS, L_DEPTS = label("risk_class"), label("status"), label("departments")
    text_checks = [
        (key, label(key), limit)
        for key, limit in MAX_LENGTHS.items()
        if key not in ("code", "name")
    ]
    date_keys = ("anomaly_since", "serious_violation_since", "penalised_at", "group_complaint_at")
    msg_required = _("必填项为空")
    msg_region = _("行政区划代码应为 6 位数字（可加 3 或 6 位乡镇、村级代码）")
    msg_industry = _("行业代码格式错误，应为 GB/T 4754 门类字母加 2-4 位数字，例如 F5221")
    msg_own_code = _("对象编码只能包含大写字母、数字和连字符，长度为 4-32 位")
    msg_kind = _("无法识别的对象类型，可选：%(labels)s") % {"labels": _labels(ObjectKind.choices)}
    msg_scale = _("无法识别的规模，可选：%(labels)s") % {"labels": _labels(Scale.choices)}
    msg_risk = _("无法识别的信用风险分类，可选：A、B、C、D")
    msg_status = _("无法识别的登记状态，可选：%(labels)s") % {
        "labels": _labels(ObjectStatus.choices)
    }
    msg_too_long = _("内容过长，最多 %(limit)s 个字符")
    msg_duplicate = _("与文件第 %(row)s 行的编码重复")
    msg_licence = _("许可类别中有一项超过 %(limit)s 个字符") % {"limit": LICENCE_MAX}
    msg_no_clear = _("该列不能清空")
    msg_no_clear_required = _("必填项，不能清空")
    msg_no_clear_departments = _("监管部门不能通过导入移除：请在对象页面撤销认领")
    # A new object has nothing to clear: loading the registry directly, the marker is a blank.
    cleared = CLEAR if registry_load is None else ""

    def refused(raw: str, message: str) -> str:
        return msg_no_clear if raw.strip() in CLEAR_MARKERS else message

    def lookup(table: dict[str, str], *, clearable: bool = False) -> Callable[[str], str | None]:
        def find(raw: str) -> str | None:
            text = raw.strip()
            if clearable and text in CLEAR_MARKERS:
                return cleared
            return (table.get(text) or table.get(text.upper())) if text else ""

        return find

    def normalise_industry(raw: str) -> str | None:
        text = raw.strip().upper()
        if text in CLEAR_MARKERS:
            return cleared
        return text if not text or INDUSTRY_PATTERN.fullmatch(text) else None

    def normalise_licences(raw: str) -> str | None:
        if raw.strip() in CLEAR_MARKERS:
            return cleared
        parts = list(
            dict.fromkeys(part.strip() for part in _LIST_SEPARATORS.split(raw) if part.strip())
        )
        return None if any(len(part) > LICENCE_MAX for part in parts) else ";".join(parts)

    def normalise_date(raw: str) -> str | None:
        return parse_date(raw) if raw.strip() else ""

    def resolve_departments(raw: str) -> str | None:
        literal, problem = departments.resolve(raw)
        return None if problem else literal or ""

    def department_problem(raw: str) -> tuple[str, str | None]:
        if raw.strip() in CLEAR_MARKERS:
            return "", msg_no_clear_departments
        literal, problem = departments.resolve(raw)
        return literal or "", problem

    kind_of, scale_of, risk_of, status_of = (
        lookup(KINDS),
        lookup(SCALES, clearable=True),
        lookup(RISKS),
        lookup(STATUSES),
    )
    # One cache per column: files repeat a handful of values (region, kind, risk class, dates), so
    # each distinct value is normalised once and every other row is a dict lookup. _cached stops
    # adding at CACHE_LIMIT entries so a column of unique values cannot grow it without bound.
    kind_cache: dict = {}
    scale_cache: dict = {}
    risk_cache: dict = {}
    status_cache: dict = {}
    industry_cache: dict = {}
    licence_cache: dict = {}
    department_cache: dict = {}
    date_cache: dict = {}
    # Module globals and attributes looked up a million times become locals (a LOAD_FAST each).
    market = MARKET_ENTITY_KINDS
    enterprise = ObjectKind.ENTERPRISE.value
    valid_uscc = is_valid_uscc
    own_code_ok = OWN_CODE_PATTERN.fullmatch
    seen = stats.seen_codes
    max_name = MAX_LENGTHS["name"]

    # Loading the empty registry directly, each valid row takes the next id here, in file order,
    # so the supervisions can be written beside the objects without reading the ids back.
    load = registry_load
    if load is not None:
        object_id = load.first_id - 1
        stamp = load.stamp
        risk_default = ENUM_DEFAULTS["risk_class"]
        status_default = ENUM_DEFAULTS["status"]
        licence_literals: dict[str, str] = {"": "{}"}
        write_supervisions = load.supervisions
        default_ids = [str(pk) for pk in load.default_department_ids]
        load.department_ids.update(load.default_department_ids)
        supervision_suffix = load.supervision_suffix
        department_ids: dict[str, list[str]] = {}

    # COPY lines are gathered in a list and handed over CHUNK_ROWS at a time: small enough that the
    # server parses one chunk while Python validates the next (see CHUNK_ROWS), large enough that
    # the hand-over does not cost more than the rows.
    lines: list[str] = []
    append = lines.append
    row_no = stats.first_row_no = stats.last_row_no = first_row_no
    valid = invalid = errors_total = 0
    row_limit = max_rows if max_rows is not None else float("inf")
    next_progress = progress_every
    fast_block = (
        _BlockValidator(
            header,
            normalisers={
                "kind": kind_of,
                "industry_code": normalise_industry,
                "licence_types": normalise_licences,
                "scale": scale_of,
                "risk_class": risk_of,
                "status": status_of,
                "departments": resolve_departments,
                **dict.fromkeys(date_keys, normalise_date),
            },
            seen=seen,
            registry_load=registry_load,
        )
        if fast_path
        else None
    )
    source = iter(rows)
    parts: list[list[list[str]]] = []  # blocks, or the parts of one, still to validate

    def too_many_rows() -> UploadError:
        return UploadError(
            _("文件超过 %(limit)s 行的上限（不含表头）：请分成几个文件导入。")
            % {"limit": f"{max_rows:,}"}
        )

    while parts or (parts := [list(islice(source, BLOCK_ROWS))])[0]:
        if valid + invalid > row_limit:
            raise too_many_rows()
        part = parts.pop(0)
        if fast_block is not None:
            text = fast_block(part, row_no, object_id if load is not None else 0)
            if text is not None:
                # Lines the row loop gathered go first, so the COPY keeps the file's order (the
                # registry's ids follow it).
                if lines:
                    lines.append("")
                    yield "\n".join(lines)
                    lines.clear()
                    append = lines.append
                yield text
                row_no += len(part)
                valid += len(part)
                if load is not None:
                    object_id += len(part)
                # Progress is reported between blocks only: a block moves row_no past several
                # steps at once, and the reporter's UPDATE is a round trip not to make per row.
                if row_no >= next_progress:
                    while next_progress <= row_no:
                        next_progress += progress_every
                    stats.valid, stats.invalid, stats.errors, stats.last_row_no = (
                        valid, invalid, errors_total, row_no,
                    )  # fmt: skip
                    if progress is not None:
                        progress(row_no - first_row_no)
                continue
            if len(part) > PART_ROWS:
                # One row to report sends a block to the row loop: its other parts may still pass.
                parts[:0] = [
                    part[start : start + PART_ROWS] for start in range(0, len(part), PART_ROWS)
                ]
                continue
        for row in part:
            row_no += 1
            if row_no >= next_progress:
                next_progress += progress_every
                stats.valid, stats.invalid, stats.errors, stats.last_row_no = (
                    valid,
                    invalid,
                    errors_total,
                    row_no,
                )
                if progress is not None:
                    progress(row_no - first_row_no)
            row.append("")
            # A short row (a spreadsheet drops trailing empty cells) is padded only when the
            # unpacking fails: most rows are full, and trying is cheaper than measuring each.
            try:
                (code, name, kind, legal, address, region, industry, licences, scale, risk, status,
                 authority, grid, depts, ad, as_, sd, ss, pd, ps, gd, gs) = getter(row)  # fmt: skip
            except IndexError:
                row.extend([""] * (width - len(row)))
                row.append("")
                (code, name, kind, legal, address, region, industry, licences, scale, risk, status,
                 authority, grid, depts, ad, as_, sd, ss, pd, ps, gd, gs) = getter(row)  # fmt: skip
            code = code.strip()
            name = name.strip()
            region = region.strip()
            if not (code and name and region) and not any(cell.strip() for cell in row):
                continue  # a blank line
            # None until a first problem: a valid row allocates no list.
            errors = None

            if kind:
                found = kind_cache.get(kind)
                if found is None:
                    found = _cached(kind_cache, kind, kind_of)
                if found is None:
                    errors = [(L_KIND, kind, refused(kind, msg_kind))]
                    kind = ""
                    found = enterprise
                else:
                    kind = found
                    found = found or enterprise
            else:
                found = enterprise
            if found in market:
                code = code.upper()
                if not valid_uscc(code):
                    (errors := errors or []).append(
                        (L_CODE, code, uscc_message(code) if code else msg_required)
                    )
            else:
                code = code.upper()
                if not code:
                    (errors := errors or []).append((L_CODE, code, msg_required))
                elif own_code_ok(code) is None:
                    (errors := errors or []).append((L_CODE, code, msg_own_code))
            if not name:
                (errors := errors or []).append((L_NAME, name, msg_required))
            elif name in CLEAR_MARKERS:
                (errors := errors or []).append((L_NAME, name, msg_no_clear_required))
            elif len(name) > max_name:
                (errors := errors or []).append((L_NAME, name, msg_too_long % {"limit": max_name}))
            if _region(region) is None:
                (errors := errors or []).append(
                    (L_REGION, region, msg_region if region else msg_required)
                )
            if industry:
                found = industry_cache.get(industry)
                if found is None:
                    found = _cached(industry_cache, industry, normalise_industry)
                    if found is None:
                        (errors := errors or []).append((L_INDUSTRY, industry, msg_industry))
                industry = found or ""
            if licences:
                found = licence_cache.get(licences)
                if found is None:
                    found = _cached(licence_cache, licences, normalise_licences)
                    if found is None:
                        (errors := errors or []).append((L_LICENCE, licences, msg_licence))
                licences = found or ""
            if scale:
                found = scale_cache.get(scale)
                if found is None:
                    found = _cached(scale_cache, scale, scale_of)
                    if found is None:
                        (errors := errors or []).append((L_SCALE, scale, msg_scale))
                scale = found or ""
            if risk:
                found = risk_cache.get(risk)
                if found is None:
                    found = _cached(risk_cache, risk, risk_of)
                    if found is None:
                        (errors := errors or []).append((L_RISK, risk, refused(risk, msg_risk)))
                risk = found or ""
            if status:
                found = status_cache.get(status)
                if found is None:
                    found = _cached(status_cache, status, status_of)
                    if found is None:
                        (errors := errors or []).append(
                            (L_STATUS, status, refused(status, msg_status))
                        )
                status = found or ""
            if depts:
                resolved = department_cache.get(depts)
                if resolved is None:
                    resolved = cast(
                        tuple[str, str | None],
                        _cached(department_cache, depts, department_problem),
                    )
                if resolved[1]:
                    (errors := errors or []).append((L_DEPTS, depts, resolved[1]))
                depts = resolved[0]
            legal = legal.strip()
            address = address.strip()
            authority = authority.strip()
            grid = grid.strip()
            if (
                len(legal) > 100
                or len(address) > 300
                or len(authority) > 100
                or len(grid) > 40
                or as_
                or ss
                or ps
                or gs
            ):
                as_, ss, ps, gs = as_.strip(), ss.strip(), ps.strip(), gs.strip()
                texts = {
                    "legal_representative": legal, "address": address, "registering_authority": authority,
                    "grid": grid, "anomaly_source": as_, "serious_violation_source": ss, "penalised_source": ps,
                    "group_complaint_source": gs,
                }  # fmt: skip
                for key, column_label, limit in text_checks:
                    if len(texts[key]) > limit:
                        (errors := errors or []).append(
                            (column_label, texts[key], msg_too_long % {"limit": limit})
                        )
                    elif texts[key] in CLEAR_MARKERS and key not in CLEARABLE:
                        (errors := errors or []).append((column_label, texts[key], msg_no_clear))
            if "清空" in legal + address + authority + grid:
                legal, address, authority, grid = (
                    cleared if text in CLEAR_MARKERS else text
                    for text in (legal, address, authority, grid)
                )
            if ad or sd or pd or gd:
                dates = [ad, sd, pd, gd]
                for index, key in enumerate(date_keys):
                    raw = dates[index]
                    if raw:
                        parsed = date_cache.get(raw)
                        if parsed is None:
                            parsed = _cached(date_cache, raw, normalise_date)
                            if parsed is None:
                                (errors := errors or []).append(
                                    (label(key), raw, date_message(raw))
                                )
                        dates[index] = parsed or ""
                ad, sd, pd, gd = dates
            # Codes are remembered only for rows that are otherwise valid, so a duplicate is
            # reported against the row that was kept, never against a row that was refused.
            if errors is None:
                first = seen.get(code)
                if first is None:
                    seen[code] = row_no
                else:
                    errors = [(L_CODE, code, msg_duplicate % {"row": first})]
            if errors is not None:
                invalid += 1
                errors_total += len(errors)
                for column_label, value, message in errors:
                    report_error(row_no, column_label, value, message)
                continue
            valid += 1
            if load is not None:
                object_id += 1
                licence_literal = licence_literals.get(licences)
                if licence_literal is None:
                    licence_literal = licence_literals[licences] = _array_literal(licences)
                # Joined without escaping, then checked: the expected counts of tabs and of
                # backslashes (the \N of the missing dates) prove no value held a tab, a line
                # break or a backslash. The rare line that did is built again, escaped.
                nulls = (not ad) + (not sd) + (not pd) + (not gd)
                line = "\t".join(
                    (str(object_id), code, name, kind or enterprise, legal, address, region, industry,
                     licence_literal, scale, risk or risk_default, status or status_default, authority,
                     grid, ad or "\\N", as_, sd or "\\N", ss, pd or "\\N", ps, gd or "\\N", gs, stamp, stamp)
                )  # fmt: skip
                if (
                    line.count("\t") != REGISTRY_TABS
                    or line.count("\\") != nulls
                    or "\n" in line
                    or "\r" in line
                ):
                    # same order as REGISTRY_COPY_COLUMNS
                    line = _copy_line(
                        (object_id, code, name, kind or enterprise, legal, address, region, industry,
                         licence_literal, scale, risk or risk_default, status or status_default,
                         authority, grid, ad or None, as_, sd or None, ss, pd or None, ps, gd or None,
                         gs, stamp, stamp)
                    )  # fmt: skip
                if write_supervisions is not None:
                    if depts:
                        ids = department_ids.get(depts)
                        if ids is None:
                            ids = department_ids[depts] = depts[1:-1].split(",")
                            load.department_ids.update(int(pk) for pk in ids)
                    else:
                        ids = default_ids
                    for pk in ids:
                        write_supervisions(f"{object_id}\t{pk}{supervision_suffix}")
                append(line)
                if len(lines) >= CHUNK_ROWS:
                    lines.append("")
                    yield "\n".join(lines)
                    lines.clear()
                    append = lines.append
                continue
            values = (
                row_no,
                code,
                name,
                kind,
                legal,
                address,
                region,
                industry,
                licences,
                scale,
                risk,
                status,
                authority,
                grid,
                depts,
                ad,
                as_,
                sd,
                ss,
                pd,
                ps,
                gd,
                gs,
            )  # same order as STAGING_COLUMNS
            # The same check as above: escape only the lines that need it.
            line = "\t".join((str(row_no), *values[1:]))
            if line.count("\t") != STAGING_TABS or "\\" in line or "\n" in line or "\r" in line:
                line = _copy_line(values)
            append(line)
            if len(lines) >= CHUNK_ROWS:
                lines.append("")
                yield "\n".join(lines)
                lines.clear()
                append = lines.append
    if valid + invalid > row_limit:
        raise too_many_rows()
    if lines:
        lines.append("")
        yield "\n".join(lines)
    if load is not None:
        load.last_id = object_id
    stats.valid, stats.invalid, stats.errors = valid, invalid, errors_total
    stats.rows = valid + invalid
    stats.last_row_no = row_no
    if progress is not None:
        progress(row_no - first_row_no)
