import pytest

from tests.factories import NoticeIndexPage, TrainingIndexPage, add_page, make_home


@pytest.fixture
def home(db):
    return make_home()


@pytest.fixture
def notice_index(home):
    return add_page(home, NoticeIndexPage(title="通知公告", slug="notices", show_in_menus=True))


@pytest.fixture
def training_index(home):
    return add_page(home, TrainingIndexPage(title="培训资料", slug="training", show_in_menus=True))
