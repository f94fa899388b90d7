#!/usr/bin/env bash
# test.sh [all|rust|php|browser] — the whole suite, or one part of it.
# Uses the MariaDB on 127.0.0.1:3306 if it answers, otherwise a throwaway one.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$root_dir"
suite=${1:-all}
logs="$root_dir/.run/test-logs"
rm -rf "$logs"; mkdir -p "$logs"

# shellcheck source=scripts/db-env.sh
source scripts/db-env.sh

passed=0; failed=0; status=0
sum() { # log regex: adds up the numbers in the lines matching regex
  { grep -E -o "$2" "$1" || true; } | { grep -E -o '[0-9]+' || true; } | awk '{s+=$1} END {print s+0}'
}
count() { # name log passed-regex failed-regex
  passed=$((passed + $(sum "$2" "$3"))); failed=$((failed + $(sum "$2" "$4")))
}
run() { # name command...
  local name=$1; shift
  echo "=== $name"
  if "$@" 2>&1 | tee "$logs/$name.log"; then :; else status=1; echo "=== $name FAILED"; fi
}

if [ "$suite" != rust ]; then
  echo "=== building the extension (release, with fault injection for the tests)"
  cargo build --release --features fault-injection
  export IPMANAGER_SO="$root_dir/target/release/libipmanager.so"
fi

if [ "$suite" = all ] || [ "$suite" = rust ]; then
  run rust cargo test --no-default-features
  count rust "$logs/rust.log" '[0-9]+ passed' '[0-9]+ failed'
fi

if [ "$suite" = all ] || [ "$suite" = php ]; then
  run harness tests/harness/run-tests.sh
  run phpunit phpunit -c tests/php/phpunit.xml
  for log in harness phpunit; do
    if grep -qE '^OK \(' "$logs/$log.log"; then
      count "$log" "$logs/$log.log" '^OK \([0-9]+ test' 'x^'
    else
      count "$log" "$logs/$log.log" '^Tests: [0-9]+' '(Failures|Errors): [0-9]+'
      # phpunit's "Tests: N" counts failures too
      passed=$((passed - $(sum "$logs/$log.log" '(Failures|Errors): [0-9]+')))
    fi
  done
fi

if [ "$suite" = all ] || [ "$suite" = browser ]; then
  run browser node --test --test-concurrency=1 tests/browser/
  count browser "$logs/browser.log" '^# pass [0-9]+' '^# fail [0-9]+'
fi

echo
echo "suite: $passed passed, $failed failed"
exit $status
