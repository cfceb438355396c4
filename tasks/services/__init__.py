"""Services of the tasks app, split by subdomain: tasks (life cycle), draws (the audited draw),
replacements, reminders, snapshots (freezing the inputs)."""
