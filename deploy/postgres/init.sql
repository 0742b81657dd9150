-- One database per service that owns data (services.registry.DATABASES): no service
-- reads another's database. Run once by the postgres image on an empty data directory, as
-- POSTGRES_USER, which therefore owns them.
CREATE DATABASE orgs;
CREATE DATABASE people;
CREATE DATABASE knowledge;
CREATE DATABASE reporting;
CREATE DATABASE gateway;
