#!/usr/bin/env bash
# Prints the home of a JDK 25 (or newer), or nothing. Order: $JAVA_HOME, /usr/lib/jvm, the java on PATH.
set -u
major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1; }
ok() { [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && v=$(major "$1") && [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; }
candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
for d in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [ -d "$d" ] && candidates+=("$d")
done
if command -v javac >/dev/null 2>&1; then candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"); fi
for c in "${candidates[@]}"; do
  if ok "$c"; then echo "$c"; exit 0; fi
done
exit 0
