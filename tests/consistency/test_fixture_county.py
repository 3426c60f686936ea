"""The consistency harness (agree.py) on the default-county fixture: every open school."""

import pytest

from tests.consistency.agree import *  # noqa: F403 (the harness's tests and its `shown` fixture)
from tests.consistency.conftest import open_dataset


@pytest.fixture(scope="module")
def dataset(request, tmp_path_factory):
    yield from open_dataset(request, tmp_path_factory, "fixture county")
