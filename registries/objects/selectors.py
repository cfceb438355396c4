"""Reads of the inspection-object registry, already narrowed to what the user may see.

Counting: a COUNT(*) over a million rows on every keystroke would dominate the search, so list
pages count at most COUNT_CAP + 1 matching rows (a LIMIT-ed subquery) and show "1,000+" beyond
that; when the first page is not full, its length is the count and no count query runs at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Field, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department
from accounts.types import RequestUser
from registries.choices import SpecialList
from registries.models import ImportJob, InspectionObject, ObjectChange, ObjectSupervision
from registries.objects.filters import ObjectFilter
from registries.permissions import objects_visible_to
from registries.scopes import special_lists_of

# Counting a match means reading its heap row (the name indexes are lossy, every candidate is
# rechecked), so the cap bounds the cost of the count: 1,000 rows is a few milliseconds, where
# 10,000 cost 100-500 ms on a million-row registry whose heap is not all in shared buffers.
COUNT_CAP = 1_000
# Beyond this many matches, a page is read along the primary key (see CappedPaginator).
DENSE_THRESHOLD = 500
PAGE_SIZE = 20
# Results are ordered by the primary key: a page of a common term is read along the pkey index and
# stops after one page; a rare term is read through the name indexes and a few rows are sorted.
LIST_ORDERING = ("id",)
LIST_COLUMNS = (
    "id",
    "kind",
    "code",
    "name",
    "region_code",
    "industry_code",
    "licence_types",
    "scale",
    "risk_class",
    "status",
    "grid",
    "anomaly_since",
    "serious_violation_since",
    "penalised_at",
    "group_complaint_at",
)


if TYPE_CHECKING:  # Django's Paginator is generic only in the type stubs
    _ObjectPaginator = Paginator[InspectionObject]
else:
    _ObjectPaginator = Paginator


class CappedPaginator(_ObjectPaginator):
    """A paginator whose count stops at `cap` (`capped` tells whether there are more).

    Without a dense variant, page 1 fetches one extra row first; if it does not spill over, its
    length is the count and no count query runs.

    With a dense variant (the same filter written so that no index serves the name condition), the
    count runs first, through the name indexes; when many objects match (more than
    DENSE_THRESHOLD), the rows come from the dense variant, which the planner answers by walking
    the primary key and stopping after one page. Rare matches keep the index path, which sorts a
    few rows. The planner cannot make this choice itself: its estimates for substring matches on
    names built from a small vocabulary are off by two orders of magnitude.
    """

    object_list: QuerySet[InspectionObject]

    def __init__(
        self,
        object_list: QuerySet[InspectionObject],
        per_page: int,
        *,
        cap: int = COUNT_CAP,
        dense_object_list: QuerySet[InspectionObject] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False
        self.dense_object_list = dense_object_list
        self._known_count: int | None = None
        self._ids: list[int] = []

    @cached_property
    def count(self) -> int:
        if self._known_count is not None:
            return self._known_count
        if self.dense_object_list is not None:
            # Fetch the matching ids rather than counting them: a small result is then paged by
            # id (no second trip through the name indexes, no plan for the planner to get wrong).
            ids = list(self.object_list.order_by().values_list("pk", flat=True)[: self.cap + 1])
            counted = len(ids)
            if counted <= DENSE_THRESHOLD:
                self._ids = sorted(ids)
        else:
            counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    def page(self, number: Any) -> Page[InspectionObject]:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        if number == 1 and self.dense_object_list is None:
            rows = list(self.object_list[: self.per_page + 1])
            if len(rows) <= self.per_page:
                self._known_count = len(rows)
                self.__dict__.pop("count", None)
            return Page(rows[: self.per_page], number, self)
        if number > 1 and bottom >= self.count:
            raise EmptyPage(self.error_messages["no_results"])
        if self.dense_object_list is None:
            return Page(list(self.object_list[bottom : bottom + self.per_page]), number, self)
        if self.count > DENSE_THRESHOLD:
            return Page(list(self.dense_object_list[bottom : bottom + self.per_page]), number, self)
        # ids sorted ascending = the list's order (LIST_ORDERING is the primary key)
        page_ids = self._ids[bottom : bottom + self.per_page]
        rows = list(self.object_list.filter(pk__in=page_ids)) if page_ids else []
        return Page(rows, number, self)

    @property
    def count_label(self) -> str:
        count = self.count
        return f"{count:,}+" if self.capped else f"{count:,}"


@dataclass
class ObjectSearch:
    filterset: ObjectFilter
    queryset: QuerySet[InspectionObject]
    dense_queryset: QuerySet[InspectionObject] | None = None


def object_search(user: RequestUser, params: Any) -> ObjectSearch:
    """The filtered objects a user may see (invalid filters are ignored, as the form shows).

    With a name term, `dense_queryset` is the same search written for many matches (see
    CappedPaginator)."""
    visible = objects_visible_to(user)
    filterset = ObjectFilter(params or None, queryset=visible)
    if not filterset.is_valid():
        return ObjectSearch(filterset=filterset, queryset=visible.order_by(*LIST_ORDERING))
    queryset = filterset.qs.order_by(*LIST_ORDERING)
    dense = None
    if (filterset.form.cleaned_data.get("name") or "").strip():
        dense_filterset = ObjectFilter(params, queryset=visible, dense_name=True)
        dense_filterset.is_valid()
        dense = dense_filterset.qs.order_by(*LIST_ORDERING)
    return ObjectSearch(filterset=filterset, queryset=queryset, dense_queryset=dense)


def object_page(
    search: ObjectSearch, *, page: Any = 1, page_size: int = PAGE_SIZE
) -> Page[InspectionObject]:
    """One page of a search, with its supervising departments, and a capped count."""
    dense = search.dense_queryset.only(*LIST_COLUMNS) if search.dense_queryset is not None else None
    paginator = CappedPaginator(
        search.queryset.only(*LIST_COLUMNS), page_size, dense_object_list=dense
    )
    try:
        result = paginator.page(page or 1)
    except PageNotAnInteger:
        result = paginator.page(1)
    except EmptyPage:
        result = paginator.page(max(paginator.num_pages, 1))
    result.object_list = rows = list(result.object_list)
    prefetch_related_objects(
        rows,
        Prefetch(
            "supervisions",
            queryset=ObjectSupervision.objects.select_related("department").order_by(
                "department__code"
            ),
        ),
    )
    today = timezone.localdate()
    for row in rows:
        row.special_lists = [SpecialList(value) for value in special_lists_of(row, today)]  # type: ignore[attr-defined]
    return result


def object_detail(inspection_object: InspectionObject) -> dict[str, Any]:
    """Everything the detail page shows beyond the object's own fields."""
    supervisions = list(
        inspection_object.supervisions.select_related("department", "claimed_by").order_by(
            "status", "department__code"
        )
    )
    # A direct bulk load names no claimer on each supervision: its import job is the claimer,
    # found by the load's time stamp (ImportJob.loaded_at is the supervisions' claimed_at).
    unclaimed = {s.claimed_at for s in supervisions if s.claimed_by_id is None}
    if unclaimed:
        jobs = {
            job.loaded_at: job
            for job in ImportJob.objects.filter(loaded_at__in=unclaimed).select_related(
                "created_by"
            )
        }
        for supervision in supervisions:
            if supervision.claimed_by_id is None:
                supervision.import_job = jobs.get(supervision.claimed_at)  # type: ignore[attr-defined]
    changes = list(
        ObjectChange.objects.filter(inspection_object=inspection_object)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")[:200]
    )
    readable_changes(changes)
    return {"supervisions": supervisions, "changes": changes}


# History keys that are not fields of the object: reasons, and the supervising departments.
_OTHER_CHANGE_LABELS = {
    "supervising_departments": gettext_lazy("监管部门"),
    "release_reason": gettext_lazy("退出监管原因"),
    "resolve_reason": gettext_lazy("争议处理意见"),
    "clear_reason": gettext_lazy("移出原因"),
}
_SUPERVISION_KEY = "supervision."
# Where a change came from (ObjectChange.source); another source is shown as stored.
CHANGE_SOURCE_LABELS = {
    "manual": gettext_lazy("页面录入"),
    "api": gettext_lazy("接口"),
    "import": gettext_lazy("批量导入"),
    "flag": gettext_lazy("特殊名单"),
    "claim": gettext_lazy("认领"),
    "release": gettext_lazy("撤销认领"),
    "resolve": gettext_lazy("争议处理"),
}


def readable_changes(changes: list[ObjectChange]) -> None:
    """Give each change its `source_label` and its `rows`: (label, before, after) per changed
    field, in words: the field's verbose name, a choice's label for its code, a department's name
    for its code (one query for all the changes)."""
    codes: set[str] = set()
    for change in changes:
        for key, (before, after) in change.changes.items():
            if key.startswith(_SUPERVISION_KEY):
                codes.add(key.removeprefix(_SUPERVISION_KEY))
            elif key == "supervising_departments":
                codes.update(before or [])
                codes.update(after or [])
    names = {
        code: short or name
        for code, name, short in Department.objects.filter(code__in=codes).values_list(
            "code", "name", "short_name"
        )
    }
    statuses = dict(ObjectSupervision.Status.choices)

    def label_and_words(key: str) -> tuple[str, Callable[[Any], Any]]:
        if key.startswith(_SUPERVISION_KEY):
            code = key.removeprefix(_SUPERVISION_KEY)
            label = _("监管部门：%(department)s") % {"department": names.get(code, code)}
            return label, lambda value: statuses.get(value, value)
        if key == "supervising_departments":
            return str(
                _OTHER_CHANGE_LABELS[key]
            ), lambda value: "、".join(names.get(code, code) for code in value or []) or None
        if key in _OTHER_CHANGE_LABELS:
            return str(_OTHER_CHANGE_LABELS[key]), lambda value: value
        try:
            field = InspectionObject._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        if not isinstance(field, Field):  # a key an older version wrote: shown as it is
            return key, lambda value: value
        choices = dict(field.flatchoices or [])
        return (
            str(field.verbose_name),
            lambda value: (
                "、".join(value) or None if isinstance(value, list) else choices.get(value, value)
            ),
        )

    for change in changes:
        rows = []
        for key, (before, after) in change.changes.items():
            label, words = label_and_words(key)
            rows.append(
                {"field": key, "label": label, "before": words(before), "after": words(after)}
            )
        change.rows = rows  # type: ignore[attr-defined]
        change.source_label = str(CHANGE_SOURCE_LABELS.get(change.source, change.source))  # type: ignore[attr-defined]


def disputed_claims() -> QuerySet[ObjectSupervision]:
    """Claims waiting for the office, oldest first, with the departments already supervising."""
    return (
        ObjectSupervision.objects.filter(status=ObjectSupervision.Status.DISPUTED)
        .select_related("inspection_object", "department", "claimed_by")
        .prefetch_related(
            Prefetch(
                "inspection_object__supervisions",
                queryset=ObjectSupervision.objects.filter(status=ObjectSupervision.Status.CLAIMED)
                .select_related("department")
                .order_by("department__code"),
                to_attr="settled_supervisions",
            )
        )
        .order_by("claimed_at", "pk")
    )


def pending_claims_of(user: RequestUser) -> QuerySet[ObjectSupervision]:
    """The user's department's claims still waiting for the office."""
    if not user.is_authenticated or not user.department_id:
        return ObjectSupervision.objects.none()
    return (
        ObjectSupervision.objects.filter(
            department_id=user.department_id, status=ObjectSupervision.Status.DISPUTED
        )
        .select_related("inspection_object")
        .order_by("-claimed_at")
    )


def claim_lookup(codes: list[str]) -> dict[str, InspectionObject]:
    """Objects by exact code, for the claim page: a department names the codes it supervises
    (it may not browse objects it does not supervise yet)."""
    found = (
        InspectionObject.objects.filter(code__in=codes)
        .only("id", "code", "name", "kind", "region_code", "status")
        .prefetch_related(
            Prefetch(
                "supervisions", queryset=ObjectSupervision.objects.select_related("department")
            )
        )
    )
    return {inspection_object.code: inspection_object for inspection_object in found}
