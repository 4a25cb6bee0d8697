using System.Reflection;
using System.Security;
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace PiBuild.Tests.Architecture;

/// <summary>
/// The shape of the code, checked on the compiled assemblies (ArchUnitNET reads their IL), so that a second way to do
/// something, or a dependency that goes the wrong way, fails here the day it is added rather than at the next review.
/// Each rule names the types that break it.
/// </summary>
public class ArchitectureSpecs
{
    private static readonly System.Reflection.Assembly CoreAssembly = typeof(PiBuild.Core.Workspace).Assembly;
    private static readonly System.Reflection.Assembly CliAssembly = typeof(PiBuild.Cli.PiBuildCommandLine).Assembly;
    private static readonly System.Reflection.Assembly InteropAssembly = typeof(PiBuild.Interop.Libc).Assembly;

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Loaded = new(() => new ArchLoader()
        .LoadAssemblies(CoreAssembly, CliAssembly).Build());

    private static IEnumerable<IType> TypesOf(System.Reflection.Assembly assembly) =>
        Loaded.Value.Types.Where(t => t.Assembly.FullName == assembly.FullName);

    /// <summary>Who uses <paramref name="target"/> (a type's full name), as "user → target".</summary>
    private static string[] Users(IEnumerable<IType> types, Func<IType, bool> target) =>
        types.SelectMany(t => t.Dependencies.Where(d => d?.Target is { } x && target(x)).Select(d => $"{t.FullName} → {d.Target.FullName}"))
            .Distinct().Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Cores_areas_depend_on_each_other_without_a_cycle()
    {
        var cycles = AreaGraph.Of(TypesOf(CoreAssembly), "PiBuild.Core").Cycles();
        Assert.True(cycles.Count == 0, "Core's areas form a cycle (move what both need to a lower area):\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void Only_the_interop_project_calls_native_code_or_has_unsafe_code()
    {
        foreach (var assembly in new[] { CoreAssembly, CliAssembly })
        {
            // The compiler marks a module built with /unsafe; P/Invoke (DllImport, and LibraryImport's generated stubs) sets PinvokeImpl.
            Assert.Empty(assembly.ManifestModule.GetCustomAttributes<UnverifiableCodeAttribute>());
            var native = assembly.GetTypes()
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                .Where(m => m.Attributes.HasFlag(MethodAttributes.PinvokeImpl))
                .Select(m => $"{m.DeclaringType!.FullName}.{m.Name}").ToArray();
            Assert.True(native.Length == 0, $"{assembly.GetName().Name} calls native code itself (move it to PiBuild.Interop): {string.Join(", ", native)}");
        }

        Assert.NotEmpty(InteropAssembly.ManifestModule.GetCustomAttributes<UnverifiableCodeAttribute>());
    }

    [Fact]
    public void Core_never_touches_the_console()
    {
        var users = Users(TypesOf(CoreAssembly), t => t.FullName == "System.Console");
        Assert.True(users.Length == 0, "Core writes to the console (return a result or raise an event instead):\n" + string.Join("\n", users));
    }

    [Fact]
    public void One_http_client_and_one_process_runner()
    {
        var clients = Users(TypesOf(CoreAssembly).Concat(TypesOf(CliAssembly)),
            t => t.FullName is "System.Net.Http.HttpClient" or "System.Net.Http.SocketsHttpHandler" or "System.Net.Http.HttpClientHandler")
            .Select(u => u.Split(" → ")[0]).Distinct().ToArray();
        Assert.Equal(["PiBuild.Core.Fetching.HttpTransport"], clients);

        var runners = Users(TypesOf(CoreAssembly).Concat(TypesOf(CliAssembly)),
            t => t.FullName is "System.Diagnostics.Process" or "System.Diagnostics.ProcessStartInfo" || t.FullName.StartsWith("CliWrap.", StringComparison.Ordinal))
            .Select(u => u.Split(" → ")[0]).Distinct().ToArray();
        Assert.Equal(["PiBuild.Core.Processes.ProcessRunner"], runners);
    }

    /// <summary>
    /// One JSON style: documents are records serialized through the one source-generated context; a JSON writer is
    /// held only by the three places that set how JSON looks (pibuild's files and --json, OCI documents, the CLI's output).
    /// </summary>
    [Fact]
    public void Json_is_written_by_hand_nowhere_but_the_writers_that_set_its_form()
    {
        var writers = Users(TypesOf(CoreAssembly).Concat(TypesOf(CliAssembly)), t => t.FullName == "System.Text.Json.Utf8JsonWriter")
            .Select(u => u.Split(" → ")[0].Split('+')[0]).Distinct().Order(StringComparer.Ordinal).ToArray();
        // PiBuildJson and JsonOutput are also the source-generated contexts, whose generated code writes each record.
        Assert.Equal(["PiBuild.Cli.Common.JsonOutput", "PiBuild.Core.Images.OciJson", "PiBuild.Core.JsonText", "PiBuild.Core.PiBuildJson"], writers);
    }

    /// <summary>
    /// The CLI parses, calls <c>Workspace</c>, and prints what comes back: every Core type it names is Workspace or
    /// another type of Core's root (exceptions, exit codes, events, the JSON writer), a record or an enum.
    /// </summary>
    [Fact]
    public void The_cli_reaches_core_through_the_workspace_and_result_records()
    {
        var reached = TypesOf(CliAssembly).SelectMany(t => t.Dependencies.Select(d => d?.Target))
            .OfType<IType>()
            .Where(t => t.Assembly?.FullName == CoreAssembly.FullName && t.Namespace?.FullName is { } ns && ns != "PiBuild.Core")
            .Select(t => t.FullName.Split('+')[0]).Distinct()
            .Select(name => CoreAssembly.GetType(name) ?? throw new InvalidOperationException(name))
            .Where(t => !t.IsEnum && t.GetMethod("<Clone>$") is null)
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal).ToArray();
        // TargetProfile is the one domain class the CLI still renders itself (targets list/show); it is to become a
        // result record with the public surface's cut to 60 types.
        Assert.True(reached.SequenceEqual(["PiBuild.Core.Targets.TargetProfile"]),
            "The CLI uses Core's machinery instead of a Workspace command's result:\n" + string.Join("\n", reached));
    }

    /// <summary>Each fact of a board's C world (GNU triplet, dynamic loader, Debian architecture) is spelled in BoardAbi.cs alone.</summary>
    [Fact]
    public void Each_board_fact_is_spelled_only_in_the_board_abi_table()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "PiBuild.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("no PiBuild.sln above the tests");
        }

        var table = Path.Combine("src", "PiBuild.Core", "Targets", "BoardAbi.cs");
        string[] facts = ["\"armhf\"", "\"armel\"", "linux-gnueabi", "aarch64-linux-gnu", "ld-linux"];
        var spelled = Directory.EnumerateFiles(Path.Combine(root.FullName, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root.FullName, f))
            .Where(f => f != table && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(Path.Combine(root.FullName, f)).Select((line, i) => (f, i, line)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && facts.Any(fact => x.line.Contains(fact, StringComparison.Ordinal)))
            .Select(x => $"{x.f}:{x.i + 1}: {x.line.Trim()}").ToArray();
        Assert.True(spelled.Length == 0, "A board fact spelled outside Targets/BoardAbi.cs (use BoardAbi):\n" + string.Join("\n", spelled));
        Assert.Contains("arm-linux-gnueabihf", File.ReadAllText(Path.Combine(root.FullName, table)), StringComparison.Ordinal);
    }
}
