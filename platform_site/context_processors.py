from django.conf import settings

from platform_site.navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "platform_name": settings.PLATFORM_NAME,
        "city_name": settings.CITY_NAME,
        "nav_items": navigation_for(user) if user is not None and user.is_authenticated else [],
    }
