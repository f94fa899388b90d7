#!/bin/sh
# run-tests.sh [phpunit arguments] -- runs the harness's own PHPUnit tests against a throwaway
# database "harness_test_<pid>" on HARNESS_DB_HOST:HARNESS_DB_PORT (default 127.0.0.1:3306,
# user root, empty password; override with HARNESS_DB_USER / HARNESS_DB_PASS). The database,
# and any harness_test_<pid>_* database a test made, is dropped afterwards.
set -eu
cd "$(dirname "$0")"

export HARNESS_DB_HOST="${HARNESS_DB_HOST:-127.0.0.1}"
export HARNESS_DB_PORT="${HARNESS_DB_PORT:-3306}"
export HARNESS_DB_USER="${HARNESS_DB_USER:-root}"
export HARNESS_DB_PASS="${HARNESS_DB_PASS:-}"
export HARNESS_DB_NAME="harness_test_$$"

php tests/support/testdb.php create
trap 'php tests/support/testdb.php drop' EXIT
trap 'exit 130' INT TERM
phpunit -c phpunit.xml "$@"
