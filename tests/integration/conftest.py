"""The demo station, built once for the integration tests that read it (and must not change it)."""

import pytest

from station_kit.cli import main


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'station.db'}"
    assert main(["demo", "--db", url]) == 0
    return url
