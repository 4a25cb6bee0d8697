using PiBuild.Core;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Targets;

/// <summary>Builds catalogs from in-memory profile files, the way the loader sees them on disk.</summary>
internal static class Profiles
{
    public static ProfileLayer Layer(string name, params (string Path, string Text)[] files) =>
        new(name, files.Select(f => new ProfileSourceFile(f.Path, f.Text)).ToArray());

    public static ProfileCatalog WithProject(params (string Path, string Text)[] files) =>
        ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn(), Layer(ProfileLayer.Project, files)]);

    public static ConfigurationException Rejects(params (string Path, string Text)[] files) =>
        Assert.Throws<ConfigurationException>(() => WithProject(files));
}
