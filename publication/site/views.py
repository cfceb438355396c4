"""The public site's pages (no account needed) and the staff pages of publication (drawn lists
to publish, objections to decide). Public GET pages are served from the Redis page cache
(publication.pagecache); forms that write are rate limited per client address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.checkpoints import latest_checkpoint
from accounts.roles import has_working_role
from publication.pagecache import public_page
from publication.site import selectors
from publication.site.forms import (
    ObjectionDecisionForm,
    ObjectionForm,
    PeriodFilterForm,
    SearchForm,
    TaskFilterForm,
)
from publication.site.models import Objection, ObjectionAttachment, ObjectionStatus, PublicResult
from publication.site.opendata import DATASETS, csv_stream, json_stream
from publication.site.ratelimit import rate_limited
from publication.site.services import (
    can_decide_objection,
    drawn_list_publish,
    objection_decide,
    objection_file,
)
from publication.site.verifier import verifier_script_text
from tasks.choices import DrawKind, DrawState
from tasks.models import Draw
from tasks.permissions import access_draw_for_user

PAGE_SIZE = 50


def _bad_request(request: HttpRequest, form) -> HttpResponse:
    return render(request, "publication/site/bad_query.html", {"form": form}, status=400)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "publication/site/too_many.html", status=429)


def _page(queryset, number: int | None):
    """A page without counting the whole list (fast on a million rows): one row more than
    the page tells whether there is a next one."""
    number = number or 1
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- tasks and drawn lists -----------------------------------------------------------------------


@public_page
def task_index(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return _bad_request(request, form)
    filters = form.cleaned_data if request.GET else {}
    tasks = selectors.published_tasks(
        department=filters.get("department"),
        matter=filters.get("matter"),
        year=filters.get("year"),
        month=filters.get("month"),
    )
    rows, number, has_next = _page(tasks, filters.get("page"))
    return render(
        request,
        "publication/site/task_index.html",
        {
            "form": form if request.GET else TaskFilterForm(),
            "tasks": rows,
            "page_number": number,
            "has_next": has_next,
            "query": _query_without_page(request),
        },
    )


@public_page
def task_detail(request: HttpRequest, code: str) -> HttpResponse:
    task = get_object_or_404(
        selectors.published_tasks().prefetch_related("matters", "participating_departments"),
        code=code,
    )
    lists = []
    for draw in selectors.published_draws().filter(task=task).order_by("number"):
        lists.append(
            {
                "draw": draw,
                "publication": selectors.draw_publication(draw),
                "rows": selectors.drawn_list(draw),
            }
        )
    results = selectors.results_list(task=task)[:200]
    return render(
        request,
        "publication/site/task_detail.html",
        {"task": task, "lists": lists, "results": results},
    )


# --- results, search, enterprises ----------------------------------------------------------------


@public_page
def result_list(request: HttpRequest) -> HttpResponse:
    form = PeriodFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return _bad_request(request, form)
    filters = form.cleaned_data if request.GET else {}
    results = selectors.results_list(
        department=filters.get("department"), year=filters.get("year"), month=filters.get("month")
    ).select_related("lead_department")
    rows, number, has_next = _page(results, filters.get("page"))
    return render(
        request,
        "publication/site/result_list.html",
        {
            "form": form if request.GET else PeriodFilterForm(),
            "results": rows,
            "page_number": number,
            "has_next": has_next,
            "query": _query_without_page(request),
        },
    )


@public_page
def result_detail(request: HttpRequest, result_id: int) -> HttpResponse:
    versions = list(
        PublicResult.objects.filter(result_id=result_id)
        .select_related("lead_department")
        .order_by("-version")
    )
    current = next((v for v in versions if v.is_current), None)
    if current is None:
        raise Http404
    entries = selectors.enterprise_results(current.credit_code)
    entry = next((e for e in entries if e.current.pk == current.pk), None)
    return render(
        request,
        "publication/site/result_detail.html",
        {
            "result": current,
            "history": [v for v in versions if v is not current],
            "measures": entry.measures if entry else [],
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    if not request.GET:
        return render(request, "publication/site/search.html", {"form": SearchForm()})
    if rate_limited(request, "search"):
        return _too_many(request)
    return _search_results(request)


@public_page(early=False)  # rate limited before the cache is asked
def _search_results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "publication/site/search.html", {"form": form}, status=400)
    found = selectors.search_enterprises(form.cleaned_data["q"])
    return render(
        request,
        "publication/site/search.html",
        {"form": form, "found": found[:50], "more": len(found) > 50, "searched": True},
    )


@public_page
def enterprise(request: HttpRequest, credit_code: str) -> HttpResponse:
    if not selectors.CREDIT_CODE_RE.match(credit_code):
        raise Http404
    entries = selectors.enterprise_results(credit_code)
    if not entries:
        raise Http404
    first = entries[0].current
    return render(
        request,
        "publication/site/enterprise.html",
        {
            "name": first.enterprise_name,
            "credit_code": credit_code,
            "registering_authority": first.registering_authority,
            "entries": entries,
        },
    )


# --- objections ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def objection_create(request: HttpRequest, result_id: int) -> HttpResponse:
    public_result = get_object_or_404(PublicResult, result_id=result_id, is_current=True)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if rate_limited(request, "objection"):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection = objection_file(
                    public_result=public_result,
                    credit_code=data["credit_code"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    reason=data["reason"],
                    files=data["attachments"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                return redirect("publication:objection_status", objection.reference)
    return render(
        request,
        "publication/site/objection_form.html",
        {"form": form, "result": public_result},
        status=400 if form.errors else 200,
    )


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def objection_status(request: HttpRequest, reference: str) -> HttpResponse:
    """The filer follows the objection with its reference (no account). Shows its state and
    the department's decision, never the contact details."""
    objection = get_object_or_404(
        Objection.objects.select_related("public_result", "department"), reference=reference
    )
    return render(request, "publication/site/objection_status.html", {"objection": objection})


# --- draws: how to verify, the verifier script, the audit checkpoint -----------------------------


@public_page
def how_to_verify(request: HttpRequest) -> HttpResponse:
    return render(
        request, "publication/site/how_to_verify.html", {"checkpoint": latest_checkpoint()}
    )


def verifier_script(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(verifier_script_text(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ssj_verify.py"'
    return response


# --- open data, feed, sitemap --------------------------------------------------------------------


@public_page
def open_data(request: HttpRequest) -> HttpResponse:
    from publication.site.opendata import RESULT_COLUMNS, TASK_COLUMNS

    return render(
        request,
        "publication/site/open_data.html",
        {
            "years": selectors.public_years(),
            "result_columns": RESULT_COLUMNS,
            "task_columns": TASK_COLUMNS,
        },
    )


def open_data_file(
    request: HttpRequest, year: int, dataset: str, fmt: str
) -> StreamingHttpResponse:
    if dataset not in DATASETS or fmt not in ("csv", "json") or not 2000 <= year <= 2100:
        raise Http404
    columns, rows = DATASETS[dataset]
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(columns, rows(year)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            json_stream(columns, rows(year)), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{dataset}-{year}.{fmt}"'
    return response


class PublicationFeed(Feed):
    """New publications: results (and corrections) and drawn lists, newest first."""

    feed_type = Atom1Feed
    title = gettext_lazy("双随机、一公开：最新公示")
    subtitle = gettext_lazy("新公示的抽查名单、检查结果及更正")

    def link(self) -> str:
        return reverse("publication:home")

    def items(self):
        results = list(
            PublicResult.objects.select_related("lead_department").order_by("-published_at")[:40]
        )
        tasks = list(selectors.published_tasks()[:20])
        return results + tasks

    def item_title(self, item) -> str:
        if isinstance(item, PublicResult):
            label = _("检查结果更正") if item.version > 1 else _("检查结果")
            return f"{label}：{item.enterprise_name}（{item.task_code}）"
        return _("抽查名单：%(code)s %(title)s") % {"code": item.code, "title": item.title}

    def item_description(self, item) -> str:
        if isinstance(item, PublicResult):
            return f"{item.result_text}。{item.departments}"
        return item.lead_department.name

    def item_link(self, item) -> str:
        if isinstance(item, PublicResult):
            return reverse("publication:result_detail", args=[item.result_id])
        return reverse("publication:task_detail", args=[item.code])

    def item_guid(self, item) -> str:
        if isinstance(item, PublicResult):
            return f"result-{item.result_id}-v{item.version}"
        return f"task-{item.code}"

    def item_updateddate(self, item):
        if isinstance(item, PublicResult):
            return item.published_at
        return None

    def item_pubdate(self, item):
        return self.item_updateddate(item)


publication_feed = public_page(PublicationFeed())

SITEMAP_LIMIT = 40000


@public_page
def sitemap(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/")[:-1]
    paths = [
        reverse("publication:home"),
        reverse("publication:task_index"),
        reverse("publication:result_list"),
        reverse("publication:search"),
        reverse("publication:how_to_verify"),
        reverse("publication:open_data"),
    ]
    paths += [
        reverse("publication:task_detail", args=[code])
        for code in selectors.published_tasks().values_list("code", flat=True)[:5000]
    ]
    codes = (
        PublicResult.objects.filter(is_current=True)
        .order_by("credit_code")
        .values_list("credit_code", flat=True)
        .distinct()[:SITEMAP_LIMIT]
    )
    paths += [reverse("publication:enterprise", args=[code]) for code in codes]
    return render(
        request,
        "publication/site/sitemap.xml",
        {"urls": [base + path for path in paths]},
        content_type="application/xml; charset=utf-8",
    )


# --- staff: publish drawn lists, decide objections -----------------------------------------------


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The department's publication desk: drawn lists waiting to be published (the 5 working
    days run from the draw) and objections to decide."""
    user = request.user
    if not has_working_role(user) or user.department_id is None:
        raise Http404
    department_id: int = user.department_id
    published = selectors.published_draws().values("pk")
    waiting = (
        Draw.objects.filter(
            kind=DrawKind.DRAW, state=DrawState.DRAWN, task__lead_department_id=department_id
        )
        .exclude(pk__in=published)
        .select_related("task")
        .order_by("drawn_at")
    )
    objections = (
        Objection.objects.filter(department_id=department_id)
        .select_related("public_result")
        .order_by("status", "-filed_at")[:200]
    )
    return render(
        request,
        "publication/site/manage.html",
        {"waiting": waiting, "objections": objections},
    )


@login_required
@require_POST
def drawn_list_publish_view(request: HttpRequest, draw_id: int) -> HttpResponse:
    draw = access_draw_for_user(request.user, draw_id)
    try:
        drawn_list_publish(draw=draw, published_by=request.user)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("抽查名单已公示：%(code)s 第%(n)d次抽取")
            % {"code": draw.task.code, "n": draw.number},
        )
    return redirect("publication:manage")


def _access_objection(request: HttpRequest, objection_id: int) -> Objection:
    objection = (
        Objection.objects.select_related("result__inspection__task", "public_result", "department")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None or not can_decide_objection(request.user, objection):
        raise Http404
    return objection


@login_required
@require_http_methods(["GET", "POST"])
def objection_detail(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = _access_objection(request, objection_id)
    form = ObjectionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection_decide(
                objection=objection,
                decided_by=request.user,  # type: ignore[arg-type]
                upheld=form.cleaned_data["outcome"] == "upheld",
                decision=form.cleaned_data["decision"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("异议处理决定已保存。"))
        return redirect("publication:objection_detail", objection.pk)
    return render(
        request,
        "publication/site/objection_detail.html",
        {
            "objection": objection,
            "form": form,
            "decided": objection.status != ObjectionStatus.RECEIVED,
            "attachments": objection.attachments.all(),
            "task": objection.result.inspection.task,
        },
    )


@login_required
def objection_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = get_object_or_404(ObjectionAttachment, pk=attachment_id)
    _access_objection(request, attachment.objection_id)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
