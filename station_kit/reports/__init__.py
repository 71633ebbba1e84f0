"""Reports for a 文明办 leader (DESIGN.md §7): ``build_report`` says what a station's or a street's month,
quarter or year was (reports.content); ``report_bytes`` lays it out as PDF, .xlsx or HTML
(reports.render). ``station-kit report`` and the 导入导出 app write them."""

from station_kit.reports.content import KINDS, Period, Report, build_report, parse_period
from station_kit.reports.render import FORMATS, check_format, report_bytes

__all__ = ["FORMATS", "KINDS", "Period", "Report", "build_report", "check_format", "parse_period", "report_bytes"]
