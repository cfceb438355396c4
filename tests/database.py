"""The test database as the processes and second connections a test opens must reach it."""

from urllib.parse import quote, urlencode


def url_of_test_database() -> str:
    """The test database's URL as the connection's role, with its password, port and options:
    worker processes get it as DATABASE_URL, second connections pass it to psycopg2."""
    from django.db import connection

    db = connection.settings_dict
    userinfo = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        userinfo += ":" + quote(db["PASSWORD"], safe="")
    options = dict(db.get("OPTIONS") or {})
    host = db["HOST"] or ""
    if host.startswith("/"):  # a unix socket directory
        options["host"] = host
        host = ""
    elif db["PORT"]:
        host = f"{host}:{db['PORT']}"
    query = f"?{urlencode(options)}" if options else ""
    return f"postgresql://{userinfo}@{host}/{quote(db['NAME'], safe='')}{query}"
