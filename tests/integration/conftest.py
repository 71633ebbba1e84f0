"""The demo station, built once for the integration tests that read it (and must not change it)."""

import pytest


@pytest.fixture(scope="session")
def demo_url():
    from tests.databases import demo_station_url

    return demo_station_url()



@pytest.fixture(scope="session")
def street_url():
    """Four stations of 麟州街道, the reference station first, shared with the notebooks' run."""
    from tests.databases import street_url

    return street_url()
