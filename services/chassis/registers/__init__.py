"""The register kit: what every register (orgs, people, knowledge) is built from, so that a
register's own code is only what is about its records.

- `commands`: the shape of every command (idempotency, decide, append, result);
- `readmodel`: the read model kept in the append's transaction (insert new rows, update others);
- `importing` and `staging`: the service's side of spreadsheet imports (check, stage, write);
- `search`: Thai text search over a register's names (SQLite FTS5 trigram, PostgreSQL pg_trgm);
- `duplicates` and `names`: name keys and duplicate-candidate grouping;
- `sheets` and `pipeline`: spreadsheet files, and the caller's side of an import.

Framework-free: SQLAlchemy, marshmallow, openpyxl and eventlet, never nameko."""
