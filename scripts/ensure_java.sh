#!/usr/bin/env bash
# Makes sure a Java runtime of version 17 or later is on PATH for the in-process Spark target
# (pyspark 4 needs Java 17+). Quiet when it is there; installs Debian's openjdk-17-jre-headless
# with apt-get otherwise (as root), and fails loudly when it cannot: the Spark leg is never skipped.
set -euo pipefail

fail() {
    echo "ensure_java: ERROR: $*" >&2
    echo "ensure_java: the spark target needs Java 17 or later: apt-get install -y openjdk-17-jre-headless" >&2
    exit 1
}

java_major() {
    java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}

if ! command -v java >/dev/null 2>&1 || [[ "$(java_major)" -lt 17 ]]; then
    [[ "$(id -u)" -eq 0 ]] || fail "no Java 17+ on PATH, and this user is not root"
    command -v apt-get >/dev/null 2>&1 || fail "no Java 17+ on PATH, and apt-get is not available"
    echo "ensure_java: installing Debian's openjdk-17-jre-headless ..." >&2
    log=$(mktemp)
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
           openjdk-17-jre-headless; } >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        fail "apt-get could not install openjdk-17-jre-headless (output above)"
    fi
    rm -f "$log"
    command -v java >/dev/null 2>&1 || fail "apt-get finished but java is still not on PATH"
fi
echo "java $(java_major) at $(command -v java)"
