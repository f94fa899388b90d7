#!/usr/bin/env bash
# install-addon.sh WHMCS_ROOT — copies the addon (shim, lang, templates) into
# WHMCS_ROOT/modules/addons/ipmanager, the layout a real installation has.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?WHMCS root}/modules/addons/ipmanager
rm -rf "$dest"
mkdir -p "$dest"
cp -R "$root_dir/php-shim/modules/addons/ipmanager/." "$dest/"
cp -R "$root_dir/templates" "$dest/templates"
