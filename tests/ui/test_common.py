"""Pieces every app shares, where a worker would notice them."""

from station_kit.ui.common import format_figure


def test_figures_are_written_with_thousands_separators_and_hours_with_one_decimal():
    assert format_figure(323416.0) == "323,416.0"
    assert format_figure(2.25) == "2.2"
    assert format_figure(7781) == "7,781"
    assert format_figure(0) == "0" and format_figure(0.0) == "0.0"
