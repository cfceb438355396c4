-- The platform's two database roles (docs/operations.md, "Database roles"). Run once, as a
-- superuser, in the platform's database, with psql variables owner_password and app_password:
--   psql -v ON_ERROR_STOP=1 -v owner_password=... -v app_password=... -d ssj -f roles.sql
-- docker-compose.yml runs it from init-roles.sh; platform_site/embedded.py runs it too.
--
-- ssj_owner owns the database, runs the migrations and owns the append-only tables (the audit
-- trail and the draw logs). ssj_app is the application (web, worker, beat): not a superuser, and
-- `manage.py migrate` hands it every ordinary table and only SELECT and INSERT on the append-only
-- ones. ssj_owner is a member of ssj_app so that migrations may alter ssj_app's tables; never the
-- other way round.
CREATE ROLE ssj_app LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE ssj_owner LOGIN PASSWORD :'owner_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
GRANT ssj_app TO ssj_owner;

-- The database and (PostgreSQL 15+: through pg_database_owner) its public schema belong to the
-- owner: whoever owns the schema could drop it with every table in it.
SELECT format('ALTER DATABASE %I OWNER TO ssj_owner', current_database()) \gexec
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"DBNAME" TO ssj_app;
