#!/usr/bin/env bash
# bench.sh [NAME...] — benchmarks; every figure is printed. Run on a quiet
# machine and record the figures in README.md with the machine they came from.
# With names (allocate, store, next_free, ...: the scripts in tests/bench/),
# only those run. The extension is built in $CARGO_TARGET_DIR (default target/).
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$root_dir"
# shellcheck source=scripts/db-env.sh
source scripts/db-env.sh
cargo build --release --features fault-injection --quiet
so="${CARGO_TARGET_DIR:-$root_dir/target}/release/libipmanager.so"
php_ext=(php -d extension="$so")

db=ipm_bench_$$
mariadb --no-defaults -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${DB_PASS:+-p"$DB_PASS"} \
  -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.tbladdonmodules (id INT AUTO_INCREMENT PRIMARY KEY, module VARCHAR(64), setting VARCHAR(64), value TEXT)"
cleanup_db() { mariadb --no-defaults -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${DB_PASS:+-p"$DB_PASS"} -e "DROP DATABASE IF EXISTS $db" || true; }
trap 'cleanup_db' EXIT
"${php_ext[@]}" -r "ipmanager_connect(['db_host'=>'$DB_HOST','db_port'=>'$DB_PORT','db_username'=>'$DB_USER','db_password'=>'$DB_PASS','db_name'=>'$db']); ipmanager_module_activate(['system'=>'system']);" >/dev/null

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
selected="$*"
# The allocator's targets from the issue, each measured value next to its
# target. Every script but roundtrip creates and drops its own database; the
# worker processes they start load the extension named by IPMANAGER_SO.
export IPMANAGER_SO="$so"
bench() { # name title [arguments...]
  local name=$1 title=$2; shift 2
  if [ -z "$selected" ] || [[ " $selected " == *" $name "* ]]; then
    echo "== $title"
    "${php_ext[@]}" "tests/bench/$name.php" "$@"
  fi
}
bench calls "per-call overhead (1,000,000 calls, best of 3)"
bench roundtrip "database round trip (5,000 interleaved samples)" "$DB_HOST" "$DB_PORT" "$DB_USER" "$DB_PASS" "$db"
bench allocate "allocation: ipmanager_allocate() against the same transaction in PDO"
bench store "storing a /16 (Store free IPs)"
bench next_free "next free address: IPv6 /48 with 100,000 used against an IPv4 /24"
bench subnet_page "subnet page of a stored /16"
bench export "export of 1,000,000 addresses in each format, streamed (time and memory)"
bench import "import of 100,000 addresses in one transaction"
bench sync "synchronize 100,000 services (seeded harness root) through ipmanager_sync_batch"
bench provision "PreModuleCreate end to end through the harness (hook, allocation, write-back, server module)"
