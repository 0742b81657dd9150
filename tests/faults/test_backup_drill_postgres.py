"""The backup drill of tests/system/test_backup_drill.py on PostgreSQL (pg_dump and
pg_restore): over 30 s on the shared 2-core machine, so a long run of `make test-faults`."""
from __future__ import annotations

from tests.support import running_system
from tests.system.test_backup_drill import drill


def test_the_backup_drill_on_postgresql(tmp_path):
    with running_system(tmp_path / "system", "postgres") as system:
        drill(system, tmp_path)
