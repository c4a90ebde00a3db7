#!/usr/bin/env bash
# Installs PostGIS for the system's PostgreSQL when it is missing, so that the
# PostGIS store's tests can run: atlas/pgstore/pgtest starts a throwaway
# cluster with the system's initdb/pg_ctl and needs the extension's files.
# Idempotent; prints what it did. Without root or apt-get it only says what
# to install (the PostGIS tests then skip, or fail when CI=true).
set -euo pipefail

# The newest installed server version, else Debian 12's default.
major=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | awk -F/ '{print $5}' | sort -n | tail -1)
major=${major:-15}
pkg="postgresql-${major}-postgis-3"
control="/usr/share/postgresql/${major}/extension/postgis.control"

if [ -f "$control" ]; then
	echo "install-postgis: PostGIS already installed for PostgreSQL ${major}"
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-postgis: PostGIS missing for PostgreSQL ${major}; install it with: sudo apt-get install -y ${pkg}"
	exit 0
fi
echo "install-postgis: installing ${pkg}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkg}" >/dev/null
if [ ! -f "$control" ]; then
	echo "install-postgis: ${pkg} installed but ${control} is missing" >&2
	exit 1
fi
echo "install-postgis: installed ${pkg}"
