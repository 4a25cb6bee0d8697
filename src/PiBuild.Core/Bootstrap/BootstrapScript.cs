using PiBuild.Core.Processes;

namespace PiBuild.Core.Bootstrap;

/// <summary>
/// Renders a <see cref="BootstrapPlan"/> as a self-contained POSIX <c>sh</c> script (curl or wget, sha256sum, tar,
/// ulimit, env) for boards .NET does not run on (ARMv6: Pi 1, Zero). Same plan, same steps, same limits as the
/// C# run; it too skips what an interrupted earlier run finished, and curl/wget resume partial downloads.
/// </summary>
internal static class BootstrapScript
{
    public static string Render(BootstrapPlan plan) => Header(plan) + Functions + Downloads(plan) + Build(plan);

    private static string Header(BootstrapPlan plan) => $$"""
        #!/bin/sh
        # Builds {{plan.GoVersion}} from source on a {{plan.Target.Board}} ({{plan.Target.Name}}), as `pibuild bootstrap` would.
        # Written by pibuild bootstrap --script; needs curl or wget, sha256sum, tar (and bzip2 for .tbz).
        set -eu

        PREFIX={{Quote(plan.Prefix)}}
        BOOTSTRAP={{Quote(plan.BootstrapDirectory)}}
        DOWNLOADS="${PIBUILD_DOWNLOADS:-${XDG_CACHE_HOME:-$HOME/.cache}/pibuild/script-downloads}"


        """;

    private const string Functions = """
        fetch() { # URL FILE SHA256: download (resuming a partial one) and check the digest
          if [ -f "$2" ] && echo "$3  $2" | sha256sum -c - >/dev/null 2>&1; then return 0; fi
          if command -v curl >/dev/null 2>&1; then curl -fL --retry 5 -C - -o "$2" "$1" || curl -fL --retry 5 -o "$2" "$1"
          else wget -c -O "$2" "$1"; fi
          echo "$3  $2" | sha256sum -c - || { rm -f "$2"; echo "checksum mismatch for $2" >&2; exit 1; }
        }

        unpack() { # ARCHIVE DIR: into a temporary sibling, then renamed into place
          rm -rf "$2.partial" && mkdir -p "$2.partial"
          case "$1" in
            *.tbz|*.tar.bz2) tar -xjf "$1" -C "$2.partial" --strip-components=1 ;;
            *) tar -xzf "$1" -C "$2.partial" --strip-components=1 ;;
          esac
          rmdir "$2" 2>/dev/null || true
          mv "$2.partial" "$2"
        }


        """;

    /// <summary>The bootstrap toolchain and the source, each skipped when an earlier run already has it.</summary>
    private static string Downloads(BootstrapPlan plan) => $$"""
        mkdir -p "$DOWNLOADS"
        if [ ! -x "$BOOTSTRAP/bin/go" ]; then
          fetch {{Quote(plan.Toolchain.Url)}} "$DOWNLOADS/{{plan.Toolchain.FileName}}" {{plan.Toolchain.Sha256}}
          unpack "$DOWNLOADS/{{plan.Toolchain.FileName}}" "$BOOTSTRAP"
        fi
        # make.bash would silently use another go when this one is missing or broken.
        "$BOOTSTRAP/bin/go" version

        if [ "$(head -n 1 "$PREFIX/VERSION" 2>/dev/null)" != "{{plan.GoVersion}}" ]; then
          fetch {{Quote(plan.Source.Url)}} "$DOWNLOADS/{{plan.Source.FileName}}" {{plan.Source.Sha256}}
          unpack "$DOWNLOADS/{{plan.Source.FileName}}" "$PREFIX"
        fi


        """;

    /// <summary>make.bash (or all.bash) with the plan's environment and stack limit, then the check and the clean-up.</summary>
    private static string Build(BootstrapPlan plan)
    {
        var env = plan.BuildEnvironment;
        var removed = string.Join(' ', env.Where(kv => kv.Value is null).Select(kv => kv.Key).Order(StringComparer.Ordinal));
        var set = string.Concat(env.Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key == "GOROOT_BOOTSTRAP" ? $" {kv.Key}=\"$BOOTSTRAP\"" : $" {kv.Key}={Quote(kv.Value!)}"));
        // As the C# run: a C compiler that builds for another architecture means a build without cgo, said first.
        var machine = Targets.GoArchitecture.Find(plan.Target.GoArch)?.GnuMachineCasePattern ?? "*";
        return $$"""
            cd "$PREFIX/src"
            unset {{removed}}
            case "$(${CC:-gcc} -dumpmachine 2>/dev/null)" in
              ""|{{machine}}) ;;
              *) echo "pibuild: ${CC:-gcc} builds for $(${CC:-gcc} -dumpmachine), not for {{plan.Target.Name}} ({{plan.Target.GoArch}}): building Go without cgo (CGO_ENABLED=0)" >&2
                 CGO_ENABLED=0; export CGO_ENABLED ;;
            esac
            ulimit -s {{plan.Target.ThreadStackKb}}
            env{{set}} ./{{plan.BuildScript}}

            "$PREFIX/bin/go" version
            {{(plan.KeepBootstrap ? "" : "rm -rf \"$BOOTSTRAP\"\n")}}echo "Go {{plan.GoVersion}} is in $PREFIX; add it to PATH: export PATH=$PREFIX/bin:\$PATH"

            """;
    }

    private static string Quote(string value) => ShellQuote.Always(value);
}
