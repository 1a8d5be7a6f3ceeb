"""Demo refusals and serious cases at each step of the procedure, so a fresh ``make run`` shows
them. (Issue 12, part B.)"""


def build_demo_cases():
    """True when something was made."""
    return False
