#!/usr/bin/env bash
# Checks that the Swift toolchain is on PATH and installs the Debian packages named as arguments
# that are not installed yet.
#
#   scripts/install-deps.sh [PACKAGE...]
#
# The Makefile passes its RUN_PACKAGES or TEST_PACKAGES list; with no arguments only the
# toolchain is checked. As root, missing packages are installed (`apt-get update` once, then
# `apt-get install -y --no-install-recommends`); otherwise the script names them, prints the
# command to run and exits non-zero.
set -euo pipefail

say() { printf 'install-deps: %s\n' "$*" >&2; }

if ! command -v swift >/dev/null 2>&1; then
    say "'swift' is not on PATH. SwiftSIP needs the Swift 6.3 toolchain for Linux"
    say "(https://www.swift.org/install/linux/, Debian 12 build, or 'swiftly install 6.3')."
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        say "A toolchain is installed at /opt/swift: run  export PATH=/opt/swift/usr/bin:\$PATH"
    else
        say "Unpack it and put its usr/bin on PATH, e.g.  export PATH=/opt/swift/usr/bin:\$PATH"
    fi
    exit 1
fi

(($# > 0)) || exit 0

if ! command -v dpkg-query >/dev/null 2>&1; then
    say "this is not a Debian-based system (no dpkg-query); install the equivalents of: $*"
    exit 1
fi

missing=()
for package in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$package")
done
((${#missing[@]} > 0)) || exit 0

if [[ $(id -u) -ne 0 ]]; then
    say "missing Debian packages: ${missing[*]}"
    say "install them with:"
    say "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
fi

say "installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -q </dev/null; then
    say "'apt-get update' failed; trying to install from the package lists already present"
fi
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null; then
    say "could not install: ${missing[*]}"
    exit 1
fi
