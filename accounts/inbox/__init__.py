"""The one inbox of the platform: notices for every app, in-app and by e-mail.

Other apps call `accounts.inbox.services.notification_send` (or `notification_send_many` for
set-based jobs); nothing here imports from the apps above `accounts`.
"""
