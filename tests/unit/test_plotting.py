"""Chinese labels in the analysts' charts draw as characters, not as empty boxes."""

import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from station_kit.plotting import chinese_font  # noqa: E402


def test_a_chart_with_chinese_labels_draws_every_glyph():
    """fonts-noto-cjk is installed here and on CI (.ci/run); without chinese_font() matplotlib
    warns "Glyph … missing from font(s) DejaVu Sans" and draws boxes."""
    with matplotlib.rc_context():
        assert chinese_font() is not None
        figure, axis = plt.subplots()
        axis.bar(["涵育滋养文明新风", "劳动技能培训"], [3, 1])
        axis.set_title("按六大任务的服务时长")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            figure.canvas.draw()
        plt.close(figure)


def test_without_a_chinese_font_charts_still_draw_after_a_warning_saying_what_to_install(monkeypatch):
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    with matplotlib.rc_context(), pytest.warns(UserWarning, match="fonts-noto-cjk"):
        assert chinese_font() is None


def test_an_empty_chart_says_there_is_no_data_instead_of_drawing_axes_around_nothing():
    from station_kit.plotting import no_data

    with matplotlib.rc_context():
        chinese_font()
        figure, axis = plt.subplots()
        axis.barh([], [])
        no_data(axis)
        figure.canvas.draw()
        assert [text.get_text() for text in axis.texts] == ["暂无数据"]
        assert list(axis.get_xticks()) == [] and list(axis.get_yticks()) == []  # no "-0.04 … 0.04" scale
        plt.close(figure)
