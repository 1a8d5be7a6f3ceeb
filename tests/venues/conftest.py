import pytest

from tests.factories import make_area_tree


@pytest.fixture
def tree(db):
    """双河镇 with 青杠村 and 木根村, two grids each."""
    return make_area_tree()
