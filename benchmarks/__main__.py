"""`make bench`: run every benchmark and print one line per figure: time, floor, ratio.

A ratio is the measured time over a floor that does the same work the plainest way (a hand-written
SQL aggregate, a raw executemany), in the same run on the same machine, so the figures compare
across machines. Nothing here asserts: the numbers are for people to read and track.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from benchmarks import app_load, awards, dashboard_latency, imports, registry, rollups, tally


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (median is shown)")
    args = parser.parse_args()
    os.environ.setdefault("STATION_KIT_SECRET_KEY", "station-kit-benchmark")
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        results = [*tally.run(url, repeat=args.repeat), *awards.run(url, repeat=args.repeat),
                   *registry.run(folder, repeat=args.repeat), *imports.run(folder, repeat=args.repeat),
                   *dashboard_latency.run(url), *app_load.run(url),
                   *rollups.run(url, repeat=args.repeat)]  # last: it adds stations to the demo database
    width = max(len(result.name) for result in results)
    print(f"{'figure':<{width}}  {'measured':>10}  {'floor':>10}  ratio")
    for result in results:
        print(f"{result.name:<{width}}  {result.seconds * 1000:>8.1f}ms  {result.floor_seconds * 1000:>8.1f}ms"
              f"  {result.ratio:5.1f}x  ({result.floor_name})")


if __name__ == "__main__":
    main()
