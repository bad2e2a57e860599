#!/bin/sh
# One-shot: creates Temporal's two databases (temporal, temporal_visibility) and brings their schemas to the version
# this admin-tools image ships. Safe to run again: `create` fails harmlessly when the database exists, and
# update-schema only applies missing versions. Runs before every `docker compose up`, so an image upgrade migrates.
set -eu

: "${TEMPORAL_DB_HOST:=temporal-db}"
: "${TEMPORAL_DB_PORT:=5432}"
: "${TEMPORAL_DB_USER:=temporal}"
SCHEMA=/etc/temporal/schema/postgresql/v12

echo "waiting for ${TEMPORAL_DB_HOST}:${TEMPORAL_DB_PORT}"
until nc -z -w 5 "$TEMPORAL_DB_HOST" "$TEMPORAL_DB_PORT"; do sleep 1; done

tool() {
  # SQL_PASSWORD is read from the environment by temporal-sql-tool.
  temporal-sql-tool --plugin postgres12 --ep "$TEMPORAL_DB_HOST" -p "$TEMPORAL_DB_PORT" -u "$TEMPORAL_DB_USER" "$@"
}

for db in temporal temporal_visibility; do
  tool --db "$db" create || echo "database $db already exists"
done
tool --db temporal setup-schema -v 0.0
tool --db temporal update-schema -d "$SCHEMA/temporal/versioned"
tool --db temporal_visibility setup-schema -v 0.0
tool --db temporal_visibility update-schema -d "$SCHEMA/visibility/versioned"
echo "temporal schemas are up to date"
