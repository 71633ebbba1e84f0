"""The ui kit: what every staff app is built from, so that fifteen apps look, read and forgive alike.

- ``context``: the app's station, the person working (an Actor) and the one way to a session;
- ``theme``: the shared style and widths; ``layout``: pages, headings, the way back to 首页;
- ``forms``: labelled fields with messages beside them, forms that show a refusal field by field,
  dropdowns with one "not chosen" convention, tick-box groups;
- ``actions``: buttons that run once per deliberate click and never let an error reach the page;
- ``tables`` and ``format``: escaped tables, figures, dates and times as staff read them.
"""

import logging
import sys

_log = logging.getLogger("station_kit.ui")
if not _log.handlers:
    # In a kernel sys.stderr goes to the page; the process's own stderr goes to the server log.
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log.addHandler(_handler)
