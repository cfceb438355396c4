"""The object-import template has its API: the same file as the page's."""

from django.urls import reverse

from tests.page_apis import body


def test_import_template_api_is_the_page_file(client_for, api_client_for, staff_a, inspector_a):
    page = client_for(staff_a).get(reverse("registries:import_template"))
    api = api_client_for(staff_a).get(reverse("registries_api:import_template"))
    assert api.status_code == 200
    assert api["Content-Disposition"] == 'attachment; filename="object-import-template.csv"'
    assert body(api) == body(page)
    assert body(api).decode("utf-8-sig").startswith("统一社会信用代码/对象编码,名称")
    assert (
        api_client_for(inspector_a).get(reverse("registries_api:import_template")).status_code
        == 403
    )
