"""Signals of an object's record that the apps above the registries provide to the
classification rules, as SQL (registered at start-up, like the object panels), so that the
registries name no app above them.

- ``problems``: ``object_id, n, last_on``: results that found problems since ``%(problems_since)s``;
- ``open_measures``: ``object_id, n``: open follow-up measures.
Without a provider a signal is empty and its rule never applies."""

from __future__ import annotations

EMPTY = {
    "problems": "SELECT NULL::bigint AS object_id, 0::bigint AS n, NULL::date AS last_on "
    "WHERE FALSE",
    "open_measures": "SELECT NULL::bigint AS object_id, 0::bigint AS n WHERE FALSE",
}
_providers: dict[str, str] = {}


def register_record_signal(name: str, sql: str) -> None:
    if name not in EMPTY:
        raise ValueError(f"unknown record signal {name!r}")
    _providers[name] = sql


def record_signal_sql(name: str) -> str:
    return _providers.get(name, EMPTY[name])
