# Sourced by scripts/pibuild and scripts/test.sh: makes sure the tools pibuild drives are here.
# As root on Debian/Ubuntu it installs what is missing; otherwise it says what to install.

# The Go releases the tests build with besides Debian's own 1.19: Debian ships them in bookworm-backports.
PIBUILD_TEST_GO_RELEASES="1.21 1.22 1.23"

pibuild_missing_packages() {
  local missing=()
  command -v go >/dev/null 2>&1 || missing+=(golang-go)
  { command -v qemu-arm-static && command -v qemu-aarch64-static; } >/dev/null 2>&1 || missing+=(qemu-user-static)
  if [ "${PIBUILD_TEST_TOOLS:-}" = 1 ]; then
    # What the tests drive besides go and qemu: archivers for hostile and realistic tarballs, dash for the bootstrap
    # script, git for releases, kill for Ctrl-C, script(1) for a terminal, newer Go releases, and the arm64 cross
    # toolchain, loader and clang that the Native AOT build for a 64-bit Pi needs.
    command -v bzip2 >/dev/null 2>&1 || missing+=(bzip2)
    command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
    command -v zstd >/dev/null 2>&1 || missing+=(zstd)
    command -v dash >/dev/null 2>&1 || missing+=(dash)
    command -v git >/dev/null 2>&1 || missing+=(git)
    command -v script >/dev/null 2>&1 || missing+=(bsdutils)
    [ -x /bin/kill ] || [ -x /usr/bin/kill ] || missing+=(procps)
    local release
    for release in $PIBUILD_TEST_GO_RELEASES; do
      [ -x "/usr/lib/go-$release/bin/go" ] || missing+=("golang-$release-go")
    done
    command -v clang >/dev/null 2>&1 || missing+=(clang)
    [ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
    command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libstdc++6-arm64-cross)
    [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || missing+=(libc6-arm64-cross)
    # Debian's armhf C toolchain: Go programs linked with its ARMv7 C library are what verify must refuse for a Pi 1.
    command -v arm-linux-gnueabihf-gcc >/dev/null 2>&1 || missing+=(gcc-arm-linux-gnueabihf)
    [ -e /usr/arm-linux-gnueabihf/lib/crt1.o ] || missing+=(libc6-dev-armhf-cross)
    # A C library from the board's architecture for the cgo tests: Debian's zlib through multiarch.
    [ -e /usr/lib/arm-linux-gnueabihf/libz.so ] || missing+=(zlib1g-dev:armhf)
    [ -e /usr/lib/aarch64-linux-gnu/libz.so ] || missing+=(zlib1g-dev:arm64)
    # The judges of pibuild's Debian packages: lintian, and deb-systemd-helper for their maintainer scripts.
    command -v lintian >/dev/null 2>&1 || missing+=(lintian)
    command -v deb-systemd-helper >/dev/null 2>&1 || missing+=(init-system-helpers)
    # A Pi in a box for --on: the OpenSSH client pibuild drives and a server the tests start on loopback.
    { command -v ssh && command -v ssh-keygen; } >/dev/null 2>&1 || missing+=(openssh-client)
    [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
    command -v sudo >/dev/null 2>&1 || missing+=(sudo)
    # Container images: a real OCI registry (CNCF distribution) on loopback, with htpasswd auth behind TLS made by
    # openssl, and two independent clients that pull, unpack and judge what pibuild pushes.
    command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
    command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
    command -v umoci >/dev/null 2>&1 || missing+=(umoci)
    # podman: the client whose pick of an index entry (linux/arm without a variant is v7) verify must agree with.
    command -v podman >/dev/null 2>&1 || missing+=(podman)
    command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    # A real project for pibuild layout: Debian's sftp sources, with what its tests import.
    [ -d /usr/share/gocode/src/github.com/pkg/sftp ] || missing+=(golang-github-pkg-sftp-dev)
    [ -d /usr/share/gocode/src/github.com/stretchr/testify ] || missing+=(golang-github-stretchr-testify-dev)
  fi
  echo "${missing[@]}"
}

# Newer Go releases come from bookworm-backports; add that suite when a golang-1.2x-go package is wanted.
pibuild_add_backports() {
  case " $1 " in *" golang-1."*) ;; *) return 0 ;; esac
  grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
  [ -r /etc/os-release ] && . /etc/os-release && [ "${VERSION_CODENAME:-}" = bookworm ] || return 0
  cat > /etc/apt/sources.list.d/pibuild-backports.sources <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
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
    pibuild_add_backports "$missing"
    # Packages of another architecture (zlib1g-dev:armhf) come through multiarch.
    local arch
    for arch in armhf arm64; do
      case " $missing " in *":$arch "*) dpkg --print-foreign-architectures | grep -qx "$arch" || dpkg --add-architecture "$arch" ;; esac
    done
    # The package lists of a fresh machine are empty or stale. A mirror caught mid-sync fails one index and
    # makes update exit non-zero although the rest was fetched: go on, and let install say what is missing.
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 ||
      echo "pibuild: apt-get update reported errors; installing from the lists it has" >&2
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

# Debian's busybox-static for armel (ARMv5TE code: runs on a Pi 1) and armhf (ARMv7): ELF files that are not Go
# programs, which verify must judge alike as files and inside images. Downloaded once (apt-get download), not installed.
PIBUILD_TEST_DEBS=${PIBUILD_TEST_DEBS:-/var/cache/pibuild-tests/debs}
export PIBUILD_TEST_DEBS
pibuild_fetch_test_debs() {
  local arch need=() added=
  for arch in armel armhf; do
    ls "$PIBUILD_TEST_DEBS"/busybox-static_*_"$arch".deb >/dev/null 2>&1 || need+=("$arch")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "pibuild: the verify tests need Debian's busybox-static for ${need[*]} in $PIBUILD_TEST_DEBS; as root, scripts/test.sh downloads them" >&2
    return 0
  fi
  for arch in "${need[@]}"; do
    dpkg --print-foreign-architectures | grep -qx "$arch" || { dpkg --add-architecture "$arch"; added=1; }
  done
  [ -z "$added" ] || DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
  mkdir -p "$PIBUILD_TEST_DEBS"
  for arch in "${need[@]}"; do
    (cd "$PIBUILD_TEST_DEBS" && apt-get download -qq "busybox-static:$arch" >&2) ||
      echo "pibuild: apt-get download busybox-static:$arch failed; the verify tests will say so" >&2
  done
}

# The SSH tests' "device" runs ARM programs as a Pi does, by exec: binfmt_misc hands them to qemu-user (F: the
# interpreter is opened now, so it works inside any root). Test machines only; nothing in pibuild needs it.
pibuild_register_binfmt() {
  local dir=/proc/sys/fs/binfmt_misc arch
  [ -e "$dir/qemu-arm" ] && [ -e "$dir/qemu-aarch64" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "pibuild: the SSH tests need qemu-user registered in binfmt_misc; as root: scripts/test.sh registers it" >&2
    return 0
  fi
  [ -e "$dir/register" ] || mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null || {
    echo "pibuild: cannot mount binfmt_misc at $dir; the SSH tests will say so" >&2
    return 0
  }
  for arch in arm aarch64; do
    [ -e "$dir/qemu-$arch" ] || [ ! -r "/usr/lib/binfmt.d/qemu-$arch.conf" ] ||
      cat "/usr/lib/binfmt.d/qemu-$arch.conf" > "$dir/register" ||
      echo "pibuild: registering qemu-$arch in binfmt_misc failed" >&2
  done
}
