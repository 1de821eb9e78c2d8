#!/usr/bin/env bash
# Runs every test project (unit, integration on SQLite and PostgreSQL, browser) and ends with "N passed, N failed".
# Installs what the tests need from the OS when it is missing: Chromium (browser tests) and PostgreSQL.
# The test projects run one after the other: each alone keeps both cores busy (the integration project 1.84 of 2 on
# average, the browser project 1.77), and side by side they took 16 % more CPU between them (waits that poll, a busier
# scheduler) — 621 s together against 340 s + 204 s apart (docs/performance.md, eighth pass).
set -uo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
need_apt=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-headless-shell >/dev/null 2>&1; then need_apt+=(chromium-headless-shell); fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then need_apt+=(postgresql); fi
if ! command -v pg_dump >/dev/null 2>&1; then need_apt+=(postgresql-client); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing from the OS: ${need_apt[*]}"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# The browser tests prefer Chromium's headless shell (the same engine without the browser's windows and profile
# services: 9 % less CPU for the browser project). Where only the full Chromium is installed, the shell is added if the
# package lists have it; if that fails the tests use the full Chromium.
if ! command -v chromium-headless-shell >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium-headless-shell >/dev/null 2>&1 \
    || echo "chromium-headless-shell could not be installed; the browser tests use chromium"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Dynamic PGO off for everything this script starts (the compiler server above all): on a cold start the compiler, its
# analyzers and the Razor generator are JIT-compiled, and PGO's instrumented tier made that dearer. A clean clone's build
# took 118–139 s with it and 81–92 s without (docs/performance.md, thirteenth pass). The test processes already run
# without it (their project files); the app's own runtime settings are unchanged.
export DOTNET_TieredPGO=0
# One compiler process for the whole build (an environment may switch it off with UseSharedCompilation=false): each
# project's compile then reuses the compiler already started and warmed up instead of starting one of its own — on this
# 2-core machine the build took 106 s instead of 161 s. It is stopped once the build is done (nothing else compiles).
if ! dotnet build Amparo.slnx -c Release -nologo -v q -clp:ErrorsOnly -p:UseSharedCompilation=true; then
  dotnet build-server shutdown >/dev/null 2>&1
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
dotnet build-server shutdown >/dev/null 2>&1

logs=$(mktemp -d)
# Temporary files (the tests' SQLite databases, the PostgreSQL cluster, browser profiles) go to memory when there is
# room: SQLite commits with synchronous=FULL wait for a disk flush each, and the suite waited on thousands of them
# (it used about one core of two). The app's settings are unchanged; a SIGKILL (the crash test) loses nothing that
# the OS already holds, in memory or on disk.
scratch=""
if [ -z "${AMPARO_TEST_ON_DISK:-}" ] && [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 4000000 ]; then
  scratch=$(mktemp -d /dev/shm/amparo-tests.XXXXXX) && chmod 1777 "$scratch" # PostgreSQL runs as its own user
  export TMPDIR="$scratch"
fi
trap 'rm -rf "$logs" ${scratch:+"$scratch"}' EXIT
projects=()
for project in tests/Amparo.Tests tests/Amparo.BrowserTests; do
  [ -d "$project" ] || continue
  projects+=("$project")
  name=$(basename "$project")
  SECONDS=0
  dotnet test --project "$project" -c Release --no-build >"$logs/$name.log" 2>&1
  echo $? >"$logs/$name.rc"
  echo "$SECONDS" >"$logs/$name.seconds"
done

passed=0; failed=0; status=0
for project in "${projects[@]}"; do
  name=$(basename "$project")
  log="$logs/$name.log"
  rc=$(cat "$logs/$name.rc")
  echo "== $project ($(cat "$logs/$name.seconds") s)"
  # A failed test's name, its message (up to 40 lines: an assertion's message says what the user would have seen),
  # and the project's own frames of its stack; then the counts.
  awk '/^failed / { msg = 1; n = 0; print; next }
       msg && /^[[:space:]]+(at |Stack Trace:)/ { msg = 0 }
       msg && n < 40 { print; n++; next }
       /^  (total|failed|succeeded|skipped):|Exception:|^[[:space:]]+at Amparo\.|^[[:space:]]+app (warning|error)/' "$log" | head -400
  p=$(grep -E "^\s+succeeded:" "$log" | awk '{s+=$2} END {print s+0}')
  f=$(grep -E "^\s+failed:" "$log" | awk '{s+=$2} END {print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$project: the test run itself failed (exit $rc)"; tail -40 "$log"; fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$rc" -ne 0 ] && status=1
done

echo "$passed passed, $failed failed"
exit $status
