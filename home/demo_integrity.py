"""Demo integrity records: replies and re-checks (part A), refusals and serious cases at each
step of the procedure (part B), so a fresh ``make run`` shows every level and step. (Issue 12.)"""


def build_demo_integrity():
    """Part A's demo records; True when something was made."""
    return False


def build_demo_cases():
    """Part B's demo records; True when something was made."""
    return False
