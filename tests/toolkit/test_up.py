"""sidebyside up: which store each target serves, busy ports, and the emulator's own directory."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sidebyside.cli import main, up_database_url, without_password
from sidebyside.servers import mongo_emulator
from sidebyside.stores import POSTGRES_URL

VAR = Path("/repo/var/up")


def test_database_url_is_served_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db:5432/shop")
    assert up_database_url(None, "django", VAR) == "postgresql://u@db:5432/shop"
    assert up_database_url("postgres", "flask-sql", VAR) == "postgresql://u@db:5432/shop"
    # Asked for SQLite by name: the flag wins, and the server says which store it serves.
    assert up_database_url("sqlite", "django", VAR) == "sqlite:////repo/var/up/django.sqlite3"


def test_without_database_url_each_target_has_its_own_sqlite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert up_database_url(None, "flask-sql", VAR) == "sqlite:////repo/var/up/flask-sql.sqlite3"
    assert up_database_url("postgres", "django", VAR) == POSTGRES_URL


def test_a_printed_store_url_hides_its_password() -> None:
    assert without_password("postgresql://app:s3cret@db/shop") == "postgresql://app:***@db/shop"
    assert without_password("sqlite:////tmp/x.sqlite3") == "sqlite:////tmp/x.sqlite3"


def test_a_busy_port_stops_up_before_anything_starts() -> None:
    """Else the health checks would find the other server and report it as ours."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit, match=rf"port {port} \(flask-sql\) is in use.*PORT=N"):
            main(["up", "--target", "flask-sql", "--port", str(port - 1)])


def test_the_emulator_creates_its_own_data_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "var" / "up" / "mongo"
    with mongo_emulator(str(data_dir)) as url:
        assert url.startswith("mongodb://127.0.0.1:")
        assert (data_dir / "nx.log").is_file()
