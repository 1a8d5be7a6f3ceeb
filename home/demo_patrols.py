"""Demo patrols (巡查) by the demo grid worker."""


def build_demo_patrols():
    """Build them once; True when something was built."""
    return False
