"""The one permission table: for every route, how to call it and what each actor gets.

Columns (``tests.permissions.world.ACTORS``), one token each:

    office_admin dept_admin liaison staff inspector witness auditor frozen anonymous

Everyone but the office admin belongs to department A. ``own`` is the answer for an object of
department A, ``other`` for one of department B; ``every`` where the route takes no object (or one
that belongs to no department). Tokens: an HTTP status, ``302`` a redirect (a page's action done or
refused with a message), ``login`` sent to the login page. See ``tests/permissions/matrix.py``.

Adding a route: add an entry here, named as ``reverse()`` names it (``app:name`` or
``app_api:name``), with one case per way to call it; values of URL keywords come from the world
(``tests/permissions/world.py``), payloads may name world objects as ``"{object_a.code}"`` or build
per variant with ``"@name"`` (``matrix.PAYLOADS``). Run ``pytest tests/permissions`` and read the
"actual row" of the failure: decide what each actor *should* get, fix the view or write that row.

Rows that mark a decision (they changed when the vocabulary became one):
- plans: the department admin drafts, edits and deletes their department's plan items (a working
  role everywhere; before, plans alone left department admins out);
- accounts: a department admin reads a peer admin's page but acts only on accounts below them
  (tests/accounts/test_account_hierarchy.py);
- tasks: the auditor reads the tasks of the year the office granted (the other department's task
  here), and nothing else beyond their department; a draw action a reader may not take is refused
  by the service (302 with a message on pages, 403 in the API, before its input is read);
- tasks API: creating a task needs a working role in a member department (403 before validation).
"""

import re

from tests.permissions.matrix import get, post

LOGIN_ALL = "login login login login login login login login login"

# fmt: off
TABLE = {
    # Public site and working-day calendar pages
    "publication:home": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:audit_anchor": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    # The public site: anonymous pages, the same for everyone (tests/publication/site/)
    "publication:task_index": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:task_detail": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:result_list": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:result_detail": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:objection_create": [
        get(every="200 200 200 200 200 200 200 200 200"),
        post({"credit_code": "{object_a.code}", "contact_name": "x", "contact_phone": "1", "reason": "too short"}, every="400 400 400 400 400 400 400 400 400"),
    ],
    "publication:objection_status": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:search": [
        get(query="q=临江", every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:enterprise": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:how_to_verify": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:verifier_script": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:open_data": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:open_data_file": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:feed": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "publication:sitemap": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    # The publication desk: the lead department publishes drawn lists and decides objections
    "publication:manage": [
        get(every="404 200 200 200 404 404 404 login login"),
    ],
    "publication:drawn_list_publish": [
        post(own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "publication:objection_detail": [
        get(own="404 200 200 200 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
        post({"outcome": "rejected", "decision": "不成立"}, own="404 302 302 302 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "publication:objection_attachment": [
        get(own="404 200 200 200 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "publication:calendar": [
        get(query="year=2025", every="200 404 404 404 404 404 404 login login"),
    ],
    "publication:calendar_day": [
        post({"action": "set", "date": "2027-03-03", "kind": "holiday", "name": "x"}, label="set", every="302 404 404 404 404 404 404 login login"),
        post({"action": "clear", "date": "2025-10-11"}, label="clear", every="302 404 404 404 404 404 404 login login"),
    ],
    "publication:calendar_import": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"step": "preview", "year": 2027, "text": "2027-01-01,休,元旦"}, label="preview", every="200 404 404 404 404 404 404 login login"),
        post({"step": "apply", "year": 2027, "text": "2027-01-01,holiday,元旦", "digest": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}, label="apply", every="200 404 404 404 404 404 404 login login"),
    ],
    "publication:calendar_year_status": [
        post({"status": "official", "note": "x"}, every="302 404 404 404 404 404 404 login login"),
    ],
    # Accounts, audit and status pages
    "accounts:login": [
        get(every="302 302 302 302 302 302 302 200 200"),
        post({"username": "nobody", "password": "wrong-Pass-1"}, every="302 302 302 302 302 302 302 200 200"),
    ],
    "accounts:logout": [
        post(every="302 302 302 302 302 302 302 302 302"),
    ],
    "accounts:password_change": [
        get(every="200 200 200 200 200 200 200 login login"),
        post({"old_password": "x", "new_password1": "y", "new_password2": "z"}, every="200 200 200 200 200 200 200 login login"),
    ],
    "accounts:home": [
        get(every="200 200 200 200 200 200 200 login login"),
    ],
    "accounts:department_list": [
        get(every="200 302 404 404 404 404 404 login login"),
    ],
    "accounts:department_create": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"code": "NEWD", "name": "新部门", "kind": "department"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "accounts:department_detail": [
        get(own="200 200 404 404 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "accounts:account_create": [
        get(own="200 200 404 404 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
        post({"username": "new_one", "full_name": "新人", "roles": ["staff"]}, own="200 200 404 404 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "accounts:account_detail": [
        get(own="200 200 404 404 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "accounts:account_freeze": [
        post({"reason": "left"}, own="302 302 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "accounts:account_unfreeze": [
        post(own="302 302 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "accounts:account_reissue": [
        post({"note": ""}, own="200 200 404 404 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "accounts:account_reset_password": [
        post(own="200 200 404 404 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "accounts:audit_list": [
        get(every="200 404 404 404 404 404 404 login login"),
        get(query="format=csv", label="csv", every="200 404 404 404 404 404 404 login login"),
    ],
    "accounts:status": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    # The inbox (own: a notice of the liaison actor; other: one of department B's liaison), the
    # liaison system and working-day deadlines
    "accounts:inbox": [
        get(every="200 200 200 200 200 200 200 login login"),
        get(query="unread=1&severity=red", label="filtered", every="200 200 200 200 200 200 200 login login"),
    ],
    "accounts:notification_read": [
        post(own="404 404 302 404 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "accounts:notification_read_all": [
        post(every="302 302 302 302 302 302 302 login login"),
    ],
    "accounts:department_liaison": [
        get(own="200 200 404 404 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
        post({"liaison": ""}, own="302 302 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "accounts:contact_directory": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "inbox_api:notification_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "inbox_api:notification_unread": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "inbox_api:notification_read_all": [
        post(every="200 200 200 200 200 200 200 403 403"),
    ],
    "inbox_api:notification_read": [
        post(own="404 404 200 404 404 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "liaisons_api:contact_directory": [
        get(every="200 403 403 403 403 403 403 403 403"),
    ],
    "liaisons_api:department_liaison": [
        post({"liaison": None}, own="200 200 403 403 403 403 403 403 403", other="200 404 403 403 403 403 403 403 403"),
    ],
    "publication:deadline_list": [
        get(every="200 200 200 200 200 200 200 login login"),
        get(query="state=all&department=DEPB", label="filtered", every="200 200 200 200 200 200 200 login login"),
    ],
    "publication:deadline_rules": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"kind": "rectification", "rectification-working_days": "10", "rectification-due_soon_working_days": "2", "rectification-remind_every_working_days": "0"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "deadlines_api:deadline_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "deadlines_api:deadline_detail": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "deadlines_api:rule_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "deadlines_api:rule_update": [
        post({"working_days": 10, "due_soon_working_days": 2}, kwargs={"kind": "rectification"}, every="200 403 403 403 403 403 403 403 403"),
    ],
    # Accounts API
    "accounts_api:me": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "accounts_api:password_change": [
        post({"old_password": "x", "new_password": "Fresh-pass-2026!"}, every="400 400 400 400 400 400 400 403 403"),
    ],
    "accounts_api:department_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "accounts_api:department_create": [
        post({"code": "NEWD", "name": "新部门"}, every="201 403 403 403 403 403 403 403 403"),
    ],
    "accounts_api:department_accounts": [
        get(own="200 200 403 403 403 403 403 403 403", other="200 404 403 403 403 403 403 403 403"),
    ],
    "accounts_api:account_create": [
        post({"username": "new_one", "full_name": "新人", "roles": ["staff"]}, own="201 201 403 403 403 403 403 403 403", other="201 404 403 403 403 403 403 403 403"),
    ],
    "accounts_api:account_detail": [
        get(own="200 200 404 404 404 404 404 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "accounts_api:account_freeze": [
        post({"reason": "left"}, own="200 200 403 403 403 403 403 403 403", other="200 404 403 403 403 403 403 403 403"),
    ],
    "accounts_api:account_unfreeze": [
        post({}, own="400 400 403 403 403 403 403 403 403", other="400 404 403 403 403 403 403 403 403"),
    ],
    "accounts_api:account_reissue": [
        post({}, own="201 201 403 403 403 403 403 403 403", other="201 404 403 403 403 403 403 403 403"),
    ],
    "accounts_api:audit_events": [
        get(every="200 403 403 403 403 403 403 403 403"),
    ],
    "accounts_api:audit_export": [
        get(every="200 403 403 403 403 403 403 403 403"),
        get(kwargs={"export_format": "xlsx"}, label="no xlsx", every="404 403 403 403 403 403 403 403 403"),
    ],
    "accounts_api:audit_checkpoint": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "accounts_api:audit_head": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    # Matter list pages
    "catalog:matter_list": [
        get(every="200 200 200 200 200 200 200 login login"),
        get(query="format=csv", label="csv", every="200 200 200 200 200 200 200 login login"),
        get(query="format=xlsx", label="xlsx", every="200 200 200 200 200 200 200 login login"),
    ],
    "catalog:matter_create": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"code": "N-1", "name": "新事项", "category": "general", "implementing_level": "all", "list_year": 2026, "effective_from": "2026-01-01"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "catalog:matter_detail": [
        get(every="200 200 200 200 200 200 200 login login"),
    ],
    "catalog:matter_edit": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"name": "改名", "category": "general", "implementing_level": "all", "list_year": 2026, "effective_from": "2026-01-01"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "catalog:matter_retire": [
        post({"reason": "废止"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "catalog:matter_check_points": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "catalog:proposal_change": [
        get(every="404 200 200 200 404 404 404 login login"),
    ],
    "catalog:proposal_retire": [
        get(every="404 200 200 200 404 404 404 login login"),
    ],
    "catalog:proposal_list": [
        get(every="200 200 200 200 404 404 404 login login"),
    ],
    "catalog:proposal_create": [
        get(every="404 200 200 200 404 404 404 login login"),
    ],
    "catalog:proposal_detail": [
        get(own="200 200 200 200 200 200 200 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "catalog:proposal_accept": [
        post({}, own="302 404 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "catalog:proposal_reject": [
        post({"decision_reason": "不需要"}, own="302 404 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "catalog:import_upload": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "catalog:import_detail": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "catalog:import_apply": [
        post({}, every="302 404 404 404 404 404 404 login login"),
    ],
    "catalog:import_discard": [
        post({}, every="302 404 404 404 404 404 404 login login"),
    ],
    "catalog:public_matter_list": [
        get(every="200 200 200 200 200 200 200 200 200"),
        get(query="format=csv", label="csv", every="200 200 200 200 200 200 200 200 200"),
    ],
    "catalog:public_matter_detail": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    # Matter list API
    "catalog_api:matter_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "catalog_api:matter_export": [
        get(every="200 200 200 200 200 200 200 403 403"),
        get(kwargs={"export_format": "xlsx"}, label="xlsx", every="200 200 200 200 200 200 200 403 403"),
    ],
    "catalog_api:matter_create": [
        post({"code": "API-1", "name": "新事项"}, every="201 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:matter_detail": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "catalog_api:matter_update": [
        post({"name": "改名"}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:matter_retire": [
        post({"reason": "废止"}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:matter_check_points": [
        post({"check_points": [{"text": "是否公示"}]}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:matter_revisions": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "catalog_api:proposal_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "catalog_api:proposal_submit": [
        post({"kind": "add", "payload": {"name": "建议事项"}, "reason": "需要"}, every="403 201 201 201 403 403 403 403 403"),
    ],
    "catalog_api:proposal_detail": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "catalog_api:proposal_accept": [
        post({}, own="200 403 403 403 403 403 403 403 403", other="200 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:proposal_reject": [
        post({"decision_reason": "不需要"}, own="200 403 403 403 403 403 403 403 403", other="200 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:import_list": [
        get(every="200 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:import_preview": [
        post("@matter_csv", multipart=True, every="201 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:import_detail": [
        get(every="200 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:import_apply": [
        post({}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:import_discard": [
        post({}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "catalog_api:public_matter_list": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "catalog_api:public_matter_detail": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    # Registry pages
    "registries:object_list": [
        get(every="200 200 200 200 200 200 200 login login"),
        get(query="export=csv", label="csv", every="200 200 200 200 200 200 200 login login"),
    ],
    "registries:object_create": [
        get(every="200 200 200 200 404 404 404 login login"),
    ],
    "registries:object_claim": [
        get(every="404 200 200 200 404 404 404 login login"),
        post({"codes": "{unclaimed.code}"}, every="404 200 200 200 404 404 404 login login"),
    ],
    "registries:claim_disputes": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "registries:claim_resolve": [
        post({"decision": "keep"}, own="302 404 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:object_detail": [
        get(own="200 200 200 200 200 200 200 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "registries:object_edit": [
        get(own="200 200 200 200 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
        post("@object_edit", own="302 302 302 302 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:object_flag_set": [
        post({"flag": "penalised", "since": "{today}", "source": "处罚决定书"}, own="302 302 302 302 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:object_flag_clear": [
        post({"flag": "anomaly", "reason": "已补报"}, own="302 302 302 302 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:object_release": [
        post("@release_page", own="302 302 302 302 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:import_job_list": [
        get(every="200 200 200 200 404 404 404 login login"),
    ],
    "registries:import_job_create": [
        get(every="200 200 200 200 404 404 404 login login"),
    ],
    "registries:import_template": [
        get(every="200 200 200 200 404 404 404 login login"),
    ],
    "registries:import_job_detail": [
        get(own="200 200 200 200 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "registries:import_job_progress": [
        get(own="200 200 200 200 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "registries:import_job_errors": [
        get(own="404 404 404 404 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "registries:import_job_retry": [
        post(own="302 302 302 302 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:inspector_list": [
        get(every="200 200 200 200 200 200 200 login login"),
        get(query="format=csv", label="csv", every="200 200 200 200 200 200 200 login login"),
        get(query="format=xlsx", label="xlsx", every="200 200 200 200 200 200 200 login login"),
    ],
    "registries:inspector_create": [
        get(every="200 200 200 200 404 404 404 login login"),
        post({"name": "新人", "max_load": 3, "department": "{dept_a.pk}"}, every="302 302 302 302 404 404 404 login login"),
    ],
    "registries:inspector_import": [
        get(every="200 200 200 200 404 404 404 login login"),
        get(query="template=inspectors", label="template", every="200 200 200 200 404 404 404 login login"),
    ],
    "registries:inspector_import_apply": [
        post({"token": "nope"}, every="302 302 302 302 404 404 404 login login"),
    ],
    "registries:inspector_detail": [
        get(own="200 200 200 200 200 200 200 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "registries:inspector_edit": [
        get(own="200 200 200 200 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
        post({"name": "张三丰", "max_load": 2, "status": "active"}, own="302 302 302 302 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:inspector_certificate": [
        get(own="200 200 200 200 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
        post({"certificate_number": "NEW-1", "certificate_valid_until": "2099-01-01"}, own="302 302 302 302 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:expert_list": [
        get(every="200 200 200 200 200 200 200 login login"),
        get(query="format=csv", label="csv", every="200 200 200 200 200 200 200 login login"),
    ],
    "registries:expert_create": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"name": "钱", "organisation": "院", "speciality": "食品", "status": "active", "max_load": 2}, every="302 404 404 404 404 404 404 login login"),
    ],
    "registries:expert_detail": [
        get(every="200 200 200 200 200 200 200 login login"),
    ],
    "registries:expert_edit": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"name": "钱", "organisation": "院", "speciality": "药品", "status": "active", "max_load": 2}, every="302 404 404 404 404 404 404 login login"),
    ],
    "registries:expert_recusal_declare": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"object_code": "{object_a.code}", "reason": "relative"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "registries:recusal_list": [
        get(every="200 200 200 200 200 200 200 login login"),
        get(query="format=xlsx", label="xlsx", every="200 200 200 200 200 200 200 login login"),
    ],
    "registries:recusal_declare": [
        get(query="q=商贸", every="200 200 200 200 200 404 404 login login"),
        post("@recusal_declare_page", own="302 302 302 302 302 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:recusal_queue": [
        get(every="200 200 404 404 404 404 404 login login"),
    ],
    "registries:recusal_detail": [
        get(own="200 200 200 200 200 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "registries:recusal_confirm": [
        post({"note": "属实"}, own="302 302 403 403 403 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:recusal_reject": [
        post({"note": "不属实"}, own="302 302 403 403 403 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "registries:recusal_rules": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"kind": "own_grid", "is_active": "on"}, every="302 404 404 404 404 404 404 login login"),
    ],
    # Registry API
    "registries_api:object_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:object_create": [
        post("@object_create", every="201 201 201 201 404 404 404 403 403"),
    ],
    "registries_api:object_claim": [
        post({"codes": ["{unclaimed.code}"]}, every="404 200 200 200 404 404 404 403 403"),
    ],
    "registries_api:object_export": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:dispute_list": [
        get(every="200 403 403 403 403 403 403 403 403"),
    ],
    "registries_api:dispute_resolve": [
        post({"decision": "keep"}, own="200 403 403 403 403 403 403 403 403", other="200 403 403 403 403 403 403 403 403"),
    ],
    "registries_api:object_detail": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:object_update": [
        post({"risk_class": "C"}, own="200 200 200 200 404 404 404 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:object_history": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:object_flag_set": [
        post({"special_list": "penalised", "since": "{today}", "source": "处罚决定书"}, own="200 200 200 200 404 404 404 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:object_flag_clear": [
        post({"special_list": "anomaly", "reason": "已补报"}, own="200 200 200 200 404 404 404 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:object_release": [
        post("@release_api", own="204 204 204 204 404 404 404 403 403", other="204 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:uscc_validate": [
        post({"codes": ["{object_a.code}"]}, every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:import_template": [
        get(every="200 200 200 200 403 403 403 403 403"),
    ],
    "registries_api:import_job_list": [
        get(every="200 200 200 200 403 403 403 403 403"),
    ],
    "registries_api:import_job_create": [
        post("@objects_csv", multipart=True, every="400 400 400 400 403 403 403 403 403"),
    ],
    "registries_api:import_job_detail": [
        get(own="200 200 200 200 403 403 403 403 403", other="200 404 404 404 403 403 403 403 403"),
    ],
    "registries_api:import_job_errors": [
        get(own="404 404 404 404 403 403 403 403 403", other="404 404 404 404 403 403 403 403 403"),
    ],
    "registries_api:import_job_retry": [
        post({}, own="202 202 202 202 403 403 403 403 403", other="202 404 404 404 403 403 403 403 403"),
    ],
    "registries_api:inspector_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:inspector_create": [
        post("@inspector_create_api", own="201 201 201 201 403 403 403 403 403", other="201 403 403 403 403 403 403 403 403"),
    ],
    "registries_api:inspector_export": [
        get(query="file_format=xlsx", every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:inspector_import": [
        post("@people_csv", multipart=True, every="200 200 200 200 403 403 403 403 403"),
    ],
    "registries_api:inspector_detail": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:inspector_update": [
        post({"post": "科长"}, own="200 200 200 200 404 404 404 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:inspector_certificate": [
        post({"certificate_number": "N-9", "certificate_valid_until": "2099-01-01"}, own="200 200 200 200 404 404 404 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:inspector_eligibility": [
        get(query="start=2030-01-01&end=2030-01-05", own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:expert_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:expert_create": [
        post({"name": "钱", "organisation": "院", "speciality": "食品"}, every="201 403 403 403 403 403 403 403 403"),
    ],
    "registries_api:expert_export": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:expert_detail": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:expert_update": [
        post({"speciality": "药品"}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "registries_api:recusal_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:recusal_queue": [
        get(every="200 200 403 403 403 403 403 403 403"),
    ],
    "registries_api:recusal_declare": [
        post("@recusal_declare_api", own="201 201 201 201 201 404 404 403 403", other="201 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:recusal_detail": [
        get(own="200 200 200 200 200 404 404 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:recusal_confirm": [
        post({}, own="200 200 403 403 403 404 404 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:recusal_reject": [
        post({"note": "不属实"}, own="200 200 403 403 403 404 404 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "registries_api:recusal_rule_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "registries_api:recusal_rule_set": [
        post({"is_active": True}, every="200 403 403 403 403 403 403 403 403"),
    ],
    # Annual plan pages
    "plans:year_list": [
        get(every="200 200 200 200 200 200 200 login login"),
    ],
    "plans:year_open": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "plans:public_list": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "plans:public_detail": [
        get(kwargs={"year": 2027}, every="200 200 200 200 200 200 200 200 200"),
    ],
    "plans:public_pdf": [
        get(kwargs={"year": 2027}, every="202 202 202 202 202 202 202 202 202"),
    ],
    "plans:public_xlsx": [
        get(kwargs={"year": 2027}, every="200 200 200 200 200 200 200 200 200"),
    ],
    "plans:public_version": [
        get(kwargs={"year": 2027}, every="200 200 200 200 200 200 200 200 200"),
    ],
    "plans:public_version_pdf": [
        get(kwargs={"year": 2027}, every="202 202 202 202 202 202 202 202 202"),
    ],
    "plans:public_version_xlsx": [
        get(kwargs={"year": 2027}, every="200 200 200 200 200 200 200 200 200"),
    ],
    "plans:peak_season_list": [
        get(every="200 200 200 200 200 200 200 login login"),
    ],
    "plans:peak_season_create": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "plans:peak_season_edit": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "plans:peak_season_delete": [
        post({"reason": "测试", "comment": "测试"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "plans:item_detail": [
        get(own="200 200 200 200 200 200 200 login login", other="200 404 404 404 404 404 404 login login"),
        get(label="approved", kwargs={"item_id": "{approved_item}"}, every="200 200 200 200 200 200 200 login login"),
    ],
    "plans:item_edit": [
        get(own="200 200 200 200 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "plans:item_delete": [
        post({"reason": "测试", "comment": "测试"}, own="302 302 302 302 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "plans:merge_edit": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "plans:merge_accept": [
        post({"reason": "测试", "comment": "测试"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "plans:merge_reject": [
        post({"reason": "测试", "comment": "测试"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "plans:year_detail": [
        get(every="200 200 200 200 200 200 200 login login"),
    ],
    "plans:item_create": [
        get(every="200 200 200 200 404 404 404 login login"),
    ],
    "plans:item_estimate": [
        post({"ratio_A": "1", "ratio_B": "3", "ratio_C": "5", "ratio_D": "5", "window_start_month": "4", "window_end_month": "6"}, every="200 200 200 200 404 404 404 login login"),
    ],
    "plans:department_submit": [
        post({"reason": "测试", "comment": "测试"}, every="404 404 302 404 404 404 404 login login"),
    ],
    "plans:submission_detail": [
        get(own="200 200 200 200 200 200 200 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "plans:department_return": [
        post({"reason": "测试", "comment": "测试"}, own="302 404 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "plans:compilation": [
        get(every="200 404 404 404 404 404 404 login login"),
    ],
    "plans:year_compile": [
        post({"reason": "测试", "comment": "测试"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "plans:propose_merges": [
        post({"reason": "测试", "comment": "测试"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "plans:year_submit_for_approval": [
        post({"reason": "测试", "comment": "测试"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "plans:year_approve": [
        post({"reason": "测试", "comment": "测试"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "plans:year_return": [
        post({"reason": "测试", "comment": "测试"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "plans:year_publish": [
        post({"reason": "测试", "comment": "测试"}, every="302 404 404 404 404 404 404 login login"),
    ],
    "plans:year_adjust": [
        get(kwargs={"year": 2027}, every="200 404 404 404 404 404 404 login login"),
    ],
    "plans:version_detail": [
        get(kwargs={"year": 2027}, every="200 200 200 200 200 200 200 login login"),
        get(label="draft", every="200 404 404 404 404 404 404 login login"),
    ],
    # Credit-risk classes: the office imports the general classes; a department admin versions
    # the department's rules.
    "registries:risk_class_import": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"source": "x"}, every="200 404 404 404 404 404 404 login login"),
    ],
    "registries:risk_rules": [
        get(every="404 200 404 404 404 404 404 login login"),
        post({"anomaly__class": "C"}, every="404 302 404 404 404 404 404 login login"),
    ],
    # Indicators: the city and the targets for the office admin; a department's view for its
    # working roles (admin, liaison, staff) and the office, never another department's.
    "indicators:home": [
        get(every="302 302 302 302 404 404 404 login login"),
    ],
    "indicators:year": [
        get(kwargs={"year": 2025}, every="200 404 404 404 404 404 404 login login"),
    ],
    "indicators:department": [
        get(kwargs={"year": 2025}, own="200 200 200 200 404 404 404 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "indicators:detail": [
        get(kwargs={"year": 2025, "key": "joint_share"}, every="200 404 404 404 404 404 404 login login"),
    ],
    "indicators:export": [
        get(kwargs={"year": 2025}, every="200 404 404 404 404 404 404 login login"),
    ],
    "indicators:report": [
        get(kwargs={"year": 2025}, every="202 404 404 404 404 404 404 login login"),
    ],
    "indicators:targets": [
        get(kwargs={"year": 2025}, every="200 404 404 404 404 404 404 login login"),
        post({"joint_share": "x"}, kwargs={"year": 2025}, every="200 404 404 404 404 404 404 login login"),
    ],
    "indicators:other_inspections": [
        get(kwargs={"year": 2025}, every="200 200 200 200 404 404 404 login login"),
        post({"action": "record", "kind": "special", "inspected_on": "2025-03-01", "object_name": "x"}, kwargs={"year": 2025}, every="200 302 302 302 404 404 404 login login"),
    ],
    "plans:version_pdf": [
        get(kwargs={"year": 2027}, every="202 202 202 202 202 202 202 login login"),
    ],
    "plans:version_xlsx": [
        get(kwargs={"year": 2027}, every="200 200 200 200 200 200 200 login login"),
    ],
    # Annual plan API
    "plans_api:year_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "plans_api:year_open": [
        post({"year": 2029}, every="201 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:year_detail": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "plans_api:item_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "plans_api:item_export": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "plans_api:item_create": [
        post({"title": "API 事项", "matters": ["G001"], "scope": {"industry_prefixes": ["C13"]}, "directed": True, "ratios": {"A": 100, "B": 200, "C": 300, "D": 500}, "window_start_month": 3, "window_end_month": 5, "department": "DEPA"}, every="201 201 201 201 403 403 403 403 403"),
    ],
    "plans_api:item_estimate": [
        post({"scope": {"industry_prefixes": ["C13"]}, "ratios": {"A": 100}}, every="200 200 200 200 403 403 403 403 403"),
    ],
    "plans_api:submission_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "plans_api:department_submit": [
        post(every="403 403 200 403 403 403 403 403 403"),
    ],
    "plans_api:department_return": [
        post({"reason": "补充"}, own="400 403 403 403 403 403 403 403 403", other="400 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:compile": [
        post(every="200 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:indicators": [
        get(every="200 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:merge_list": [
        get(kwargs={"year": 2027}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:propose_merges": [
        post(every="400 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:submit_for_approval": [
        post(every="400 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:approve": [
        post({}, every="400 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:return": [
        post({"comment": "x"}, every="400 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:publish": [
        post(every="400 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:adjust": [
        post({"reason": "调整"}, kwargs={"year": 2027}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:version_list": [
        get(kwargs={"year": 2027}, every="200 200 200 200 200 200 200 403 403"),
    ],
    "plans_api:version_detail": [
        get(kwargs={"year": 2027}, every="200 200 200 200 200 200 200 403 403"),
        get(label="draft", every="200 404 404 404 404 404 404 403 403"),
    ],
    "plans_api:item_detail": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "plans_api:item_update": [
        post({"title": "API 事项", "matters": ["G001"], "scope": {"industry_prefixes": ["C13"]}, "directed": True, "ratios": {"A": 100, "B": 200, "C": 300, "D": 500}, "window_start_month": 3, "window_end_month": 5}, own="200 200 200 200 403 403 403 403 403", other="200 404 404 404 403 403 403 403 403"),
    ],
    "plans_api:item_delete": [
        post(own="200 200 200 200 403 403 403 403 403", other="200 404 404 404 403 403 403 403 403"),
    ],
    "plans_api:merge_update": [
        post({}, every="400 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:merge_accept": [
        post({}, every="400 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:merge_reject": [
        post({}, every="400 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:public_list": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "plans_api:public_detail": [
        get(kwargs={"year": 2027}, every="200 200 200 200 200 200 200 200 200"),
        get(label="unpublished", every="404 404 404 404 404 404 404 404 404"),
    ],
    "plans_api:peak_season_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "plans_api:peak_season_export": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "plans_api:peak_season_create": [
        post({"industry_prefix": "E", "months": [3, 4]}, every="201 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:peak_season_update": [
        post({"industry_prefix": "E", "months": [3]}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "plans_api:peak_season_delete": [
        post(every="204 403 403 403 403 403 403 403 403"),
    ],
    # Joint task pages
    "tasks:task_list": [
        get(every="200 200 200 200 200 200 200 login login"),
    ],
    "tasks:task_create": [
        get(every="404 200 200 200 404 404 404 login login"),
    ],
    "tasks:task_estimate": [
        post({"rate_a": "3", "groups": "1"}, every="404 200 200 200 404 404 404 login login"),
    ],
    "tasks:task_detail": [
        get(own="200 200 200 200 200 200 200 login login", other="200 404 404 404 404 404 200 login login"),
        get(label="participant", kwargs={"task_id": "{task_partner.pk}"}, every="200 200 200 200 200 200 200 login login"),
    ],
    "tasks:task_edit": [
        get(own="404 200 200 200 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "tasks:task_submit": [
        post(own="404 302 302 302 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "tasks:task_approve": [
        post({"approve": "1"}, own="302 404 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "tasks:task_push": [
        post(own="404 302 302 302 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "tasks:task_start": [
        post(own="404 302 302 302 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "tasks:review_confirm": [
        post({"witness": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 302 login login"),
        post({"witness": "x"}, label="lead", kwargs={"review_id": "{review_lead.pk}"}, every="302 302 302 302 302 302 302 login login"),
    ],
    "tasks:review_return": [
        post({"reason": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 302 login login"),
    ],
    "tasks:draw_detail": [
        get(own="200 200 200 200 200 200 200 login login", other="200 404 404 404 404 404 200 login login"),
        get(label="participant", kwargs={"draw_id": "{draw_partner.pk}"}, every="200 200 200 200 200 200 200 login login"),
    ],
    "tasks:draw_reveal": [
        post(own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 302 login login"),
        post(label="participant", kwargs={"draw_id": "{draw_partner.pk}"}, every="302 302 302 302 302 302 302 login login"),
    ],
    "tasks:draw_withdraw": [
        post({"reason": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 302 login login"),
    ],
    "tasks:draw_void_request": [
        post({"reason": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 302 login login"),
    ],
    "tasks:draw_void_decide": [
        post({"approve": "1", "reason": "x"}, own="302 404 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "tasks:draw_replacement": [
        post({"reason": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 302 login login"),
    ],
    "tasks:draw_bundle": [
        get(own="404 404 404 404 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "tasks:draw_pdf": [
        get(own="202 202 202 202 202 202 202 login login", other="202 404 404 404 404 404 202 login login"),
        get(label="participant", kwargs={"draw_id": "{draw_partner.pk}"}, every="202 202 202 202 202 202 202 login login"),
    ],
    "tasks:public_task": [
        get(own="200 200 200 200 200 200 200 200 200", other="200 200 200 200 200 200 200 200 200"),
    ],
    "tasks:public_bundle": [
        get(own="404 404 404 404 404 404 404 404 404", other="404 404 404 404 404 404 404 404 404"),
    ],
    "tasks:notices_pdf": [
        get(own="404 404 404 404 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "tasks:notice_pdf": [
        get(own="404 404 404 404 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "tasks:onsite_record_pdf": [
        get(own="404 404 404 404 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "tasks:rectification_pdf": [
        get(own="404 404 404 404 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "catalog:matter_form_pdf": [
        get(every="202 202 202 202 202 202 202 login login"),
    ],
    "documents:document_status": [
        get(every="404 404 404 404 404 404 404 404 404"),
    ],
    "documents:document_file": [
        get(every="404 404 404 404 404 404 404 404 404"),
    ],
    "documents_api:document_request": [
        post({"kind": "catalog.matter_form", "matter": "{matter.pk}"}, every="202 202 202 202 202 202 202 404 404"),
    ],
    "documents_api:document_detail": [
        get(every="404 404 404 404 404 404 404 404 404"),
    ],
    "documents_api:document_file": [
        get(every="404 404 404 404 404 404 404 404 404"),
    ],
    "tasks:verify": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "tasks:verify_result": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "tasks:public_announcement": [
        get(own="200 200 200 200 200 200 200 200 200", other="200 200 200 200 200 200 200 200 200"),
    ],
    "tasks:task_witness_grant": [
        post({"user": "{lead_member.pk}"}, own="302 404 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "tasks:policy": [
        get(every="200 404 404 404 404 404 404 login login"),
        post({"escalate_after_working_days": 3, "remind_every_working_days": 1, "low_risk_yearly_limit": 2, "reveal_delay_minutes": 10}, every="302 404 404 404 404 404 404 login login"),
    ],
    "tasks:draw_withdraw_request": [
        post({"reason": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 302 login login"),
    ],
    "tasks:draw_withdraw_decide": [
        post({"approve": "1"}, own="302 404 404 404 404 404 404 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    # Joint task API
    "tasks_api:task_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "tasks_api:task_export": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "tasks_api:task_combine": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 200 403 403"),
    ],
    "tasks_api:task_workload": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 200 403 403"),
    ],
    "tasks_api:task_update": [
        post({}, own="404 400 400 400 404 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:task_create": [
        post({}, every="403 400 400 400 403 403 403 403 403"),
    ],
    "tasks_api:task_detail": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 200 403 403"),
        get(label="participant", kwargs={"task_id": "{task_partner.pk}"}, every="200 200 200 200 200 200 200 403 403"),
    ],
    "tasks_api:task_submit": [
        post({}, own="404 400 400 400 404 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:task_approve": [
        post({"approve": True}, own="400 404 404 404 404 404 404 403 403", other="400 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:task_push": [
        post({}, own="404 400 400 400 404 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:task_start": [
        post({}, own="404 400 400 400 404 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:task_draws": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 200 403 403"),
        get(label="participant", kwargs={"task_id": "{task_partner.pk}"}, every="200 200 200 200 200 200 200 403 403"),
    ],
    "tasks_api:review_confirm": [
        post({"witness": "x"}, own="403 200 200 200 403 403 403 403 403", other="403 404 404 404 404 404 403 403 403"),
        post({"witness": "x"}, label="lead", kwargs={"review_id": "{review_lead.pk}"}, every="403 403 403 403 403 403 403 403 403"),
    ],
    "tasks_api:review_return": [
        post({"reason": "x"}, own="403 200 200 200 403 403 403 403 403", other="403 404 404 404 404 404 403 403 403"),
    ],
    "tasks_api:draw_detail": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 200 403 403"),
        get(label="participant", kwargs={"draw_id": "{draw_partner.pk}"}, every="200 200 200 200 200 200 200 403 403"),
    ],
    "tasks_api:draw_reveal": [
        post({}, own="403 400 400 400 403 403 403 403 403", other="403 404 404 404 404 404 403 403 403"),
        post({}, label="participant", kwargs={"draw_id": "{draw_partner.pk}"}, every="403 403 403 403 403 403 403 403 403"),
    ],
    "tasks_api:draw_withdraw": [
        post({"reason": "x"}, own="403 200 200 200 403 403 403 403 403", other="403 404 404 404 404 404 403 403 403"),
    ],
    "tasks_api:draw_void_request": [
        post({"reason": "x"}, own="403 400 400 400 403 403 403 403 403", other="403 404 404 404 404 404 403 403 403"),
    ],
    "tasks_api:draw_void_decide": [
        post({"approve": True, "reason": "x"}, own="400 404 404 404 404 404 404 403 403", other="400 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:draw_replacement": [
        post({"reason": "x"}, own="403 400 400 400 403 403 403 403 403", other="403 404 404 404 404 404 403 403 403"),
    ],
    "tasks_api:draw_bundle": [
        get(own="404 404 404 404 404 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:public_task": [
        get(own="200 200 200 200 200 200 200 200 200", other="200 200 200 200 200 200 200 200 200"),
    ],
    "tasks_api:public_bundle": [
        get(own="404 404 404 404 404 404 404 404 404", other="404 404 404 404 404 404 404 404 404"),
    ],
    "tasks_api:verify": [
        post({"bundle": {}}, every="200 200 200 200 200 200 200 200 200"),
    ],
    # Inspection work: visits, records, results, follow-up (tasks/inspections; the inspector actor
    # leads the own task's group and is department A's only member in it). Department content is
    # for doers of the department and the lead department (the office, witnesses and auditors see
    # states and dates); a page's refused action redirects with a message.
    "inspections:home": [
        get(every="200 200 200 200 200 200 200 login login"),
    ],
    "inspections:group_detail": [
        get(own="200 200 200 200 200 200 200 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "inspections:group_schedule": [
        post("@inspection_dates", own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:inspection_detail": [
        get(own="200 200 200 200 200 200 200 login login", other="200 404 404 404 404 404 404 login login"),
    ],
    "inspections:result_compile": [
        post({"categories": ["no_problem"], "completed_on": "{today}"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:result_submit": [
        post(own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:result_approve": [
        post(own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:result_return": [
        post({"reason": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:result_publish": [
        post(own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:result_correct": [
        post({"reason": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:measure_add": [
        post({"kind": "handover", "department": "{dept_a.pk}", "description": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:combine_propose": [
        post("@combine_page", own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:combined_accept": [
        post(own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:combined_decline": [
        post({"reason": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:combined_cancel": [
        post({"reason": "x"}, own="302 302 302 302 302 302 302 login login", other="302 404 404 404 404 404 404 login login"),
    ],
    "inspections:record": [
        get(own="404 200 200 200 200 404 404 login login", other="404 404 404 404 404 404 404 login login"),
        post({}, own="404 404 404 404 302 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:record_pdf": [
        get(own="404 202 202 202 202 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:rectification_pdf": [
        get(own="404 404 404 404 404 404 404 login login", other="404 404 404 404 404 404 404 login login"),
        get(label="rectification", kwargs={"measure_id": "{rectify_own.pk}"}, every="404 202 202 202 202 404 404 login login"),
    ],
    "inspections:record_attachment": [
        post("@photo_page", own="404 404 404 404 302 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:record_commission": [
        post({"kind": "testing", "body": "检测院", "subject": "抽样", "commissioned_on": "{today}"}, own="404 404 404 404 302 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:commission_conclude": [
        post({"conclusion": "合格", "concluded_on": "{today}"}, own="404 404 404 404 302 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:attachment": [
        get(own="404 200 200 200 200 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:attachment_withdraw": [
        post({"reason": "x"}, own="404 302 302 302 302 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:measure_list": [
        get(every="404 200 200 200 200 404 404 login login"),
    ],
    "inspections:measure_detail": [
        get(own="404 200 200 200 200 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:measure_acknowledge": [
        post({"note": ""}, own="404 302 302 302 302 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:measure_recheck": [
        post({"recheck_on": "{today}", "note": "x"}, own="404 302 302 302 302 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:measure_close": [
        post({"outcome": "x", "outcome_on": "{today}"}, own="404 302 302 302 302 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    "inspections:measure_attachment": [
        post("@scan_page", own="404 302 302 302 302 404 404 login login", other="404 404 404 404 404 404 404 login login"),
    ],
    # Inspection work API
    "inspections_api:inspection_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "inspections_api:group_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "inspections_api:inspection_detail": [
        get(own="200 200 200 200 200 200 200 403 403", other="200 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:inspection_schedule": [
        post({"scheduled_on": "{today}"}, own="403 200 200 200 200 403 403 403 403", other="403 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:combined_visit_propose": [
        post("@combine_api", own="403 400 400 400 400 403 403 403 403", other="403 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:record_detail": [
        get(own="404 200 200 200 200 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:record_update": [
        post({"findings": "x"}, own="404 404 404 404 200 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:record_complete": [
        post({}, own="404 404 404 404 400 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:attachment_upload": [
        post("@photo_api", multipart=True, own="404 404 404 404 201 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:commissioned_check_create": [
        post({"kind": "testing", "body": "检测院", "subject": "抽样", "commissioned_on": "{today}"}, own="404 404 404 404 201 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:commissioned_check_conclude": [
        post({"conclusion": "合格", "concluded_on": "{today}"}, own="404 404 404 404 200 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:attachment_download": [
        get(own="404 200 200 200 200 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:attachment_withdraw": [
        post({"reason": "x"}, own="404 403 403 403 200 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:result_detail": [
        get(own="404 200 200 200 200 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:result_compile": [
        post({"categories": ["no_problem"], "completed_on": "{today}"}, own="404 403 403 403 200 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:result_submit": [
        post({}, own="404 403 403 403 400 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:result_approve": [
        post({}, own="404 400 400 400 403 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:result_return": [
        post({"reason": "x"}, own="404 400 400 400 403 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:result_publish": [
        post({}, own="404 400 400 400 400 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:result_correct": [
        post({"reason": "x"}, own="404 400 400 400 400 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:result_versions": [
        get(own="404 200 200 200 200 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:measure_create": [
        post({"kind": "handover", "department": "DEPA", "description": "x"}, own="404 403 403 403 201 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:measure_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "inspections_api:measure_detail": [
        get(own="404 200 200 200 200 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:measure_acknowledge": [
        post({"note": ""}, own="404 403 403 403 403 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:measure_recheck": [
        post({"recheck_on": "{today}", "note": "x"}, own="404 400 400 400 400 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:measure_close": [
        post({"outcome": "x", "outcome_on": "{today}"}, own="404 400 400 400 400 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:measure_attachment_upload": [
        post("@photo_api", multipart=True, own="404 201 201 201 201 404 404 403 403", other="404 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:combined_visit_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "inspections_api:combined_visit_accept": [
        post({}, own="403 403 403 403 403 403 403 403 403", other="403 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:combined_visit_decline": [
        post({"reason": "x"}, own="403 403 403 403 403 403 403 403 403", other="403 404 404 404 404 404 404 403 403"),
    ],
    "inspections_api:combined_visit_cancel": [
        post({"reason": "x"}, own="403 200 200 200 200 403 403 403 403", other="403 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:verify_result": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "tasks_api:public_announcement": [
        get(own="200 200 200 200 200 200 200 200 200", other="200 200 200 200 200 200 200 200 200"),
    ],
    "tasks_api:task_witness_grant": [
        post({"user": "{lead_member.username}"}, own="200 404 404 404 404 404 404 403 403", other="400 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:policy": [
        get(every="200 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:draws_stuck": [
        get(every="200 404 404 404 404 404 404 403 403"),
    ],
    "tasks_api:draw_withdraw_request": [
        post({"reason": "x"}, own="403 200 200 200 403 403 403 403 403", other="403 404 404 404 404 404 403 403 403"),
    ],
    "tasks_api:draw_withdraw_decide": [
        post({"approve": True}, own="400 404 404 404 404 404 404 403 403", other="400 404 404 404 404 404 404 403 403"),
    ],
    # Working-day calendar API
    "publication_api:year_list": [
        get(every="200 200 200 200 200 200 200 403 403"),
    ],
    "publication_api:year_import": [
        post({"text": "2027-01-01,休,元旦"}, every="200 403 403 403 403 403 403 403 403"),
        post({"text": "2027-01-01,休,元旦", "dry_run": True}, label="dry run", every="202 403 403 403 403 403 403 403 403"),
    ],
    "publication_api:year_mark_official": [
        post({"note": "x"}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "publication_api:year_mark_fallback": [
        post({}, kwargs={"year": 2025}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "publication_api:day_list": [
        get(query="year=2025", every="200 200 200 200 200 200 200 403 403"),
    ],
    "publication_api:day_set": [
        post({"date": "2027-03-03", "kind": "holiday", "name": "x"}, every="200 403 403 403 403 403 403 403 403"),
    ],
    "publication_api:day_clear": [
        post({"date": "2025-10-11"}, every="204 403 403 403 403 403 403 403 403"),
    ],
    "publication_api:add": [
        get(query="start=2025-09-26&n=20", every="200 200 200 200 200 200 200 403 403"),
    ],
    "publication_api:between": [
        get(query="a=2025-09-26&b=2025-10-31", every="200 200 200 200 200 200 200 403 403"),
    ],
    # Platform
    "api_schema": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "api_docs": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "api_redoc": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "set_language": [
        post({"language": "en", "next": "/"}, every="302 302 302 302 302 302 302 302 302"),
    ],
    "healthz": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "status_api": [
        get(every="200 403 403 403 403 403 403 403 403"),
    ],
    # django-admin (model-admin families: FAMILIES below)
    "admin:index": [
        get(every="login login login login login login login login login"),
    ],
    "admin:login": [
        get(every="200 200 200 200 200 200 200 200 200"),
    ],
    "admin:logout": [
        get(every="302 302 302 302 302 302 302 302 302"),
    ],
    "admin:password_change_done": [
        get(every="login login login login login login login login login"),
    ],
    "admin:autocomplete": [
        get(every="login login login login login login login login login"),
    ],
    "admin:jsi18n": [
        get(every="login login login login login login login login login"),
    ],
    "admin:view_on_site": [
        get(every="login login login login login login login login login"),
    ],
    "admin:app_list": [
        get(every="login login login login login login login login login"),
    ],

}
# fmt: on

# Every model admin route (changelist, add, change, history, delete, guardian's object permissions,
# and the unnamed redirect of each model) sends every actor, none of whom is staff, to the
# django-admin login.
FAMILIES = [
    (
        re.compile(r"^admin:(\w+_(changelist|add|history|delete|change|permissions\w*)|<.*>)$"),
        [get(every=LOGIN_ALL)],
    ),
]


def cases_for(name: str):
    if name in TABLE:
        return TABLE[name]
    for pattern, cases in FAMILIES:
        if pattern.match(name):
            return cases
    return None
