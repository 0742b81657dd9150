"""The kit for personal data (DESIGN §2b): values sealed field by field with a key per data
subject (`sealing`), keys wrapped by a master key in a key store apart from the event
database, with the erasure ledger and its fence (`keystore`), and blind indexes for exact
look-ups (`sealing.BlindIndex`). Framework-free but for the key store's SQLAlchemy tables."""
