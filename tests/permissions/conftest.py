"""The matrix world, built once per module in a transaction rolled back at the module's end."""

import pytest
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from tests.permissions.world import ACTORS, build_world


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media_root = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("matrix-media")
    # Who may download a PDF is the question here, not the printing (tested on its own): WeasyPrint
    # takes seconds a page, so the matrix gets a one-line PDF.
    patch = pytest.MonkeyPatch()
    patch.setattr("weasyprint.HTML.write_pdf", lambda self, *args, **kwargs: b"%PDF-1.7 matrix")
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        clients = {False: {}, True: {}}
        for actor in ACTORS:
            user = world.users.get(actor)
            for is_api, client in ((False, Client()), (True, APIClient())):
                if user is not None:
                    client.force_login(user)
                clients[is_api][actor] = client
        yield world, clients
        transaction.set_rollback(True)
    patch.undo()
    settings.MEDIA_ROOT = media_root
