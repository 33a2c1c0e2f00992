#!/bin/sh
# Install the Debian packages samen needs.
#   scripts/deps.sh PKG...              install all listed packages
#   scripts/deps.sh --if-missing PKG... install only those not installed yet (no-op when all are there)
# Uses apt-get as root, sudo otherwise; says which packages to install when neither works.
set -e
only_missing=0
if [ "$1" = "--if-missing" ]; then only_missing=1; shift; fi
missing=""
for p in "$@"; do
    if [ $only_missing -eq 1 ] && dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        continue
    fi
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "samen: installing Debian packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"
else
    echo "samen: cannot install packages (not root, no sudo). Please run as root:" >&2
    echo "    apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists once if they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
    $SUDO apt-get update -qq
fi
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
