#!/usr/bin/env bash
# Usage: source scripts/db-env.sh
# Exports DB_HOST DB_PORT DB_USER DB_PASS for a MariaDB the tests and the demo
# may create databases in: the one on 127.0.0.1:3306 (root, empty password) if
# it answers, otherwise a throwaway instance under .run/mariadb, stopped again
# when the calling shell exits.
ipm_root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if mariadb --no-defaults -h127.0.0.1 -P3306 -uroot --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1; then
  export DB_HOST=127.0.0.1 DB_PORT=3306 DB_USER=root DB_PASS=
else
  ipm_db_port=$("$ipm_root_dir/scripts/mariadb-throwaway.sh" start "$ipm_root_dir/.run/mariadb") || exit 1
  export DB_HOST=127.0.0.1 DB_PORT=$ipm_db_port DB_USER=ipmanager DB_PASS=ipmanager-test
  trap '"$ipm_root_dir/scripts/mariadb-throwaway.sh" stop "$ipm_root_dir/.run/mariadb"' EXIT
  echo "No MariaDB on 127.0.0.1:3306: started a throwaway one on port $ipm_db_port (stopped on exit)." >&2
fi
