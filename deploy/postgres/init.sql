-- One database per service that owns data (services.registry.DATABASES): no service
-- reads another's database. Run once by the postgres image on an empty data directory, as
-- POSTGRES_USER, which therefore owns them.
CREATE DATABASE orgs;
CREATE DATABASE people;
CREATE DATABASE knowledge;
CREATE DATABASE reporting;
CREATE DATABASE gateway;
-- The people register's key store (services.registry.KEY_STORES, PEOPLE_KEYS_DATABASE_URL):
-- its wrapped data keys and erasure ledger, apart from its event database. One host only:
-- back it up with its own pg_dump, never in the dumps (or a volume copy) of `people`; in
-- production it lives on a server of its own (deploy/README.md).
CREATE DATABASE people_keys;
