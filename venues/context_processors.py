from django.utils.functional import SimpleLazyObject


def owner(request):
    """The number of unread messages of a signed-in owner, counted only if a page shows it."""
    user = getattr(request, "user", None)

    def unread():
        if user is None or not user.is_authenticated or hasattr(user, "staff_profile"):
            return 0
        return user.messages.filter(read_at__isnull=True).count()

    return {"unread_messages": SimpleLazyObject(unread)}
