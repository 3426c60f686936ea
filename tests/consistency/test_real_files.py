"""The consistency harness (agree.py) on the real published files in ../shared/data/real."""

import pytest

from tests.consistency.agree import *  # noqa: F403 (the harness's tests and its `shown` fixture)
from tests.consistency.conftest import open_dataset


@pytest.fixture(scope="module")
def dataset(request, tmp_path_factory):
    yield from open_dataset(request, tmp_path_factory, "real files")
