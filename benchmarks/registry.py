"""Registering volunteers through the service (checks, encryption, audit) vs a raw executemany insert."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

from benchmarks.timing import Result, fresh_station, median_seconds
from station_kit.db import write_session
from station_kit.demo import people
from station_kit.models import VolunteerCreate
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer

BATCH = 200


def _batch(seed: int, size: int = BATCH) -> list[VolunteerCreate]:
    rng = random.Random(seed)
    phones: set[str] = set()
    batch = []
    for _ in range(size):
        male = rng.random() < 0.5
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
        batch.append(VolunteerCreate(name=people.chinese_name(male=male, rng=rng),
                                     id_number=people.resident_id(birth, male=male, rng=rng),
                                     phone=people.mobile_phone(rng, phones), consent=True))
    return batch


def run(folder: str, *, repeat: int, batch: int = BATCH) -> list[Result]:
    runs = iter(range(10_000))
    stations = iter([fresh_station(f"sqlite:///{Path(folder) / f'register-{n}.db'}")
                     for n in range(repeat)])
    size, batch = batch, _batch(1, batch)

    def ours():
        engine, station_id = next(stations)
        with write_session(engine) as session:
            for data in batch:
                register_volunteer(scope=Scope(session, Actor("bench")), station_id=station_id, data=data)

    def floor():
        path = Path(folder) / f"raw-{next(runs)}.db"
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE v (name TEXT, id_number TEXT, phone TEXT)")
        with connection:
            connection.executemany("INSERT INTO v VALUES (?, ?, ?)",
                                   [(d.name, d.id_number, d.phone) for d in batch])
        connection.close()

    return [Result(f"register {size} volunteers", median_seconds(ours, repeat),
                   "raw executemany", median_seconds(floor, repeat))]
