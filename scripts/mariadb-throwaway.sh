#!/usr/bin/env bash
# mariadb-throwaway.sh start DIR [PORT] | stop DIR
# A private MariaDB on 127.0.0.1 with its data under DIR. `start` prints the
# port; user ipmanager / ipmanager-test may do anything. `stop` waits for exit.
set -euo pipefail
cmd=${1:?start or stop}; dir=${2:?directory}

stop() {
  local pid; pid=$(cat "$dir/server.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
}

if [ "$cmd" = stop ]; then stop; exit 0; fi

port=${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
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
if ! mariadb-admin --defaults-file="$dir/my.cnf" -uroot ping >/dev/null 2>&1; then
  echo "MariaDB did not start; see $dir/error.log" >&2; stop; exit 1
fi
mariadb --defaults-file="$dir/my.cnf" -uroot <<SQL
CREATE USER IF NOT EXISTS 'ipmanager'@'127.0.0.1' IDENTIFIED BY 'ipmanager-test';
GRANT ALL PRIVILEGES ON *.* TO 'ipmanager'@'127.0.0.1' WITH GRANT OPTION;
SQL
echo "$port"
