"""Demo tasks (督办) from the town office."""


def build_demo_tasks():
    """Build them once; True when something was built."""
    return False
