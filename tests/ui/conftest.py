"""Every dashboard a ui test builds stops polling when the test ends: a poller left running would
keep asking a test database that is gone (and fill the run's log with its calm failures)."""

import pytest

from station_kit.ui import dashboard


@pytest.fixture(autouse=True)
def stop_dashboard_pollers(monkeypatch):
    started = []
    start = dashboard.Dashboard.start

    def start_and_remember(board, poll_seconds):
        started.append(board)
        start(board, poll_seconds)

    monkeypatch.setattr(dashboard.Dashboard, "start", start_and_remember)
    yield
    for board in started:
        board.stop()
