#!/bin/sh
# new-root.sh DEST -- copies the harness WHMCS root (www/) to DEST.
# DEST must not exist, be empty, or be an earlier harness root (it is then replaced).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
dest=$1
src=$(cd "$(dirname "$0")/../www" && pwd)
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
    [ -f "$dest/init.php" ] || { echo "$dest exists and is not a harness root; refusing to replace it" >&2; exit 1; }
    rm -rf "$dest"
fi
mkdir -p "$dest"
cp -R "$src/." "$dest/"
echo "$(cd "$dest" && pwd)"
