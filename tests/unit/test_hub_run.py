"""How many page kernels the street's station server may run: what the server's memory holds."""

from __future__ import annotations

import pytest

from station_kit.hub import run


@pytest.mark.parametrize(("memory_gib", "cap"), [(4, 14), (8, 32), (16, 98), (24, 163), (64, 491)])
def test_the_kernel_cap_follows_the_server_s_memory_and_never_falls_below_one_pc_s(monkeypatch, memory_gib, cap):
    monkeypatch.setattr(run, "physical_memory_mib", lambda: memory_gib * 1024)
    assert run.kernel_cap() == cap


def test_a_command_prints_the_street_s_database_without_its_password():
    """`station-kit init --db "$(cat data/postgres.url)"` says which database is ready, never its password,
    which the owner's URL file holds for root alone."""
    from station_kit.cli import _shown_url

    shown = _shown_url("postgresql+psycopg://postgres:Xg-secret_1@127.0.0.1:60281/station")
    assert "Xg-secret_1" not in shown and shown.startswith("postgresql+psycopg://postgres:***@127.0.0.1:60281")
