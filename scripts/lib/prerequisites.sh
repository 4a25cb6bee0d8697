# Sourced by scripts/pibuild and scripts/test.sh: makes sure the tools pibuild drives are here.
# As root on Debian/Ubuntu it installs what is missing; otherwise it says what to install.

pibuild_missing_packages() {
  local missing=()
  command -v go >/dev/null 2>&1 || missing+=(golang-go)
  { command -v qemu-arm-static || command -v qemu-arm; } >/dev/null 2>&1 || missing+=(qemu-user-static)
  if [ "${PIBUILD_TEST_TOOLS:-}" = 1 ]; then
    # What the tests drive besides go and qemu: archivers for hostile and realistic tarballs, dash for
    # the bootstrap script, git for releases, kill for Ctrl-C.
    command -v bzip2 >/dev/null 2>&1 || missing+=(bzip2)
    command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
    command -v dash >/dev/null 2>&1 || missing+=(dash)
    command -v git >/dev/null 2>&1 || missing+=(git)
    [ -x /bin/kill ] || [ -x /usr/bin/kill ] || missing+=(procps)
  fi
  echo "${missing[@]}"
}

# ensure_prerequisites [required]: with "required", a missing tool that cannot be installed is fatal.
ensure_prerequisites() {
  local required=${1:-}
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "pibuild: the .NET SDK is not installed; install dotnet-sdk-10.0 (see https://learn.microsoft.com/dotnet/core/install/linux)" >&2
    exit 2
  fi
  local missing
  missing=$(pibuild_missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "pibuild: installing $missing (apt-get)" >&2
    # The package lists of a fresh machine are empty or stale: update once before installing.
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 </dev/null || {
        echo "pibuild: installing $missing failed; run: apt-get install -y $missing" >&2
        exit 2
      }
  elif [ "$required" = required ]; then
    echo "pibuild: missing $missing; install it: sudo apt-get install -y $missing" >&2
    exit 2
  else
    echo "pibuild: note: $missing not installed; install it: sudo apt-get install -y $missing" >&2
  fi
}
