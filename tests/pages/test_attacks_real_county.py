"""The governor attacks again, on the team's warehouse built by the real ETL from the generated
county (tests/conftest.py `fixture_warehouse`, through tests/pages/conftest.py `county_env`)."""

import pandas as pd
import pytest

from dashboard import data_access
from dashboard.access import GOVERNOR, SUPPRESSED, identity_for
from dashboard.store import users
from tests.pages.helpers import login, open_sections, page_text, shown_urns


@pytest.fixture
def real_env(county_env):
    manager = identity_for("manager", "M", "manager", [])
    everyone = data_access.list_schools(manager)
    govs = [
        identity_for(u.username, u.display_name, u.role, u.urns)
        for u in users.list_users()
        if u.role == GOVERNOR
    ]
    return everyone, govs


def test_governors_on_the_generated_county(real_env):
    everyone, govs = real_env
    names = dict(zip(everyone["urn"].astype(int), everyone["name"], strict=True))
    assert len(govs) == 3 and any(len(g.allowed_urns) == 2 for g in govs)
    for gov in govs:
        assert set(data_access.list_schools(gov)["urn"]) == gov.allowed_urns
        for urn in gov.allowed_urns:
            measures = data_access.school_profile(gov, urn).measures
            shown = measures[measures["status_code"] != SUPPRESSED]
            assert (pd.to_numeric(shown["cohort"], errors="coerce").dropna() > 5).all()
        others = sorted(set(names) - gov.allowed_urns)
        own_names = [names[u] for u in gov.allowed_urns]
        at = open_sections(login(gov.username))  # every section of the profile open
        for urn in [None, *others[:5]]:
            if urn is not None:
                at.query_params["urn"] = str(urn)
                at.run()
            assert not at.exception
            assert shown_urns(at) <= gov.allowed_urns
            text = page_text(at)
            for other in others:
                assert str(other) not in text
                if not any(names[other] in own for own in own_names):
                    assert names[other] not in text
