"""Import of inspectors and experts (CSV, XLSX or XLS; UTF-8 or GBK).

The scale is a few thousand rows, so the ORM and the ordinary services do the work: every created
or changed person gets their own audit event. An import is all or nothing: the whole file is
validated first and a report lists every problem (row, column, reason, in Chinese) and every
warning (an expired certificate, a tag nobody in the registries has yet); only a file without
errors is applied, in one transaction, which re-validates against the registry as it is then.
Export columns (`registries.inspectors.exports`) are the import columns, so an export can be edited
and imported back.

The file is read by the platform's one upload reader (platform_site.uploads), in a worker: the
rules for encodings, spreadsheets, formulas (stored as text, never evaluated, as in every import)
and dates are the same as the object import's. Rows keep the sheet's numbering, blank rows
included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import is_office_admin, require
from platform_site.uploads import (
    REGISTRY_IMPORT_MAX_BYTES,
    CellDateError,
    UploadError,
    parse_cell_date,
    read_in_worker,
    spreadsheet_format,
)
from registries.choices import InspectorStatus
from registries.inspectors.selectors import tags_in_use
from registries.inspectors.services import inspectors as services
from registries.models import Expert, Inspector
from registries.permissions import can_edit_registry

MAX_ROWS = 20_000
MAX_BYTES = REGISTRY_IMPORT_MAX_BYTES
KIND_INSPECTORS, KIND_EXPERTS = "inspectors", "experts"

# (field, header) in file order
INSPECTOR_COLUMNS = [
    ("code", "人员编码"),
    ("name", "姓名"),
    ("department", "部门代码"),
    ("post", "岗位"),
    ("certificate_number", "执法证号"),
    ("certificate_valid_from", "执法证有效期起"),
    ("certificate_valid_until", "执法证有效期至"),
    ("tags", "标签"),
    ("region_code", "行政区划代码"),
    ("grid", "网格"),
    ("status", "状态"),
    ("status_since", "状态起始日期"),
    ("status_until", "状态截止日期"),
    ("max_load", "同期最多参加检查组数"),
]
EXPERT_COLUMNS = [
    ("code", "专家编码"),
    ("name", "姓名"),
    ("organisation", "所在单位"),
    ("speciality", "专业领域"),
    ("tags", "标签"),
    ("status", "状态"),
    ("max_load", "同期最多参加检查组数"),
]
DATE_FIELDS = ("certificate_valid_from", "certificate_valid_until", "status_since", "status_until")
STATUS_BY_LABEL = {str(label): value for value, label in InspectorStatus.choices}


ImportFileError = UploadError  # the file as a whole cannot be read (encoding, format, columns)


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line in the file, the header being row 1
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    existing_id: int | None = None


@dataclass
class ImportReport:
    kind: str
    filename: str
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # reported, not blocking
    rows: list[ParsedRow] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_create(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is None)

    @property
    def to_update(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is not None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "filename": self.filename,
            "total_rows": self.total_rows,
            "ok": self.ok,
            "to_create": self.to_create,
            "to_update": self.to_update,
            "applied": self.applied,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in self.errors
            ],
            "warnings": [
                {"row": w.row, "column": w.column, "message": w.message} for w in self.warnings
            ],
        }


# --- reading files -----------------------------------------------------------------------------


def _format_of(content: bytes, filename: str) -> str:
    found = spreadsheet_format(content[:8])
    if found is not None:
        return found
    if filename.lower().endswith((".xlsx", ".xls")):
        return "xlsx"  # not a workbook at all: the reader says so
    return "csv"


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank data rows of a CSV, XLSX or XLS file, each row with its row
    number in the sheet (the header's row + 1 for the first row after it, blank rows counted),
    cells stripped. Read in a worker by the shared reader."""
    from platform_site.jobs import read_table_job

    if not content or not content.strip():
        raise UploadError(_("文件为空。"))
    if len(content) > MAX_BYTES:
        raise UploadError(_("文件过大（超过 10 MB）。"))
    file_format = _format_of(content, filename)
    table = read_in_worker(read_table_job, content, f".{file_format}", file_format, MAX_ROWS)
    header = [cell.strip() for cell in table["header"]]
    rows = [
        (number, [cell.strip() for cell in row])
        for number, row in enumerate(table["rows"], start=table["header_row"] + 1)
        if any(cell.strip() for cell in row)
    ]
    if not rows:
        raise UploadError(_("文件只有表头，没有数据行。"))
    return header, rows


def _map_header(
    header: list[str], columns: list[tuple[str, str]], required: set[str]
) -> dict[str, int]:
    by_name = {}
    for field_name, label in columns:
        by_name[label] = field_name
        by_name[field_name] = field_name
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        found = by_name.get(name.strip().lstrip("\ufeff"))
        if found is not None and found not in positions:
            positions[found] = index
    labels = dict(columns)
    missing = [
        labels[name] for name, _label in columns if name in required and name not in positions
    ]
    if missing:
        raise ImportFileError(_("缺少必填列：%(columns)s") % {"columns": "、".join(missing)})
    return positions


# --- validation --------------------------------------------------------------------------------


def _parse_date(text: str) -> date:
    """The platform's one date rule (platform_site.uploads.parse_cell_date): an impossible date
    such as 2025/2/30 is named as such, not as a format error."""
    try:
        return parse_cell_date(text)
    except CellDateError as error:
        raise ValueError(str(error)) from None


def _parse_status(text: str) -> str:
    text = text.strip()
    if text in InspectorStatus.values:
        return text
    if text in STATUS_BY_LABEL:
        return STATUS_BY_LABEL[text]
    raise ValueError(_("未知状态：%(value)s（可填：在岗、休假、调离、退休）") % {"value": text})


def _parse_load(text: str) -> int:
    return services._clean_max_load(_parse_int(text))


def _parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(_("应为整数：%(value)s") % {"value": text}) from None


def _validation_messages(error: ValidationError, labels: dict[str, str]) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            (labels.get(name, ""), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]


class _RowValidator:
    """Collects the errors of one data row."""

    def __init__(self, report: ImportReport, line: int, labels: dict[str, str]) -> None:
        self.report, self.line, self.labels = report, line, labels

    def error(self, field_name: str, message: str) -> None:
        self.report.errors.append(
            RowError(self.line, self.labels.get(field_name, field_name), message)
        )

    def check(
        self, field_name: str, function: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        try:
            return function(*args, **kwargs)
        except ValidationError as error:
            for column, message in _validation_messages(error, self.labels):
                self.report.errors.append(
                    RowError(self.line, column or self.labels[field_name], message)
                )
        except ValueError as error:
            self.error(field_name, str(error))
        return None


def _raw_values(row: list[str], positions: dict[str, int]) -> dict[str, str]:
    return {name: (row[index] if index < len(row) else "") for name, index in positions.items()}


def _tag_warnings(report: ImportReport, line: int, column: str, tags, known: set[str]) -> None:
    """A tag nobody has yet is most often a typo (FODD for FOOD): the person would then never be
    drawn where the tag is required. Reported, not refused: a new speciality starts somewhere.
    (A second row of the same file with the same new tag is warned about too.)"""
    unknown = [tag for tag in tags or [] if tag not in known and tag != "LE"]
    if unknown:
        report.warnings.append(
            RowError(
                line,
                column,
                _("标签 %(tags)s 在名录库中尚无人使用，请核对拼写（新的专长标签可忽略此提示）。")
                % {"tags": "、".join(unknown)},
            )
        )


def validate_inspectors(
    user: User, header: list[str], rows: list[tuple[int, list[str]]], filename: str
) -> ImportReport:
    if not can_edit_registry(user) or (user.department is None):
        raise PermissionDenied(_("您无权导入执法检查人员。"))
    own_department = user.department
    labels = dict(INSPECTOR_COLUMNS)
    required = {"name"} | ({"department"} if user.is_office_admin else set())
    positions = _map_header(header, INSPECTOR_COLUMNS, required)
    report = ImportReport(kind=KIND_INSPECTORS, filename=filename, total_rows=len(rows))
    departments = {d.code: d for d in Department.objects.exclude(kind="office")}
    existing = {
        inspector.code: inspector
        for inspector in Inspector.objects.select_related("department").filter(
            code__in=[
                row[positions["code"]]
                for _line, row in rows
                if "code" in positions and positions["code"] < len(row)
            ]
        )
    }
    known_tags = tags_in_use()
    today = timezone.localdate()
    seen_codes: dict[str, int] = {}
    file_certificates: dict[str, int] = {}
    for line, row in rows:
        validator = _RowValidator(report, line, labels)
        raw = _raw_values(row, positions)
        errors_before = len(report.errors)
        values: dict[str, Any] = {}
        name = raw.get("name", "")
        if not name:
            validator.error("name", _("姓名不能为空。"))
        elif len(name) > 50:
            validator.error("name", _("姓名过长（最多 50 个字符）。"))
        values["name"] = name
        # department: the office names it; a department imports into itself
        department_code = raw.get("department", "").upper()
        if user.is_office_admin:
            department = departments.get(department_code)
            if department is None:
                validator.error(
                    "department", _("部门代码不存在：%(code)s") % {"code": department_code or "—"}
                )
        else:
            department = own_department
            if department_code and department_code != department.code:
                validator.error(
                    "department",
                    _("只能导入本部门（%(code)s）的人员。") % {"code": department.code},
                )
        values["department"] = department
        code = raw.get("code", "")
        existing_id = None
        if code:
            if code in seen_codes:
                validator.error(
                    "code", _("人员编码与第 %(row)s 行重复。") % {"row": seen_codes[code]}
                )
            seen_codes[code] = line
            inspector = existing.get(code)
            if inspector is None or not services.can_edit_inspectors_of(user, inspector.department):
                validator.error(
                    "code",
                    _("人员编码不存在：%(code)s（新增人员请留空，编码由系统生成）")
                    % {"code": code},
                )
            elif department is not None and inspector.department_id != department.pk:
                validator.error(
                    "department",
                    _("人员编码 %(code)s 属于其他部门，不能通过导入调动部门。") % {"code": code},
                )
            else:
                existing_id = inspector.pk
        for date_field in DATE_FIELDS:
            text = raw.get(date_field, "")
            values[date_field] = validator.check(date_field, _parse_date, text) if text else None
        values["post"] = raw.get("post", "")
        values["certificate_number"] = raw.get("certificate_number", "")
        values["tags"] = validator.check("tags", services.normalise_tags, raw.get("tags", "")) or []
        location = validator.check(
            "region_code", services._clean_location, raw.get("region_code", ""), raw.get("grid", "")
        )
        values["region_code"], values["grid"] = location or ("", "")
        status_text = raw.get("status", "")
        values["status"] = (
            validator.check("status", _parse_status, status_text)
            if status_text
            else InspectorStatus.ACTIVE
        )
        load_text = raw.get("max_load", "")
        values["max_load"] = validator.check("max_load", _parse_load, load_text) if load_text else 3
        number = values["certificate_number"]
        if number:
            if number in file_certificates:
                validator.error(
                    "certificate_number",
                    _("执法证号与第 %(row)s 行重复。") % {"row": file_certificates[number]},
                )
            file_certificates[number] = line
        if len(report.errors) == errors_before:
            current = Inspector.objects.get(pk=existing_id) if existing_id else None
            validator.check(
                "certificate_number",
                lambda current=current, values=values: services._clean_certificate(
                    inspector=current,
                    number=values["certificate_number"],
                    valid_from=values["certificate_valid_from"],
                    valid_until=values["certificate_valid_until"],
                ),
            )
            if values["status"]:
                if current is None and values["status"] in services.FINAL_STATUSES:
                    validator.error("status", _("新登记的人员不能是调离或退休状态。"))
                else:
                    validator.check(
                        "status",
                        lambda current=current, values=values: services._clean_status(
                            before=current.status if current else None,
                            status=values["status"],
                            since=values["status_since"],
                            until=values["status_until"],
                        ),
                    )
        if len(report.errors) == errors_before:
            report.rows.append(ParsedRow(row=line, values=values, existing_id=existing_id))
            until = values["certificate_valid_until"]
            if values["certificate_number"] and until is not None and until < today:
                report.warnings.append(
                    RowError(
                        line,
                        labels["certificate_valid_until"],
                        _("执法证已于 %(date)s 过期：该人员在换证前不会被抽中参加检查。")
                        % {"date": until.isoformat()},
                    )
                )
            _tag_warnings(report, line, labels["tags"], values["tags"], known_tags)
    return report


def validate_experts(
    user: User, header: list[str], rows: list[tuple[int, list[str]]], filename: str
) -> ImportReport:
    require(is_office_admin, user, _("专家库由联席办管理员维护。"))
    labels = dict(EXPERT_COLUMNS)
    positions = _map_header(header, EXPERT_COLUMNS, {"name", "organisation", "speciality"})
    report = ImportReport(kind=KIND_EXPERTS, filename=filename, total_rows=len(rows))
    existing = dict(Expert.objects.values_list("code", "pk"))
    known_tags = tags_in_use()
    seen_codes: dict[str, int] = {}
    for line, row in rows:
        validator = _RowValidator(report, line, labels)
        raw = _raw_values(row, positions)
        errors_before = len(report.errors)
        values: dict[str, Any] = {}
        for required in ("name", "organisation", "speciality"):
            values[required] = raw.get(required, "")
            if not values[required]:
                validator.error(required, _("%(column)s不能为空。") % {"column": labels[required]})
        code = raw.get("code", "")
        existing_id = None
        if code:
            if code in seen_codes:
                validator.error(
                    "code", _("专家编码与第 %(row)s 行重复。") % {"row": seen_codes[code]}
                )
            seen_codes[code] = line
            existing_id = existing.get(code)
            if existing_id is None:
                validator.error(
                    "code", _("专家编码不存在：%(code)s（新增专家请留空）") % {"code": code}
                )
        values["tags"] = validator.check("tags", services.normalise_tags, raw.get("tags", "")) or []
        status_text = raw.get("status", "")
        values["status"] = (
            validator.check("status", _parse_status, status_text)
            if status_text
            else InspectorStatus.ACTIVE
        )
        load_text = raw.get("max_load", "")
        values["max_load"] = validator.check("max_load", _parse_load, load_text) if load_text else 3
        if existing_id is None and values["status"] in services.FINAL_STATUSES:
            validator.error("status", _("新登记的专家只能是在岗或休假状态。"))
        if len(report.errors) == errors_before:
            report.rows.append(ParsedRow(row=line, values=values, existing_id=existing_id))
            _tag_warnings(report, line, labels["tags"], values["tags"], known_tags)
    return report


# --- applying ----------------------------------------------------------------------------------


def _apply_inspector(user: User, parsed: ParsedRow, report: ImportReport) -> None:
    values = parsed.values
    if parsed.existing_id is None:
        services.inspector_create(
            created_by=user,
            department=values["department"],
            name=values["name"],
            post=values["post"],
            certificate_number=values["certificate_number"],
            certificate_valid_from=values["certificate_valid_from"],
            certificate_valid_until=values["certificate_valid_until"],
            tags=values["tags"],
            region_code=values["region_code"],
            grid=values["grid"],
            max_load=values["max_load"],
            status=values["status"],
            status_since=values["status_since"],
            status_until=values["status_until"],
            source="import",
        )
        report.created += 1
        return
    inspector = Inspector.objects.select_related("department").get(pk=parsed.existing_id)
    changed = False
    certificate = (
        values["certificate_number"],
        values["certificate_valid_from"],
        values["certificate_valid_until"],
    )
    if certificate != (
        inspector.certificate_number,
        inspector.certificate_valid_from,
        inspector.certificate_valid_until,
    ):
        inspector = services.inspector_set_certificate(
            inspector=inspector,
            changed_by=user,
            certificate_number=certificate[0],
            certificate_valid_from=certificate[1],
            certificate_valid_until=certificate[2],
        )
        changed = True
    profile = {name: values[name] for name in ("name", "post", "region_code", "grid", "max_load")}
    profile["tags"] = services._sync_le_tag(values["tags"], inspector.certificate_number)
    if values["status"] != inspector.status or (
        values["status"] == InspectorStatus.ON_LEAVE
        and (values["status_since"], values["status_until"])
        != (inspector.status_since, inspector.status_until)
    ):
        profile.update(
            status=values["status"],
            status_since=values["status_since"],
            status_until=values["status_until"],
        )
    current = {name: getattr(inspector, name) for name in profile}
    if {k: (sorted(v) if k == "tags" else v) for k, v in current.items()} != profile:
        services.inspector_update(inspector=inspector, updated_by=user, **profile)
        changed = True
    if changed:
        report.updated += 1
    else:
        report.unchanged += 1


def _apply_expert(user: User, parsed: ParsedRow, report: ImportReport) -> None:
    values = parsed.values
    if parsed.existing_id is None:
        services.expert_create(created_by=user, source="import", **values)
        report.created += 1
        return
    expert = Expert.objects.get(pk=parsed.existing_id)
    before = services._expert_snapshot(expert)
    updated = services.expert_update(expert=expert, updated_by=user, **values)
    if services._expert_snapshot(updated) != before:
        report.updated += 1
    else:
        report.unchanged += 1


def import_file(
    *, user: User, kind: str, content: bytes, filename: str, apply: bool
) -> ImportReport:
    """Validate (and, when asked and error-free, apply) an import file. Raises ImportFileError when
    the file cannot be read at all, PermissionDenied when the user may not import this kind."""
    header, rows = read_table(content, filename)
    validate = validate_experts if kind == KIND_EXPERTS else validate_inspectors
    if not apply:
        return validate(user, header, rows, filename)
    with transaction.atomic():
        report = validate(user, header, rows, filename)
        if not report.ok:
            return report
        apply_row = _apply_expert if kind == KIND_EXPERTS else _apply_inspector
        savepoint = transaction.savepoint()
        for parsed in report.rows:
            try:
                apply_row(user, parsed, report)
            except ValidationError as error:
                labels = dict(EXPERT_COLUMNS if kind == KIND_EXPERTS else INSPECTOR_COLUMNS)
                for column, message in _validation_messages(error, labels):
                    report.errors.append(RowError(parsed.row, column, message))
        if report.errors:
            # all or nothing: one bad row (found only while writing) undoes every row
            transaction.savepoint_rollback(savepoint)
            report.created = report.updated = report.unchanged = 0
            return report
        transaction.savepoint_commit(savepoint)
        report.applied = True
    return report
