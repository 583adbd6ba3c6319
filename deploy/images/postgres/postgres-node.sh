#!/bin/bash
# Starts PostgreSQL on $PGDATA, port $PGPORT, listening on $POSTGRES_LISTEN (default: every address of its network). On first start it creates
# the cluster with the super user $POSTGRES_USER (password $POSTGRES_PASSWORD, checked with SCRAM) and the database
# $POSTGRES_DB. POSTGRES_FSYNC=off turns fsync off (throw-away test servers only).
set -euo pipefail
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pw=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pw"
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pw" -E UTF8 --locale=C --auth=scram-sha-256 >/dev/null
  rm -f "$pw"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    printf 'CREATE DATABASE "%s";\n' "$POSTGRES_DB" | postgres --single -D "$PGDATA" -j postgres >/dev/null
  fi
fi
exec postgres -D "$PGDATA" -p "$PGPORT" -c listen_addresses="${POSTGRES_LISTEN:-*}" -c unix_socket_directories=/var/run/postgresql \
  -c max_connections=200 -c fsync="${POSTGRES_FSYNC:-on}" -c synchronous_commit="${POSTGRES_SYNCHRONOUS_COMMIT:-on}"
