namespace PiBuild.Core.Releases.Debian;

/// <summary>
/// The maintainer scripts of a package with systemd units, doing what debhelper's dh_installsystemd generates:
/// <c>deb-systemd-helper</c> enables the units on install (and keeps their state across upgrades), masks them on
/// remove and forgets them on purge; <c>deb-systemd-invoke</c> starts or restarts them when systemd runs, and stops
/// them before removal. Paths go through <c>$DPKG_ROOT</c>, so <c>dpkg --root</c> installs into another tree.
/// </summary>
internal static class SystemdScripts
{
    public static IReadOnlyDictionary<string, string> For(IReadOnlyList<string> units)
    {
        if (units.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var quoted = string.Join(' ', units.Select(u => $"'{u}'"));
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["postinst"] = $$"""
                #!/bin/sh
                set -e
                # Written by pibuild: enable and start the package's systemd units.
                case "$1" in
                configure|abort-upgrade|abort-deconfigure|abort-remove)
                	for unit in {{quoted}}; do
                		# Lift the mask set on remove; enable on first install, refresh the links on upgrade.
                		deb-systemd-helper unmask "$unit" >/dev/null || true
                		if deb-systemd-helper --quiet was-enabled "$unit"; then
                			deb-systemd-helper enable "$unit" >/dev/null || true
                		else
                			deb-systemd-helper update-state "$unit" >/dev/null || true
                		fi
                	done
                	if [ -d "$DPKG_ROOT/run/systemd/system" ]; then
                		systemctl --system daemon-reload >/dev/null || true
                		if [ -n "$2" ]; then action=restart; else action=start; fi
                		deb-systemd-invoke "$action" {{quoted}} >/dev/null || true
                	fi
                	;;
                esac
                exit 0

                """,
            ["prerm"] = $$"""
                #!/bin/sh
                set -e
                # Written by pibuild: stop the package's systemd units before it is removed.
                if [ -d "$DPKG_ROOT/run/systemd/system" ] && [ "$1" = remove ]; then
                	deb-systemd-invoke stop {{quoted}} >/dev/null || true
                fi
                exit 0

                """,
            ["postrm"] = $$"""
                #!/bin/sh
                set -e
                # Written by pibuild: forget the package's systemd units (masked on remove, purged on purge).
                if [ "$1" = remove ] && [ -d "$DPKG_ROOT/run/systemd/system" ]; then
                	systemctl --system daemon-reload >/dev/null || true
                fi
                if [ -x "$DPKG_ROOT/usr/bin/deb-systemd-helper" ] || command -v deb-systemd-helper >/dev/null 2>&1; then
                	case "$1" in
                	remove)
                		deb-systemd-helper mask {{quoted}} >/dev/null || true
                		;;
                	purge)
                		deb-systemd-helper purge {{quoted}} >/dev/null || true
                		deb-systemd-helper unmask {{quoted}} >/dev/null || true
                		;;
                	esac
                fi
                exit 0

                """,
        };
    }
}
