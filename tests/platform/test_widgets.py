"""The Python-rendered widgets give the HTML Django's templates give (same elements, attributes
and text; whitespace and attribute order aside), for every state a public filter form shows."""

import pytest
from django import forms
from django.test.html import parse_html

from platform_site.widgets import PythonNumberInput, PythonSelect

CHOICES = [
    ("", "全部部门"),
    ("SAMR", "市场监管局"),
    ("EPB", '生态"环境"<局>'),
    ("区县", [("LJ-1", "城南分局"), ("LJ-2", "江北分局 & 所")]),
]


def _form(widgets: bool, data: dict | None):
    select = PythonSelect if widgets else forms.Select
    number = PythonNumberInput if widgets else forms.NumberInput

    class FilterForm(forms.Form):
        department = forms.ChoiceField(label="部门", choices=CHOICES, required=False, widget=select)
        year = forms.IntegerField(
            label="年度", min_value=2000, max_value=2100, required=False, widget=number
        )
        page = forms.IntegerField(required=True, widget=number(attrs={"class": "narrow"}))

    return FilterForm(data)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"department": "SAMR", "year": "2026", "page": "2"},
        {"department": "LJ-2", "year": "1999", "page": ""},
        {"department": "<script>", "year": '"><b>x', "page": "-1"},
    ],
    ids=["unbound", "empty", "selected", "invalid", "hostile"],
)
def test_python_widgets_render_the_html_of_djangos_templates(data):
    python_form, django_form = _form(True, data), _form(False, data)
    if data is not None:
        assert python_form.is_valid() == django_form.is_valid()
    for name in ("department", "year", "page"):
        ours, theirs = str(python_form[name]), str(django_form[name])
        assert parse_html(ours) == parse_html(theirs), (ours, theirs)
        assert "<script>" not in ours and "<b>" not in ours


def test_the_selected_option_and_the_error_attributes_are_kept():
    form = _form(True, {"department": "LJ-1", "year": "1999", "page": "1"})
    form.is_valid()
    html = str(form["department"]) + str(form["year"])
    assert '<option value="LJ-1" selected>城南分局</option>' in html
    assert '<optgroup label="区县">' in html
    assert 'aria-invalid="true"' in html and 'value="1999"' in html
