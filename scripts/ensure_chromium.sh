#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (tests/python/browser.py).
# Idempotent: quiet when it is already there. Installs with apt-get otherwise (needs root, or sudo
# without a password), and fails loudly when it cannot: the browser tests must never be skipped silently.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

fail() {
    echo "ensure_chromium: ERROR: $*" >&2
    echo "ensure_chromium: the report browser tests need Debian's 'chromium' package at $CHROMIUM." >&2
    echo "ensure_chromium: install it by hand: apt-get update && apt-get install -y --no-install-recommends chromium" >&2
    exit 1
}

if [[ ! -x "$CHROMIUM" ]]; then
    command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and apt-get is not available on this machine"
    if [[ "$(id -u)" -eq 0 ]]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        fail "$CHROMIUM is missing and this user ($(id -un)) is not root and has no password-less sudo"
    fi
    echo "ensure_chromium: $CHROMIUM missing, installing Debian's chromium package..." >&2
    log=$(mktemp)
    export DEBIAN_FRONTEND=noninteractive
    if ! { "${SUDO[@]}" apt-get update -q \
           && "${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium; } >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        fail "apt-get could not install chromium (output above)"
    fi
    rm -f "$log"
    [[ -x "$CHROMIUM" ]] || fail "apt-get finished but $CHROMIUM is still missing"
fi

version=$("$CHROMIUM" --version 2>/dev/null) || fail "$CHROMIUM is there but '$CHROMIUM --version' failed"
echo "$version"
