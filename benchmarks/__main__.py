"""`make bench`: run every benchmark and print one line per figure: time, floor, ratio.

A ratio is the measured time over a floor that does the same work the plainest way (a hand-written
SQL aggregate, a raw executemany), in the same run on the same machine, so the figures compare
across machines. Nothing here asserts: the numbers are for people to read and track.

``--quick`` runs every benchmark once on small inputs (CI does, so that none stops running unseen):
its figures show that each still runs, not how fast. ``--demo URL`` copies a demo database already
built (SQLite) instead of building one.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from benchmarks import app_load, awards, dashboard_latency, hub, imports, registry, rollups, tally


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (median is shown)")
    parser.add_argument("--quick", action="store_true", help="every benchmark once, on small inputs")
    parser.add_argument("--demo", help="a demo database (SQLite URL) to copy instead of building one")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    os.environ.setdefault("STATION_KIT_SECRET_KEY", "station-kit-benchmark")
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        results = [*tally.run(url, repeat=repeat, demo=args.demo), *awards.run(url, repeat=repeat),
                   *registry.run(folder, repeat=repeat, batch=20 if args.quick else registry.BATCH),
                   *imports.run(folder, repeat=repeat, rows=300 if args.quick else imports.ROWS)]
        if args.quick:  # one server for both: a quick run shows that each runs, not how fast
            with app_load.serving_with_a_bare_page(url) as served:
                results += [*dashboard_latency.run(url, tries=1, base_url=served[0]),
                            *app_load.run(url, tries=1, quick=True, served=served)]
        else:
            results += [*dashboard_latency.run(url), *app_load.run(url)]
        # last: it adds stations to the demo database
        results += rollups.run(url, repeat=repeat, copies=1 if args.quick else rollups.COPIES)
        results += hub.run(folder, quick=args.quick)
    width = max(len(result.name) for result in results)
    print(f"{'figure':<{width}}  {'measured':>10}  {'floor':>10}  ratio")
    for result in results:
        if result.unit == "MiB":
            figures = f"{result.seconds:>7.0f}MiB  {result.floor_seconds:>7.0f}MiB"
        else:
            figures = f"{result.seconds * 1000:>8.1f}ms  {result.floor_seconds * 1000:>8.1f}ms"
        print(f"{result.name:<{width}}  {figures}  {result.ratio:5.1f}x  ({result.floor_name})")


if __name__ == "__main__":
    main()
