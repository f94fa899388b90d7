#!/usr/bin/env bash
# Benchmarks; every figure is printed. Run on a quiet machine and record the
# figures in README.md with the machine they came from.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$root_dir"
# shellcheck source=scripts/db-env.sh
source scripts/db-env.sh
cargo build --release --features fault-injection --quiet
so="$root_dir/target/release/libipmanager.so"
php_ext=(php -d extension="$so")

db=ipm_bench_$$
mariadb --no-defaults -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${DB_PASS:+-p"$DB_PASS"} \
  -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.tbladdonmodules (id INT AUTO_INCREMENT PRIMARY KEY, module VARCHAR(64), setting VARCHAR(64), value TEXT)"
cleanup_db() { mariadb --no-defaults -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${DB_PASS:+-p"$DB_PASS"} -e "DROP DATABASE IF EXISTS $db" || true; }
trap 'cleanup_db' EXIT
"${php_ext[@]}" -r "ipmanager_connect(['db_host'=>'$DB_HOST','db_port'=>'$DB_PORT','db_username'=>'$DB_USER','db_password'=>'$DB_PASS','db_name'=>'$db']); ipmanager_module_activate(['system'=>'system']);" >/dev/null

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "== per-call overhead (1,000,000 calls, best of 3)"
"${php_ext[@]}" tests/bench/calls.php
echo "== database round trip (5,000 interleaved samples)"
"${php_ext[@]}" tests/bench/roundtrip.php "$DB_HOST" "$DB_PORT" "$DB_USER" "$DB_PASS" "$db"

# The allocator's targets from the issue, each measured value next to its
# target. Every script creates and drops its own database; the worker
# processes they start load the extension named by IPMANAGER_SO.
export IPMANAGER_SO="$so"
echo "== allocation: ipmanager_allocate() against the same transaction in PDO"
"${php_ext[@]}" tests/bench/allocate.php
echo "== storing a /16 (Store free IPs)"
"${php_ext[@]}" tests/bench/store.php
echo "== next free address: IPv6 /48 with 100,000 used against an IPv4 /24"
"${php_ext[@]}" tests/bench/next_free.php
echo "== subnet page of a stored /16"
"${php_ext[@]}" tests/bench/subnet_page.php
echo "== export of 1,000,000 addresses in each format, streamed (time and memory)"
"${php_ext[@]}" tests/bench/export.php
echo "== import of 100,000 addresses in one transaction"
"${php_ext[@]}" tests/bench/import.php
echo "== synchronize 100,000 services (seeded harness root) through ipmanager_sync_batch"
"${php_ext[@]}" tests/bench/sync.php
echo "== PreModuleCreate end to end through the harness (hook, allocation, write-back, server module)"
"${php_ext[@]}" tests/bench/provision.php
