#!/usr/bin/env bash
# Usage: source scripts/db-env.sh
# Exports DB_HOST DB_PORT DB_USER DB_PASS for a MariaDB the tests and the demo
# may create databases in: the one on 127.0.0.1:3306 (root, empty password) if
# it answers, otherwise a throwaway instance under .run/mariadb on a free port,
# stopped again when the calling shell exits.
set -euo pipefail
root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if mariadb --no-defaults -h127.0.0.1 -P3306 -uroot --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1; then
  export DB_HOST=127.0.0.1 DB_PORT=3306 DB_USER=root DB_PASS=
  return 0 2>/dev/null || exit 0
fi

dir="$root_dir/.run/mariadb"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$dir"
cat > "$dir/my.cnf" <<CNF
[mariadbd]
datadir=$dir/data
socket=$dir/mysqld.sock
pid-file=$dir/mysqld.pid
log-error=$dir/error.log
port=$port
bind-address=127.0.0.1
skip-name-resolve
skip-log-bin
innodb-buffer-pool-size=256M
innodb-log-file-size=64M
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
max-connections=300
$( [ "$(id -u)" = 0 ] && echo user=root )
[client]
socket=$dir/mysqld.sock
CNF
if [ ! -d "$dir/data/mysql" ]; then
  mariadb-install-db --defaults-file="$dir/my.cnf" --auth-root-authentication-method=socket --skip-test-db \
    > "$dir/install.log" 2>&1
fi
mariadbd --defaults-file="$dir/my.cnf" > "$dir/stdout.log" 2>&1 &
echo $! > "$dir/server.pid"
for _ in $(seq 1 300); do
  mariadb-admin --defaults-file="$dir/my.cnf" -uroot ping >/dev/null 2>&1 && break
  sleep 0.1
done
mariadb-admin --defaults-file="$dir/my.cnf" -uroot ping >/dev/null 2>&1 || { echo "MariaDB did not start; see $dir/error.log" >&2; exit 1; }
mariadb --defaults-file="$dir/my.cnf" -uroot <<SQL
CREATE USER IF NOT EXISTS 'ipmanager'@'127.0.0.1' IDENTIFIED BY 'ipmanager-test';
GRANT ALL PRIVILEGES ON *.* TO 'ipmanager'@'127.0.0.1' WITH GRANT OPTION;
SQL
export DB_HOST=127.0.0.1 DB_PORT=$port DB_USER=ipmanager DB_PASS=ipmanager-test
ipm_stop_mariadb() {
  local pid; pid=$(cat "$dir/server.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}
trap ipm_stop_mariadb EXIT
echo "Started a throwaway MariaDB on 127.0.0.1:$port (stopped on exit)." >&2
