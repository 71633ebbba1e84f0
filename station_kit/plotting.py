"""Charts for the analysts' notebooks: matplotlib with a font that has Chinese characters.

matplotlib's default font (DejaVu Sans) has no CJK glyphs and draws every Chinese label as empty
boxes. ``chinese_font()`` finds an installed CJK font (Debian's fonts-noto-cjk gives Noto Sans CJK
SC) and makes it the default; where none is installed it warns once, saying what to install,
and charts still draw, with boxes for the Chinese.
"""

from __future__ import annotations

import warnings

# Simplified-Chinese fonts first, by how likely a station's PC or a server has them.
PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Noto Sans CJK JP", "Noto Serif CJK SC")


def chinese_font() -> str | None:
    """Make the first installed CJK font matplotlib's default; return its name (None: none found)."""
    import matplotlib
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    found = next((name for name in PREFERRED if name in installed), None)
    if found is None:
        found = next((name for name in sorted(installed) if "CJK" in name or "Hei" in name), None)
    if found is None:
        warnings.warn("No Chinese font found: Chinese labels will show as boxes. "
                      "Install one (Debian/Ubuntu: apt install fonts-noto-cjk), then restart the kernel.",
                      stacklevel=2)
        return None
    matplotlib.rcParams["font.sans-serif"] = [found, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack the minus sign U+2212
    return found


def no_data(axis) -> None:
    """An empty chart says 暂无数据 where its bars would be, instead of axes around nothing."""
    from station_kit.i18n import t

    axis.set_xticks([])
    axis.set_yticks([])
    axis.text(0.5, 0.5, t("analysis.no_data"), transform=axis.transAxes, ha="center", va="center", fontsize=14,
              color="#7f8c8d")


def thousands(axis) -> None:
    """A y axis from zero with round ticks (0, 5,000, 10,000) and thousands separators (DESIGN.md §6)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.yaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10], integer=True))
    axis.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axis.set_ylim(bottom=0)
