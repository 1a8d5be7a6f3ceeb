"""Demo public hazard reports (群众举报) and the page they are sent from."""


def build_demo_public_reports():
    """Build them once; True when something was built."""
    return False
