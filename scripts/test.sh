#!/usr/bin/env bash
# Runs every test project: fast specs and the integration tests (real go, real qemu-user, HTTP on loopback).
# On a fresh Debian/Ubuntu machine it first installs what the tests drive (as root), or says what to install.
# The last line is "N passed, N failed".
set -uo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"
# shellcheck source=lib/prerequisites.sh
. scripts/lib/prerequisites.sh
PIBUILD_TEST_TOOLS=1 ensure_prerequisites required
pibuild_fetch_test_debs
pibuild_register_binfmt

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A hung test is killed and reported instead of stalling CI.
dotnet test PiBuild.sln --nologo --blame-hang-timeout 45m "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
expected=2

# The build, verify, test, release and layout tests once more with the newest Go (its go builds them instead of Debian's
# 1.19), so a Go release that changes build info or go test -json is caught. Skipped when arguments narrow the run.
if [ $# -eq 0 ] && [ "$status" -eq 0 ]; then
  newest=/usr/lib/go-${PIBUILD_TEST_GO_RELEASES##* }/bin/go
  echo "test.sh: the build tests again with $("$newest" version)"
  PIBUILD_TEST_GO=$newest dotnet test tests/PiBuild.IntegrationTests --no-build --nologo --blame-hang-timeout 45m \
    --filter "FullyQualifiedName~.Cross.|FullyQualifiedName~.Testing.|FullyQualifiedName~.Releases.|FullyQualifiedName~.Layout." 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
  expected=3
fi

# Each test assembly prints one summary: "Passed!  - Failed: 0, Passed: 42, Skipped: 0, Total: 42, ...".
read -r passed failed skipped < <(sed -nE 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+),.*/\2 \1 \3/p' "$log" |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
assemblies=$(grep -cE '(Passed|Failed)! +- Failed:' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before the tests could report: count that as a failure.
  failed=1
fi
if [ "$assemblies" -lt "$expected" ] && [ "$status" -eq 0 ]; then
  echo "test.sh: expected $expected test runs to report, saw $assemblies" >&2
  failed=$((failed + 1))
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
