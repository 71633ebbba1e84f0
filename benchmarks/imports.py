"""Importing a 10,000-row volunteers spreadsheet through the import service (read, match headers,
every registration check, duplicate look-ups, encryption, one transaction, audit) vs the same file
read and the same checks done by hand, then a raw executemany.

``python -m benchmarks.imports`` prints the figure and the rows per second."""

from __future__ import annotations

import datetime as dt
import io
import random
import sqlite3
import tempfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from benchmarks.timing import Result, fresh_station, median_seconds
from station_kit.db import write_session
from station_kit.demo import people
from station_kit.privacy import Vault, mask_id_number
from station_kit.services.actor import Actor
from station_kit.services.imports import import_file
from station_kit.services.scope import Scope
from station_kit.validation import check_phone, check_resident_id, clean_text

ROWS = 10_000
HEADERS = ("姓名", "性别", "证件类型", "身份证号", "手机号码", "出生日期")


def spreadsheet(rows: int = ROWS, seed: int = 7) -> bytes:
    """A roll of ``rows`` distinct people, ID numbers as text, as a station's would be."""
    rng = random.Random(seed)
    numbers: set[str] = set()
    phones: set[str] = set()
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    while len(numbers) < rows:
        male = rng.random() < 0.5
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
        number = people.resident_id(birth, male=male, rng=rng)
        if number in numbers:
            continue
        numbers.add(number)
        sheet.append((people.chinese_name(male=male, rng=rng), "男" if male else "女", "居民身份证", number,
                      people.mobile_phone(rng, phones), None))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(folder: str, *, repeat: int, rows: int = ROWS) -> list[Result]:
    repeat = min(repeat, 3)  # a run imports 10,000 rows; three give a stable median
    content = spreadsheet(rows)
    stations = iter([fresh_station(f"sqlite:///{Path(folder) / f'import-{n}.db'}") for n in range(repeat)])
    raw_runs = iter(range(repeat))

    def ours():
        engine, station_id = next(stations)
        with write_session(engine) as session:
            result = import_file(scope=Scope(session, Actor("bench")), station_id=station_id, kind="volunteers",
                                 content=content,
                                 filename="bench.xlsx", consent_on_file=True)
        assert result.added == rows

    def floor():
        """The same file read and the same checks by hand: name, ID number (GB 11643), phone,
        duplicates in the file, encryption and look-up hash; then one executemany."""
        vault = Vault(b"station-kit-benchmark")
        rows, seen = [], set()
        for name, _gender, _kind, number, phone, _birth in load_workbook(
                io.BytesIO(content), read_only=True).active.iter_rows(min_row=2, values_only=True):
            resident = check_resident_id(number)
            id_hash = vault.lookup_hash(resident.number)
            assert id_hash not in seen
            seen.add(id_hash)
            rows.append((clean_text(name, field="name", max_length=50), resident.gender,
                         resident.birth_date.year, vault.encrypt_date(resident.birth_date),
                         vault.encrypt(resident.number), id_hash, mask_id_number(resident.number),
                         check_phone(phone)))
        connection = sqlite3.connect(Path(folder) / f"raw-import-{next(raw_runs)}.db")
        connection.execute("CREATE TABLE v (name, gender, birth_year, birth_cipher, id_cipher, id_hash, masked, phone)")
        with connection:
            connection.executemany("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        connection.close()

    return [Result(f"import {rows:,} volunteers (xlsx)", median_seconds(ours, repeat),
                   "same checks + raw executemany", median_seconds(floor, repeat))]


if __name__ == "__main__":
    import os

    os.environ.setdefault("STATION_KIT_SECRET_KEY", "station-kit-benchmark")
    with tempfile.TemporaryDirectory(prefix="station-kit-bench-") as folder:
        (result,) = run(folder, repeat=3)
    print(f"{result.name}: {result.seconds:.1f} s, {ROWS / result.seconds:,.0f} rows/s; "
          f"{result.floor_name}: {result.floor_seconds:.1f} s, {ROWS / result.floor_seconds:,.0f} rows/s; "
          f"ratio {result.ratio:.1f}x")
