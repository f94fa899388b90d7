#!/usr/bin/env bash
# The WHMCS-compatible harness with IP Manager and sample data on
# http://127.0.0.1:${PORT:-8080}. Ctrl-C stops everything it started.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$root_dir"
port=${PORT:-8080}
# shellcheck source=scripts/db-env.sh
source scripts/db-env.sh
cargo build --release
so="$root_dir/target/release/libipmanager.so"
www="$root_dir/.run/demo/www"
db=ipmanager_demo

tests/harness/bin/new-root.sh "$www" >/dev/null
scripts/install-addon.sh "$www"
php tests/harness/bin/configure.php --root="$www" --db-host="$DB_HOST" --db-port="$DB_PORT" --db-user="$DB_USER" \
  --db-pass="$DB_PASS" --db-name="$db" --system-url="http://127.0.0.1:$port/" --create-db --fresh >/dev/null
php -d extension="$so" tests/harness/bin/addon.php --root="$www" activate ipmanager
php tests/harness/bin/seed.php --root="$www" --clients=25 --services=60 >/dev/null
php -d extension="$so" scripts/demo-data.php "$www"

if ! python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)) == 0)"; then
  echo "Port $port is taken; run PORT=8081 make demo" >&2
  exit 1
fi
php -d extension="$so" -S "127.0.0.1:$port" -t "$www" > "$root_dir/.run/demo/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' INT TERM
cat <<MSG

IP Manager demo is running (log: .run/demo/server.log)
  Admin area:  http://127.0.0.1:$port/admin/addonmodules.php?module=ipmanager   (admin / admin)
  Client area: http://127.0.0.1:$port/index.php?m=ipmanager                     (client@example.test / client)
  Cron script: (cd $www && php -d extension=$so modules/addons/ipmanager/cron/usage_alerts.php --help)
  WHMCS cron:  (cd $www && php -d extension=$so -q crons/cron.php)   emails land in the harness_emails table
Press Ctrl-C to stop.
MSG
wait "$server" || true
echo "Demo stopped."
