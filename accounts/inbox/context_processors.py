def inbox(request):
    """The unread count in the header. A callable, so pages without the header never count."""
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        from accounts.inbox.selectors import notification_unread_count

        return notification_unread_count(user)

    return {"inbox_unread": unread}
