import subprocess
from pathlib import Path

import pytest

from printing.kinds import get_kind
from printing.rendering import render_to_file

pytestmark = pytest.mark.django_db
OUT = Path("/tmp/printing-look")


def test_render_all(drawn, office_admin):
    OUT.mkdir(exist_ok=True)
    drawn_object = drawn.drawn_objects.first()
    matter = drawn.task.matters.first()
    cases = {
        "draw_record": ("tasks.draw_record", {"draw": drawn.pk}),
        "notice": ("tasks.inspection_notice", {"drawn_object": drawn_object.pk}),
        "notices": ("tasks.inspection_notices", {"task": drawn.task.pk}),
        "record": ("tasks.onsite_record", {"drawn_object": drawn_object.pk}),
        "rect": ("tasks.rectification_notice", {"drawn_object": drawn_object.pk}),
        "matter": ("catalog.matter_form", {"matter": matter.pk}),
    }
    for name, (kind_name, params) in cases.items():
        kind = get_kind(kind_name)
        subject = kind.load(params)
        target = OUT / f"{name}.pdf"
        fp, pages = render_to_file(kind, subject, target)
        print(name, pages, target.stat().st_size)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(target), str(OUT / name)], check=True)
