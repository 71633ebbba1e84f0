"""`make bench`: run every benchmark and print one line per figure: time, floor, ratio.

A ratio is the measured time over a floor that does the same work the plainest way (a hand-written
SQL aggregate, a raw executemany), in the same run on the same machine, so the figures compare
across machines. Nothing here asserts: the numbers are for people to read and track.

``--quick`` runs every benchmark once on small inputs (CI does, so that none stops running unseen):
its figures show that each still runs, not how fast. ``--demo URL`` copies a demo database already
built (SQLite) instead of building one. ``--only hub`` (or ``--skip hub``) runs some of them: station
(tallies, awards, registering, imports, roll-ups), apps (time to use and memory per page, the live
screen, kernels back after pages die) and hub (a
street on one server, on PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from benchmarks import app_load, awards, dashboard_latency, dying_pages, hub, imports, registry, rollups, tally
from benchmarks.timing import print_results

GROUPS = ("station", "apps", "hub")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (median is shown)")
    parser.add_argument("--quick", action="store_true", help="every benchmark once, on small inputs")
    parser.add_argument("--demo", help="a demo database (SQLite URL) to copy instead of building one")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"groups to run, of {', '.join(GROUPS)}")
    parser.add_argument("--skip", default="", help="groups not to run")
    args = parser.parse_args()
    chosen = set(args.only.split(",")) - set(args.skip.split(","))
    repeat = 1 if args.quick else args.repeat
    os.environ.setdefault("STATION_KIT_SECRET_KEY", "station-kit-benchmark")
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        results = []
        if chosen & {"station", "apps"}:
            results += tally.run(url, repeat=repeat, demo=args.demo)  # builds (or copies) the demo
        if "station" in chosen:
            results += [*awards.run(url, repeat=repeat),
                        *registry.run(folder, repeat=repeat, batch=20 if args.quick else registry.BATCH),
                        *imports.run(folder, repeat=repeat, rows=300 if args.quick else imports.ROWS)]
        if "apps" in chosen and args.quick:  # one server for both: a quick run shows that each runs, not how fast
            with app_load.serving_with_a_bare_page(url) as served:
                results += [*dashboard_latency.run(url, tries=1, base_url=served[0]),
                            *app_load.run(url, tries=1, quick=True, served=served)]
            results += dying_pages.run(url, quick=True)
        elif "apps" in chosen:
            results += [*dashboard_latency.run(url), *app_load.run(url), *dying_pages.run(url)]
        if "station" in chosen:  # last of the demo's: it adds stations to the demo database
            results += rollups.run(url, repeat=repeat, copies=1 if args.quick else rollups.COPIES)
        if "hub" in chosen:
            results += hub.run(folder, quick=args.quick)
    print_results(results)

if __name__ == "__main__":
    main()
