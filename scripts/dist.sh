#!/usr/bin/env bash
# Builds dist/ipmanager/ (addon folder, extension, ini, stubs, INSTALL.md) and
# a versioned tarball beside it. The package never contains fault injection.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$root_dir"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cargo build --release
out=dist/ipmanager
rm -rf "$out"; mkdir -p "$out"
scripts/install-addon.sh "$out"
cp target/release/libipmanager.so "$out/ipmanager.so"
php -n -d extension="$root_dir/target/release/libipmanager.so" scripts/stubs.php > "$out/ipmanager.stubs.php"
cat > "$out/ipmanager.ini" <<'INI'
; IP Manager for WHMCS — the ipmanager PHP extension.
extension=ipmanager
; How long one database operation may take before it is abandoned (milliseconds).
;ipmanager.timeout_ms = 20000
INI
cp php-shim/INSTALL.md "$out/INSTALL.md"
php_tag=$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION, PHP_ZTS ? "-zts" : "";')
tarball="dist/ipmanager-$version-php$php_tag-$(uname -m).tar.gz"
tar -czf "$tarball" -C dist ipmanager
echo "dist: $out and $tarball"
