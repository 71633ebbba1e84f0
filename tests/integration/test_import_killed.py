"""An import killed half-way (the PC switched off, the kernel killed) leaves nothing written: the
rows are in the database's transaction, not in the database, until the import commits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from sqlalchemy import func
from sqlmodel import select

from station_kit.cli import main
from station_kit.db import get_engine, read_session
from station_kit.models import AuditEvent, Volunteer
from tests.factories import id_number
from tests.sheets import VOLUNTEER_HEADERS, xlsx

# The child imports as the CLI does, but stops inside the open transaction (after every row is
# written to it and its audit event added) and says so: the moment the parent kills it.
CHILD = textwrap.dedent("""
    import sys, time
    import station_kit.services.imports as imports

    def stall(scope, **event):
        imports.log_event.__wrapped__(scope, **event)
        scope.session.flush()
        print("OPEN", flush=True)
        time.sleep(600)

    stall.__wrapped__ = imports.log_event
    imports.log_event = stall
    from station_kit.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def _count(url: str, model) -> int:
    with read_session(get_engine(url)) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_an_import_killed_in_its_transaction_leaves_nothing(db_url, tmp_path):
    assert main(["init", "--db", db_url, "--name", "测试社区", "--code", "TST"]) == 0
    roll = tmp_path / "名册.xlsx"
    roll.write_bytes(xlsx([VOLUNTEER_HEADERS, *((f"志愿者{n}", "", "", id_number(), f"1380013{n:04d}", None)
                                                for n in range(60))], text_columns="D"))
    events_before = _count(db_url, AuditEvent)
    child = subprocess.Popen([sys.executable, "-c", CHILD, "import", "--db", db_url, "volunteers", str(roll),
                              "--consent-on-file"], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert child.stdout.readline().strip() == "OPEN"
        assert _count(db_url, Volunteer) == 0  # written in the transaction, seen by nobody else
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    get_engine.cache_clear()
    assert _count(db_url, Volunteer) == 0
    assert _count(db_url, AuditEvent) == events_before
    # The database is not left locked: the same file imports whole at once.
    assert main(["import", "--db", db_url, "volunteers", str(roll), "--consent-on-file"]) == 0
    assert _count(db_url, Volunteer) == 60
