"""build_deferred_indexes: the search and filter indexes a direct bulk load left to build after its
commit are built CONCURRENTLY, by one builder at a time, and an interrupted build is redone."""

import psycopg2
import pytest
from django.db import IntegrityError, connection

from registries.models import DeferredIndex
from registries.objects.importing import merge
from tests.database import url_of_test_database
from tests.registries.object_factories import make_object

pytestmark = pytest.mark.usefixtures("transactional_db")
NAME = "object_region_code_idx"


@pytest.fixture
def definition():
    definition = dict(merge._secondary_indexes(merge.OBJECT_TABLE))[NAME]
    yield definition
    # whatever happened, the schema leaves the test as it came (the flush keeps the schema)
    with connection.cursor() as cursor:
        if merge._index_state(NAME) is not True:
            cursor.execute(f"DROP INDEX IF EXISTS {NAME}")
            cursor.execute(definition)


def index_oid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::regclass::oid", [NAME])
        return cursor.fetchone()[0]


def test_a_missing_index_is_built_concurrently_and_struck_off(definition):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {NAME}")
    DeferredIndex.objects.create(name=NAME, table=merge.OBJECT_TABLE, definition=definition)
    assert merge.deferred_indexes_pending()

    assert merge.build_deferred_indexes() == [NAME]

    assert merge._index_state(NAME) is True
    assert dict(merge._secondary_indexes(merge.OBJECT_TABLE))[NAME] == definition
    assert not merge.deferred_indexes_pending()


def test_a_valid_index_is_only_struck_off(definition):
    oid = index_oid()
    DeferredIndex.objects.create(name=NAME, table=merge.OBJECT_TABLE, definition=definition)
    assert merge.build_deferred_indexes() == []
    assert index_oid() == oid
    assert not DeferredIndex.objects.exists()


def test_an_index_left_invalid_by_an_interrupted_build_is_built_again(definition):
    # what a CREATE INDEX CONCURRENTLY that did not finish leaves behind: an invalid index of that
    # name (here one that failed, unique over two objects of the same region)
    make_object(region_code="330102")
    make_object(region_code="330102")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {NAME}")
        with pytest.raises(IntegrityError):
            cursor.execute(
                f"CREATE UNIQUE INDEX CONCURRENTLY {NAME} ON {merge.OBJECT_TABLE} (region_code)"
            )
    oid = index_oid()
    assert merge._index_state(NAME) is False
    DeferredIndex.objects.create(name=NAME, table=merge.OBJECT_TABLE, definition=definition)

    assert merge.build_deferred_indexes() == [NAME]

    assert merge._index_state(NAME) is True
    assert index_oid() != oid
    assert not DeferredIndex.objects.exists()


def test_one_builder_at_a_time(definition):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {NAME}")
    DeferredIndex.objects.create(name=NAME, table=merge.OBJECT_TABLE, definition=definition)
    other = psycopg2.connect(url_of_test_database())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [merge.DEFERRED_INDEX_LOCK])
        # another builder is at work: this one leaves the list to it
        assert merge.build_deferred_indexes() == []
        assert merge._index_state(NAME) is None
        assert merge.deferred_indexes_pending()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [merge.DEFERRED_INDEX_LOCK])
    finally:
        other.close()
    assert merge.build_deferred_indexes() == [NAME]
