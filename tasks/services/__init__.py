"""Services of the tasks app, split by subdomain: tasks (life cycle), terms (what the office
approves), draws (the ceremony of a task's draw), replacements, execution (the draw job and stuck
draws), ceremony (the core they share), bundles (what a draw publishes), policy (the office's
rules), reminders, snapshots (freezing the inputs)."""
