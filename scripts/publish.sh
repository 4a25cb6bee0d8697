#!/usr/bin/env bash
# Makes pibuild's release builds in artifacts/:
#   artifacts/linux-x64/pibuild     Native AOT, single file, self-contained (starts in ~0.02 s)
#   artifacts/linux-arm64/pibuild   the same for 64-bit ARM, when an aarch64 cross toolchain is here
#   artifacts/pibuild.<v>.nupkg     the framework-dependent .NET tool, for the Raspberry Pi 2 (linux-arm) and anything else:
#                                   dotnet tool install -g pibuild --add-source artifacts/
# There is no 32-bit ARM AOT build: this NuGet mirror serves no linux-arm runtime packs, and ARMv6 (Pi 1, Zero) runs
# no .NET at all; those boards get `pibuild bootstrap --script`.
#
# Usage: scripts/publish.sh [-o DIR] [linux-x64] [linux-arm64] [tool]   (default: all three, into artifacts/)
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"
out="$repo/artifacts"
if [ "${1:-}" = -o ]; then
  out=$(mkdir -p "$2" && cd "$2" && pwd)
  shift 2
fi
wanted=" ${*:-linux-x64 linux-arm64 tool} "
mkdir -p "$out"

install_if_root() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 </dev/null
  else
    echo "publish: missing $*; install it: sudo apt-get install -y $*" >&2
    return 1
  fi
}

clang=$(command -v clang || command -v clang-14 || command -v clang-15 || true)
if [ -z "$clang" ] || [ ! -f /usr/include/zlib.h ]; then
  install_if_root clang zlib1g-dev
  clang=$(command -v clang || command -v clang-14)
fi

aot() {
  local rid=$1
  shift
  rm -rf "$out/$rid"
  dotnet publish src/PiBuild/PiBuild.csproj -c Release -r "$rid" --nologo -v quiet \
    -p:PublishAot=true -p:StripSymbols=true -p:CppCompilerAndLinker="$clang" -o "$out/$rid" "$@"
  rm -f "$out/$rid"/*.dbg "$out/$rid"/*.pdb
  echo "publish: $out/$rid/pibuild ($(du -h "$out/$rid/pibuild" | cut -f1)): $("$out/$rid/pibuild" --version 2>/dev/null || file -b "$out/$rid/pibuild")"
}

case "$wanted" in *" linux-x64 "*) aot linux-x64 ;; esac

case "$wanted" in *" linux-arm64 "*)
  if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
    install_if_root gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libstdc++6-arm64-cross || true
  fi
  if command -v aarch64-linux-gnu-gcc >/dev/null; then
    # No SysRoot: clang finds Debian's cross layout (/usr/aarch64-linux-gnu) by the target triple itself.
    aot linux-arm64 -p:ObjCopyName=aarch64-linux-gnu-objcopy ||
      { echo "publish: linux-arm64 AOT failed (see above); the .NET tool package still runs on arm64" >&2; [ "$wanted" != " linux-arm64 " ] || exit 1; }
  else
    echo "publish: linux-arm64 skipped: no aarch64 cross toolchain (sudo apt-get install -y gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libstdc++6-arm64-cross)" >&2
    [ "$wanted" != " linux-arm64 " ] || exit 1
  fi
  ;;
esac

case "$wanted" in *" tool "*)
  rm -f "$out"/pibuild.*.nupkg
  dotnet pack src/PiBuild/PiBuild.csproj -c Release --nologo -v quiet -o "$out"
  echo "publish: $(ls "$out"/pibuild.*.nupkg) (dotnet tool install -g pibuild --add-source $out)"
  ;;
esac
