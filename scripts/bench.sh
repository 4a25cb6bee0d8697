#!/usr/bin/env bash
# Benchmarks pibuild against what a user would do instead, in one run on one machine, and writes the
# medians and ratios to bench/results.md. Each comparison warms up both commands once, then alternates
# them (A B A B …) so that drift in the machine's speed affects both alike.
#
#   scripts/bench.sh            all comparisons, BENCH_RUNS (default 7) timed runs of each command
#   scripts/bench.sh cross      only the named groups: startup, cross, unpack, zstd, download, release, layout, device,
#                               devicehash, cgo, image, fleet
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"
# shellcheck source=lib/prerequisites.sh
. scripts/lib/prerequisites.sh
ensure_prerequisites required
for tool in curl python3 bzip2 lbzip2 xz; do
  command -v "$tool" >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq "$tool" >&2; } ||
    { echo "bench: $tool is missing; install it: sudo apt-get install -y $tool" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { [ "$(id -u)" = 0 ] && apt-get install -y -qq time >&2; } || true

runs=${BENCH_RUNS:-7}
groups=${*:-startup cross unpack zstd download release layout device devicehash cgo image fleet}
scripts/pibuild --help >/dev/null # builds the tool once (Native AOT where it can), outside the timings
if [ -x "$repo/.build/cli/pibuild" ]; then pibuild=("$repo/.build/cli/pibuild"); else pibuild=(dotnet "$repo/.build/cli/pibuild.dll"); fi
pibuild_kind=$("${pibuild[@]}" --version)

data=${BENCH_DATA:-/var/tmp/pibuild-bench-data}
work=$(mktemp -d /var/tmp/pibuild-bench.XXXXXX)
shm=$(mktemp -d /dev/shm/pibuild-bench.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "${sshd_pid:-}" ] && kill "$sshd_pid" 2>/dev/null
  [ -n "${registry_pid:-}" ] && kill "$registry_pid" 2>/dev/null
  [ -n "${fleet_pids:-}" ] && kill $fleet_pids 2>/dev/null
  rm -rf "$work" "$shm"
}
trap cleanup EXIT
export XDG_CACHE_HOME="$work/cache"
unset PIBUILD_CACHE_DIR GOFLAGS GOARM GOARCH GOOS
rows=()

# time_us CMD: wall time of one run in microseconds; a failing command stops the benchmark.
time_us() {
  local start end
  start=$(date +%s%N)
  bash -c "$1" >/dev/null 2>"$work/last.err" || { echo "bench: failed: $1" >&2; cat "$work/last.err" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000))
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

# compare NAME PIBUILD_CMD OTHER_CMD [PREPARE_CMD] [GOAL]: PREPARE runs before every timed command, untimed.
compare() {
  local name=$1 a=$2 b=$3 prep=${4:-true} goal=${5:-recorded} ta=() tb=() i
  echo "bench: $name" >&2
  bash -c "$prep" && time_us "$a" >/dev/null
  bash -c "$prep" && time_us "$b" >/dev/null
  for ((i = 0; i < runs; i++)); do
    bash -c "$prep"; ta+=("$(time_us "$a")")
    bash -c "$prep"; tb+=("$(time_us "$b")")
  done
  local ma mb
  ma=$(printf '%s\n' "${ta[@]}" | median)
  mb=$(printf '%s\n' "${tb[@]}" | median)
  rows+=("$(awk -v n="$name" -v a="$ma" -v b="$mb" -v g="$goal" 'BEGIN {printf "| %s | %.3f s | %.3f s | %.2f | %s |", n, a/1e6, b/1e6, a/b, g}')")
}

# peak_rss CMD: the largest resident set of CMD in MiB (GNU time), or "n/a".
peak_rss() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M bash -c "exec $1" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f MiB", $1/1024}'
  else
    echo n/a
  fi
}
memory=()

go_version=$(go env GOVERSION)
if [[ " $groups " == *" startup "* ]]; then
  compare "start-up: \`pibuild --version\` vs \`go version\`" "${pibuild[*]} --version" "go version" true "≤ 1.0"
fi

if [[ " $groups " == *" cross "* ]]; then
  cp -r examples/hello "$work/hello"
  cp -r examples/sensors "$work/sensors"
  cache="$XDG_CACHE_HOME/pibuild/go-build/linux-arm-7-$go_version"
  by_hand="cd $work/hello/src && env GOOS=linux GOARCH=arm GOARM=7 CGO_ENABLED=0 GO111MODULE=off GOPATH=$work/hello:$work/hello/vendor GOCACHE=$cache go build -o ../bin/pi2/ ./..."
  compare "warm no-op \`cross --target pi2\` (examples/hello) vs \`go build\`, env by hand" \
    "${pibuild[*]} cross --target pi2 -C $work/hello" "$by_hand" true "≤ 1.1"
  # A cold project on a warm target: the project's own packages change every run, the standard library is cached.
  stamp="echo \"package reading; const Stamp = \\\"\$(date +%s%N)\\\"\" > $work/sensors/internal/reading/stamp.go"
  compare "cold project (examples/sensors, 2 commands), warm target cache" \
    "${pibuild[*]} cross --target pi2 -C $work/sensors" \
    "cd $work/sensors && env GOOS=linux GOARCH=arm GOARM=7 CGO_ENABLED=0 GO111MODULE=on GOCACHE=$cache go build -o bin/pi2/ ./..." \
    "$stamp" "≤ 1.05"
  # Boards of one level share one go build: three ARMv7 boards cost what one does (empty caches both sides).
  cold="rm -rf $XDG_CACHE_HOME/pibuild/go-build $work/hello/bin"
  compare "cold \`cross --target pi2,pi3-32,zero2-32\` (one shared build) vs cold \`cross --target pi2\`" \
    "${pibuild[*]} cross --target pi2,pi3-32,zero2-32 -C $work/hello" "${pibuild[*]} cross --target pi2 -C $work/hello" "$cold" "≤ 1.1"
fi

if [[ " $groups " == *" unpack "* ]]; then
  mkdir -p "$data"
  if [ ! -f "$data/go.tar.gz" ]; then
    echo "bench: packing the Go toolchain tarballs once into $data (a few minutes)" >&2
    rm -rf "$data/tree" && mkdir -p "$data/tree" && cp -rL "$(go env GOROOT)" "$data/tree/go"
    tar -C "$data/tree" -cf - go | gzip -6 >"$data/go.tar.gz.tmp" && mv "$data/go.tar.gz.tmp" "$data/go.tar.gz"
  fi
  [ -f "$data/go.tbz" ] || { tar -C "$data/tree" -cf - go | bzip2 -9 >"$data/go.tbz.tmp" && mv "$data/go.tbz.tmp" "$data/go.tbz"; }
  [ -f "$data/go.tar.xz" ] || { tar -C "$data/tree" -cf - go | xz -6 -T2 >"$data/go.tar.xz.tmp" && mv "$data/go.tar.xz.tmp" "$data/go.tar.xz"; }
  cp "$data/go.tar.gz" "$data/go.tbz" "$data/go.tar.xz" "$shm/"
  unpacked=$(du -sh --apparent-size "$data/tree" | cut -f1)
  for place in tmpfs disk; do
    dir=$shm; [ $place = disk ] && dir=$work
    compare "unpack Go toolchain .tar.gz ($unpacked) on $place vs \`tar -xzf\`" \
      "${pibuild[*]} fetch $shm/go.tar.gz --extract $dir/p -q" "tar -C $dir/t -xzf $shm/go.tar.gz" \
      "rm -rf $dir/p $dir/t && mkdir $dir/t" "$([ $place = tmpfs ] && echo '≤ 0.8' || echo '≤ 1.0')"
  done
  compare "unpack .tbz on tmpfs vs \`tar -xjf\`" "${pibuild[*]} fetch $shm/go.tbz --extract $shm/p -q" \
    "tar -C $shm/t -xjf $shm/go.tbz" "rm -rf $shm/p $shm/t && mkdir $shm/t" "≤ 1.0 ($(nproc) cores)"
  compare "unpack .tbz on tmpfs vs \`tar -I lbzip2 -xf\` (parallel reference)" "${pibuild[*]} fetch $shm/go.tbz --extract $shm/p -q" \
    "tar -C $shm/t -I lbzip2 -xf $shm/go.tbz" "rm -rf $shm/p $shm/t && mkdir $shm/t"
  compare "unpack .tar.xz on tmpfs vs \`tar -xJf\`" "${pibuild[*]} fetch $shm/go.tar.xz --extract $shm/p -q" \
    "tar -C $shm/t -xJf $shm/go.tar.xz" "rm -rf $shm/p $shm/t && mkdir $shm/t" "≤ 1.3"
  for kind in go.tar.gz go.tbz go.tar.xz; do
    rm -rf "$shm/p"
    memory+=("| unpack $kind | $(peak_rss "${pibuild[*]} fetch $shm/$kind --extract $shm/p -q") |")
  done
  rm -rf "$shm/p" "$shm/t"
fi

# zstd (podman's layers, .tar.zst releases) through the system's libzstd, against zstd -d in a pipe into GNU tar.
if [[ " $groups " == *" zstd "* ]]; then
  command -v zstd >/dev/null || { echo "bench: zstd is missing; install it: sudo apt-get install -y zstd" >&2; exit 2; }
  mkdir -p "$data"
  if [ ! -f "$data/go.tar.zst" ]; then
    [ -d "$data/tree/go" ] || { rm -rf "$data/tree" && mkdir -p "$data/tree" && cp -rL "$(go env GOROOT)" "$data/tree/go"; }
    tar -C "$data/tree" -cf - go | zstd -q -3 -o "$data/go.tar.zst.tmp" && mv "$data/go.tar.zst.tmp" "$data/go.tar.zst"
  fi
  cp "$data/go.tar.zst" "$shm/"
  compare "unpack Go toolchain .tar.zst on tmpfs vs \`zstd -dc\` piped to \`tar -x\`" "${pibuild[*]} fetch $shm/go.tar.zst --extract $shm/p -q" \
    "zstd -dc $shm/go.tar.zst | tar -C $shm/t -xf -" "rm -rf $shm/p $shm/t && mkdir $shm/t" "≤ 1.0"
  rm -rf "$shm/p" "$shm/t" "$shm/go.tar.zst"
fi

# What checking a copy on the device costs: sha256sum of a 10 MB program on an emulated ARM1176 (Debian's armel
# busybox under qemu-user), against reading it there (cat), the least the copy itself costs the device.
if [[ " $groups " == *" devicehash "* ]]; then
  pibuild_fetch_test_debs
  deb=$(ls "$PIBUILD_TEST_DEBS"/busybox-static_*_armel.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || { echo "bench: no busybox-static armel .deb in $PIBUILD_TEST_DEBS" >&2; exit 2; }
  dpkg-deb -x "$deb" "$work/busybox"
  head -c 10000000 /dev/urandom >"$work/program"
  bb="qemu-arm-static -cpu arm1176 $work/busybox/bin/busybox"
  compare "device check of a 10 MB copy: \`sha256sum\` on an emulated ARM1176 vs \`cat\` of it there" \
    "$bb sha256sum $work/program" "$bb cat $work/program" true "recorded"
fi

if [[ " $groups " == *" download "* ]]; then
  mkdir -p "$work/www"
  head -c 100M /dev/urandom >"$work/www/blob.bin"
  sha=$(sha256sum "$work/www/blob.bin" | cut -d' ' -f1)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  # pibuild verifies the SHA-256 while downloading; the store is emptied before each run so it downloads again.
  compare "download 100 MB from loopback HTTP (+ SHA-256) vs \`curl -o\`" \
    "${pibuild[*]} fetch http://127.0.0.1:$port/blob.bin --sha256 $sha -q" \
    "curl -sf -o $work/curl.bin http://127.0.0.1:$port/blob.bin" \
    "rm -rf $XDG_CACHE_HOME/pibuild/downloads/sha256 $work/curl.bin" "≤ 1.1"
fi

if [[ " $groups " == *" release "* ]]; then
  rm -rf "$work/rel" && cp -r examples/sensors "$work/rel"
  cache="$XDG_CACHE_HOME/pibuild/go-build"
  ld="-buildid= -s -w -X main.version=1.0.0"
  # goreleaser's way: one go build per command per target, the environment set by hand, a shared warm cache.
  loop="cd $work/rel && for t in 6 7; do for c in sensorctl sensord; do env GOOS=linux GOARCH=arm GOARM=\$t CGO_ENABLED=0 GOCACHE=$cache/linux-arm-\$t-$go_version go build -trimpath -ldflags '$ld' -o $work/loop/armv\$t/\$c ./cmd/\$c || exit 1; done; done"
  compare "two-target release (examples/sensors, 2 commands) vs a shell loop of \`go build\` per command per target" \
    "${pibuild[*]} release -C $work/rel --version 1.0.0 -o $work/dist --clean -q" "$loop" "rm -rf $work/loop" "≤ 1.0"
  memory+=("| two-target release | $(peak_rss "${pibuild[*]} release -C $work/rel --version 1.0.0 -o $work/dist --clean -q") |")
fi

if [[ " $groups " == *" layout "* ]]; then
  # Debian's sftp sources as a gb project (tests included), as the layout tests use them. go vet is the static check
  # a user runs per GOARCH instead; two of its analyzers are off because sftp's own code trips them (exit 1).
  sftp=/usr/share/gocode/src/github.com/pkg/sftp
  [ -d "$sftp" ] || { [ "$(id -u)" = 0 ] && apt-get install -y -qq golang-github-pkg-sftp-dev golang-github-stretchr-testify-dev >&2; }
  mkdir -p "$work/sftp/src/github.com/pkg" "$work/sftp/vendor"
  cp -r "$sftp" "$work/sftp/src/github.com/pkg/sftp"
  ln -s /usr/share/gocode/src "$work/sftp/vendor/src"
  novet="-copylocks=false -stdmethods=false"
  gopath="GO111MODULE=off GOPATH=$work/sftp:$work/sftp/vendor GOFLAGS= CGO_ENABLED=0"
  vet="cd $work/sftp/src && env $gopath GOARCH=arm GOARM=6 GOCACHE=$XDG_CACHE_HOME/pibuild/go-build/linux-arm-6-$go_version go vet $novet ./... && env $gopath GOARCH=arm64 GOCACHE=$XDG_CACHE_HOME/pibuild/go-build/linux-arm64-v8.0-$go_version go vet $novet ./..."
  start=$(date +%s%N)
  "${pibuild[@]}" layout -C "$work/sftp" --target pi1,pi4 -q
  cold=$(( ($(date +%s%N) - start) / 1000000 ))
  compare "warm \`layout --target pi1,pi4\` (Debian's sftp, 11 packages with tests) vs \`go vet\` for arm and arm64" \
    "${pibuild[*]} layout -C $work/sftp --target pi1,pi4 -q" "$vet" true "recorded"
  rows+=("| first \`layout --target pi1,pi4\` of sftp: builds the analyzer, compiles export data for both boards | $(awk -v ms="$cold" 'BEGIN {printf "%.1f s", ms/1000}') | | | recorded |")
fi

if [[ " $groups " == *" device "* ]]; then
  # A Pi 1 in a box as in the tests: Debian's sshd on loopback with generated keys, ARM programs through binfmt and
  # qemu with the ARM1176, /proc from a fixture root. The hand way: scp the binary, then ssh to run it (two
  # handshakes); pibuild asks the device, checks the build cache and the copy on the device, then runs it.
  if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/sshd ]; then
    echo "bench: device needs root and openssh-server (sshd on loopback); skipped" >&2
  else
    pibuild_register_binfmt
    dev="$work/device"
    mkdir -p "$dev/home" "$dev/root/proc/device-tree" "$dev/root/bin" /run/sshd
    printf 'Raspberry Pi Model B Plus Rev 1.2\0' >"$dev/root/proc/device-tree/model"
    printf '\177ELF\001\001\001' >"$dev/root/bin/sh"
    for key in host_key user_key; do ssh-keygen -q -t ed25519 -N '' -f "$dev/$key"; done
    cp "$dev/user_key.pub" "$dev/authorized_keys"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$dev/sshd_config" <<SSHD
Port $port
ListenAddress 127.0.0.1
HostKey $dev/host_key
AuthorizedKeysFile $dev/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
PermitRootLogin prohibit-password
PidFile $dev/sshd.pid
Subsystem sftp internal-sftp
SetEnv HOME=$dev/home QEMU_CPU=arm1176 PIBUILD_HOST_ROOT=$dev/root
SSHD
    echo "[127.0.0.1]:$port $(cat "$dev/host_key.pub")" >"$dev/known_hosts"
    printf 'Host *\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n' "$dev/user_key" "$dev/known_hosts" >"$dev/ssh_config"
    /usr/sbin/sshd -D -f "$dev/sshd_config" & sshd_pid=$!
    sleep 1
    hello="$work/hello"
    cp -r examples/hello "$hello"
    on="root@127.0.0.1:$port"
    PIBUILD_SSH="ssh -F $dev/ssh_config" "${pibuild[@]}" run --on "$on" -C "$hello" cmd/helloworld >/dev/null
    bin="$hello/bin/pi1/helloworld"
    compare "warm \`run --on\` of hello world on a Pi over ssh (loopback) vs \`scp\` + \`ssh\` by hand" \
      "PIBUILD_SSH='ssh -F $dev/ssh_config' ${pibuild[*]} run --on $on -C $hello cmd/helloworld" \
      "scp -q -F $dev/ssh_config -P $port $bin root@127.0.0.1:/tmp/pibuild-bench-hello && ssh -F $dev/ssh_config -p $port root@127.0.0.1 /tmp/pibuild-bench-hello" \
      true "≤ 1.0"
  fi
fi

if [[ " $groups " == *" cgo "* ]]; then
  # A Go program with a C function and zlib (Debian's multiarch zlib1g-dev:arm64/armhf), as the cgo tests build it.
  cg="$work/withc"
  mkdir -p "$cg"
  printf 'module example.com/withc\n\ngo 1.19\n' >"$cg/go.mod"
  printf 'package main\n\n// #cgo LDFLAGS: -lz\n// #include <zlib.h>\n// int answer(void);\nimport "C"\n\nimport "fmt"\n\nfunc main() { fmt.Println("C says", C.answer(), "zlib", C.GoString(C.zlibVersion())) }\n' >"$cg/main.go"
  echo 'int answer(void) { return 6 * 7; }' >"$cg/answer.c"
  cache="$XDG_CACHE_HOME/pibuild/go-build/linux-arm64-v8.0-$go_version"
  compare "warm no-op \`cross --cgo --target pi4\` (C function + zlib) vs \`go build\` with CC and CGO_ENABLED by hand" \
    "${pibuild[*]} cross --cgo --target pi4 -C $cg" \
    "cd $cg && env GOOS=linux GOARCH=arm64 CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc CGO_CFLAGS='-O2 -g' CGO_LDFLAGS='-O2 -g' GOCACHE=$cache go build -o bin/pi4/ ." \
    true "≤ 1.1"
  # A release against a sysroot pays for its digest (every file hashed): Debian's armhf libraries and headers.
  sysroot="$work/armhf-sysroot"
  mkdir -p "$sysroot/usr/lib" "$sysroot/usr/include"
  cp -a /usr/lib/arm-linux-gnueabihf "$sysroot/usr/lib/" && ln -s usr/lib "$sysroot/lib"
  ln -s arm-linux-gnueabihf/ld-linux-armhf.so.3 "$sysroot/usr/lib/ld-linux-armhf.so.3"
  cp -a /usr/include/*.h /usr/include/arm-linux-gnueabihf /usr/include/linux /usr/include/asm-generic "$sysroot/usr/include/"
  size=$(du -sh "$sysroot" | cut -f1)
  armcache="$XDG_CACHE_HOME/pibuild/go-build/linux-arm-7-$go_version"
  compare "cgo \`release --target pi2 --sysroot\` ($size sysroot, digest in the manifest) vs \`go build -trimpath\` by hand" \
    "${pibuild[*]} release --cgo --sysroot $sysroot --target pi2 -C $cg --version 1.0.0 -o $work/cgo-dist --clean -q" \
    "cd $cg && env GOOS=linux GOARCH=arm GOARM=7 CGO_ENABLED=1 CC=arm-linux-gnueabihf-gcc CGO_CFLAGS='-O2 -g -march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard --sysroot=$sysroot' CGO_LDFLAGS='-O2 -g -march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard --sysroot=$sysroot' GOCACHE=$armcache go build -trimpath -ldflags=-buildid= -o $work/cgo-loop/ ." \
    true "recorded"
fi

if [[ " $groups " == *" image "* ]]; then
  # A registry on loopback (Debian's docker-registry). The other way: the three binaries by hand, then skopeo pushing
  # an equivalent OCI layout (pibuild's own, written once beforehand). Both sides ask before sending each blob.
  reg="$work/registry"
  mkdir -p "$reg"
  regport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/data\nhttp:\n  addr: 127.0.0.1:%s\n' "$reg" "$regport" >"$reg/config.yml"
  docker-registry serve "$reg/config.yml" >/dev/null 2>&1 & registry_pid=$!
  sleep 1
  img="$work/image-hello"
  cp -r examples/hello "$img"
  "${pibuild[@]}" image --target pi1,pi2,pi4 --tag "127.0.0.1:$regport/hello:bench" -C "$img" -o "$work/hello-layout" -q
  hand="cd $img/src"
  for t in "arm 6 pi1" "arm 7 pi2" "arm64 - pi4"; do
    set -- $t
    hand="$hand && env GOOS=linux GOARCH=$1 $([ "$2" = - ] || echo GOARM=$2) CGO_ENABLED=0 GO111MODULE=off GOPATH=$img:$img/vendor GOCACHE=$XDG_CACHE_HOME/pibuild/go-build/hand-$3 go build -trimpath -ldflags='-buildid= -s -w' -o $work/hand/$3/ ./..."
  done
  compare "warm \`image --push\` for pi1,pi2,pi4 (examples/hello) vs three \`go build\` by hand + \`skopeo copy --all\` of the same layout" \
    "${pibuild[*]} image --target pi1,pi2,pi4 --tag 127.0.0.1:$regport/hello:bench --push -C $img -q" \
    "$hand && skopeo copy -q --all --dest-tls-verify=false oci:$work/hello-layout:bench docker://127.0.0.1:$regport/other:bench" \
    true "≤ 1.0"
fi

if [[ " $groups " == *" fleet "* ]]; then
  if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/sshd ]; then
    echo "bench: fleet needs root and openssh-server (sshd on loopback); skipped" >&2
  else
    # Three Pi 1s in a box (sshd on loopback), each installing into a directory of its own; one client key and config.
    pibuild_register_binfmt
    fl="$work/fleet"
    mkdir -p "$fl" /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$fl/user_key"
    : >"$fl/known_hosts"
    fleet_pids=
    devices="devices:"
    for n in 1 2 3; do
      d="$fl/pi$n"
      mkdir -p "$d/home" "$d/root/proc/device-tree" "$d/root/bin" "$d/bin"
      printf 'Raspberry Pi Model B Plus Rev 1.2\0' >"$d/root/proc/device-tree/model"
      printf '\177ELF\001\001\001' >"$d/root/bin/sh"
      ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
      cp "$fl/user_key.pub" "$d/authorized_keys"
      p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      printf 'Port %s\nListenAddress 127.0.0.1\nHostKey %s\nAuthorizedKeysFile %s\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nPermitRootLogin prohibit-password\nPidFile %s\nMaxSessions 100\nSubsystem sftp internal-sftp\nSetEnv HOME=%s QEMU_CPU=arm1176 PIBUILD_HOST_ROOT=%s\n' \
        "$p" "$d/host_key" "$d/authorized_keys" "$d/sshd.pid" "$d/home" "$d/root" >"$d/sshd_config"
      echo "[127.0.0.1]:$p $(cat "$d/host_key.pub")" >>"$fl/known_hosts"
      /usr/sbin/sshd -D -f "$d/sshd_config" & fleet_pids="$fleet_pids $!"
      devices="$devices\n  pi$n:\n    host: root@127.0.0.1:$p\n    to: $d/bin"
      ports[$n]=$p
    done
    printf 'Host *\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n' "$fl/user_key" "$fl/known_hosts" >"$fl/ssh_config"
    sleep 1
    app="$work/fleet-hello"
    cp -r examples/hello "$app"
    printf "$devices\n" >"$app/pibuild.yaml"
    export PIBUILD_SSH="ssh -F $fl/ssh_config"
    "${pibuild[@]}" deploy --on @all -C "$app" -q
    hand="true"
    for n in 1 2 3; do
      hand="$hand && scp -q -F $fl/ssh_config -P ${ports[$n]} $app/bin/pi1/helloworld root@127.0.0.1:$fl/pi$n/bin/.helloworld.new && ssh -F $fl/ssh_config -p ${ports[$n]} root@127.0.0.1 mv -f $fl/pi$n/bin/.helloworld.new $fl/pi$n/bin/helloworld"
    done
    compare "warm \`deploy --on @all\` to 3 Pis over ssh (loopback), detect + verify + install each vs a hand loop of \`scp\` + \`ssh mv\`" \
      "${pibuild[*]} deploy --on @all -C $app -q" "$hand" true "≤ 1.0"
    unset PIBUILD_SSH
  fi
fi

{
  echo "# pibuild benchmarks"
  echo
  echo "Written by \`scripts/bench.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); $runs timed runs of each command after one warm-up,"
  echo "alternating pibuild and the other command. Ratio = pibuild median / other median (below 1: pibuild is faster)."
  echo
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB memory"
  echo "- $pibuild_kind; .NET SDK $(dotnet --version)"
  echo "- $go_version; $(tar --version | head -1); $(curl --version | head -1 | cut -d' ' -f1-2); $(gzip --version | head -1); bzip2 $(bzip2 --help 2>&1 | head -1 | sed 's/.*Version //; s/,.*//'); $(xz --version | head -1)"
  echo
  echo "| comparison | pibuild | other | ratio | goal |"
  echo "| --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  if [ ${#memory[@]} -gt 0 ]; then
    echo
    echo "Peak resident memory of pibuild itself (GNU time):"
    echo
    echo "| run | peak RSS |"
    echo "| --- | --- |"
    printf '%s\n' "${memory[@]}"
  fi
} >"$work/results.md"
if [ -f bench/notes.md ]; then
  { echo; cat bench/notes.md; } >>"$work/results.md"
fi
mkdir -p bench
cp "$work/results.md" bench/results.md
cat bench/results.md
