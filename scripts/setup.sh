#!/usr/bin/env bash
# Installs what building, testing and the demo need on Debian 12. Idempotent:
# packages already present are not reinstalled.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  php8.2-cli php8.2-dev php8.2-fpm php8.2-mysql php8.2-mbstring php8.2-xml php8.2-curl
  libclang-dev clang pkg-config mariadb-server mariadb-client
  smarty3 smarty4 php-illuminate-database phpunit
  chromium libfcgi-bin libjs-bootstrap libjs-bootstrap4 libjs-jquery fonts-font-awesome
  python3-aiosmtpd curl git make
)
# A Node.js from another source ships its own npm, which Debian's npm conflicts with.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian 12's own rustc (1.63) is too old for the dependencies; rustup's stable is needed.
if ! command -v cargo >/dev/null 2>&1 || [ "$(rustc --version | sed -E 's/rustc 1\.([0-9]+).*/\1/')" -lt 85 ]; then
  echo "Rust 1.85 or newer is needed: install it with rustup (https://rustup.rs), then run make setup again." >&2
  exit 1
fi

# playwright-core drives Debian's chromium; it never downloads a browser.
if [ ! -d "$root_dir/tests/browser/node_modules/playwright-core" ]; then
  (cd "$root_dir/tests/browser" && npm install --no-audit --no-fund)
fi
echo "setup: everything is installed."
