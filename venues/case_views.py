"""Refusals to cooperate, serious cases and operators' history, as staff and owners see them.
(Issue 12, part B: to be built.)"""


def staff_context(user, venue):
    """What the staff venue page shows of refusals, serious cases (templates/venues/admin/
    _serious_cases.html) and the operator's history (_operator_history.html)."""
    return {}


# /owner/...
owner_urls = []
# /admin/...
admin_urls = []


def owner_context(user, venue):
    """What the owner's integrity page shows of the venue's serious cases
    (templates/owner/includes/serious_cases.html): those the owner has been notified of."""
    return {}
