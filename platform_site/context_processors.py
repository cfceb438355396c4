from django.conf import settings

from platform_site.navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        # whether a list's filters are set (a blank filter form is not a filter): an empty list
        # passes it to includes/empty.html, which then offers to clear them
        "list_filtered": any(
            value.strip()
            for key, values in request.GET.lists()
            if key not in ("page", "format")
            for value in values
        ),
        "platform_name": settings.PLATFORM_NAME,
        "city_name": settings.CITY_NAME,
        "nav_items": navigation_for(user) if user is not None and user.is_authenticated else [],
    }
