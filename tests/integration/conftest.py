"""The demo station, built once for the integration tests that read it (and must not change it)."""

import pytest

from station_kit.cli import main


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'station.db'}"
    assert main(["demo", "--db", url]) == 0
    return url



@pytest.fixture(scope="session")
def street_url():
    """Three stations of 麟州街道, the reference station first, shared with the notebooks' run."""
    from tests.databases import street_url

    return street_url()
