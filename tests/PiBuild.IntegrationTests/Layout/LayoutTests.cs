using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Layout;

/// <summary>
/// pibuild layout: the analyzer built by the real go, type-checking real projects against export data that go list
/// compiles for each board, with sizes checked against what the compiled code reports on the board's CPU.
/// </summary>
[Collection(GoCacheCollection.Name)]
public sealed class LayoutTests(SharedGoCache cache) : IDisposable
{
    // The seed's example, the same with Flags last, and shapes whose sizes the compiler decides by rules of its
    // own: a trailing zero-size field, align64 in atomic.Int64, a nested struct ending in one, complex numbers.
    private const string Layouts = """
        package layouts

        import "sync/atomic"

        type ProgInfo struct {
        	Flags                    uint32
        	Reguse, Regset, Regindex uint64
        	_                        struct{}
        }

        type ProgInfoFlagsLast struct {
        	Reguse, Regset, Regindex uint64
        	Flags                    uint32
        	_                        struct{}
        }

        type Typed struct {
        	Flag  bool
        	Total atomic.Int64
        	Name  string
        }

        type Nested struct {
        	A    byte
        	Info ProgInfo
        	C    complex64
        	D    [3]complex128
        	E    struct{ X int16; _ [0]int64 }
        }
        """;

    private const string PrintSizes = """
        package main

        import (
        	"fmt"
        	"unsafe"

        	"example.com/layouts/layouts"
        )

        func main() {
        	fmt.Println("ProgInfo", unsafe.Sizeof(layouts.ProgInfo{}), unsafe.Alignof(layouts.ProgInfo{}))
        	fmt.Println("ProgInfoFlagsLast", unsafe.Sizeof(layouts.ProgInfoFlagsLast{}), unsafe.Alignof(layouts.ProgInfoFlagsLast{}))
        	fmt.Println("Typed", unsafe.Sizeof(layouts.Typed{}), unsafe.Alignof(layouts.Typed{}))
        	fmt.Println("Nested", unsafe.Sizeof(layouts.Nested{}), unsafe.Alignof(layouts.Nested{}))
        }
        """;

    private readonly TempDirectory _dir = new();

    private string LayoutsProject()
    {
        var root = _dir.Combine("layouts");
        Directory.CreateDirectory(Path.Combine(root, "layouts"));
        Directory.CreateDirectory(Path.Combine(root, "cmd", "sizes"));
        File.WriteAllText(Path.Combine(root, "go.mod"), "module example.com/layouts\n\ngo 1.19\n");
        File.WriteAllText(Path.Combine(root, "layouts", "layouts.go"), Layouts);
        File.WriteAllText(Path.Combine(root, "cmd", "sizes", "main.go"), PrintSizes);
        return root;
    }

    private string ArmTests()
    {
        var destination = _dir.Combine("armtests");
        if (!Directory.Exists(destination))
        {
            Repository.CopyTree(Path.Combine(Repository.Root, "tests", "fixtures", "armtests"), destination);
        }

        return destination;
    }

    private Task<RunResult> Layout(string project, params string[] args) =>
        Run.PiBuildAsync(["layout", "-C", project, .. args], _dir.Path, cache.Environment());

    private static JsonElement Struct(JsonDocument json, string name) =>
        json.RootElement.GetProperty("structs").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    [Fact]
    public async Task The_seeds_ProgInfo_is_32_bytes_on_the_Pi_1_and_40_on_the_Pi_4_and_32_on_both_with_Flags_last()
    {
        var project = LayoutsProject();
        var result = await Layout(project, "--target", "pi1,pi4", "./layouts");
        result.AssertSucceeded();
        Assert.Contains("  ProgInfo  pi1: 32 B (4 padding)  pi4: 40 B (12 padding)  layouts/layouts.go:5:6\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("ProgInfoFlagsLast", result.StandardOutput, StringComparison.Ordinal);

        var json = await Layout(project, "--target", "pi1,pi4", "--json", "./layouts");
        json.AssertSucceeded();
        using var document = JsonDocument.Parse(json.StandardOutput);
        var flagsLast = Struct(document, "ProgInfoFlagsLast").GetProperty("boards");
        Assert.Equal(32, flagsLast.GetProperty("pi1").GetProperty("size").GetInt64());
        Assert.Equal(32, flagsLast.GetProperty("pi4").GetProperty("size").GetInt64());
        Assert.False(Struct(document, "ProgInfoFlagsLast").GetProperty("differs_between_boards").GetBoolean());
        Assert.Equal(12, Struct(document, "ProgInfo").GetProperty("boards").GetProperty("pi4").GetProperty("padding").GetInt64());
    }

    [Fact]
    public async Task The_sizes_reported_are_those_the_compiled_code_has_on_the_boards_CPU()
    {
        var project = LayoutsProject();
        var layout = await Layout(project, "--target", "pi1,pi4", "--json", "./layouts");
        layout.AssertSucceeded();
        using var document = JsonDocument.Parse(layout.StandardOutput);

        var cross = await Run.PiBuildAsync(["cross", "--target", "pi1,pi4", "-C", project, "./cmd/sizes"], _dir.Path, cache.Environment());
        cross.AssertSucceeded();
        foreach (var (board, cpu) in new[] { ("pi1", "arm1176"), ("pi4", "cortex-a72") })
        {
            var run = await Qemu.RunAsync(cpu, Path.Combine(project, "bin", board, "sizes"));
            run.AssertSucceeded();
            var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(4, lines.Length);
            foreach (var line in lines)
            {
                var (name, size, align) = (line.Split(' ')[0], long.Parse(line.Split(' ')[1]), long.Parse(line.Split(' ')[2]));
                var shape = Struct(document, name).GetProperty("boards").GetProperty(board);
                Assert.True(size == shape.GetProperty("size").GetInt64(), $"{name} on {board}: the compiled code says {size} B, layout {shape}");
                Assert.Equal(align, shape.GetProperty("align").GetInt64());
            }
        }
    }

    [Fact]
    public async Task The_misaligned_atomic_that_panics_on_the_Pi_1_is_found_statically_on_every_32_bit_board_and_not_on_64_bit_ones()
    {
        var result = await Layout(ArmTests(), "./atomic");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "  atomic/atomic_test.go:16:2: atomic.AddInt64(&counters.total) at offset 4, not 8-byte aligned on pi0, pi1, pi2, pi3-32, pi4-32, pi5-32, zero2-32\n"
            + "    fix: move total to the start of counters, or make it an atomic.Int64 (aligned by Go 1.19+)\n",
            result.StandardOutput, StringComparison.Ordinal);

        var json = await Layout(ArmTests(), "--json", "./atomic");
        Assert.Equal(1, json.ExitCode);
        using var document = JsonDocument.Parse(json.StandardOutput);
        var finding = Assert.Single(document.RootElement.GetProperty("misaligned_atomics").EnumerateArray());
        Assert.Equal("counters.total", finding.GetProperty("path").GetString());
        Assert.Equal(4, finding.GetProperty("offset").GetInt64());
        Assert.Equal(["pi0", "pi1", "pi2", "pi3-32", "pi4-32", "pi5-32", "zero2-32"], finding.GetProperty("boards").EnumerateArray().Select(b => b.GetString()));

        var pi4 = await Layout(ArmTests(), "--target", "pi4", "./atomic");
        pi4.AssertSucceeded();
        Assert.Contains("0 misaligned 64-bit atomics among 1 call on fields", pi4.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type counters struct {\n\ttotal int64\n\tflag  int32\n}", "atomic.AddInt64(&c.total, 1)", "c.total != 1", 1)]
    [InlineData("type counters struct {\n\tflag  int32\n\ttotal atomic.Int64\n}", "c.total.Add(1)", "c.total.Load() != 1", 0)]
    public async Task With_the_field_moved_first_or_an_atomic_Int64_nothing_is_reported(string type, string add, string check, int callsOnFields)
    {
        var project = ArmTests();
        var test = Path.Combine(project, "atomic", "atomic_test.go");
        var source = File.ReadAllText(test)
            .Replace("type counters struct {\n\tflag  int32\n\ttotal int64\n}", type, StringComparison.Ordinal)
            .Replace("atomic.AddInt64(&c.total, 1)", add, StringComparison.Ordinal)
            .Replace("c.total != 1", check, StringComparison.Ordinal);
        Assert.Contains(add, source, StringComparison.Ordinal);
        File.WriteAllText(test, source);

        var result = await Layout(project, "--target", "pi1,pi2,pi4", "./atomic");
        result.AssertSucceeded();
        Assert.Contains($"0 misaligned 64-bit atomics among {callsOnFields} call", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("fix:", result.StandardOutput, StringComparison.Ordinal);

        // The program agrees: the fixed test passes on the Pi 1's CPU.
        var onPi1 = await Run.PiBuildAsync(["test", "--target", "pi1", "-C", project, "./atomic"], _dir.Path, cache.Environment());
        onPi1.AssertSucceeded();
    }

    [Fact]
    public async Task A_package_that_does_not_compile_for_32_bit_ARM_fails_with_the_compilers_line()
    {
        var result = await Layout(ArmTests(), "--target", "pi1", "./overflow");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("pibuild: layout for pi1 (linux/arm): overflow/overflow.go:7:16: cannot use big", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reorder_suggests_the_order_with_the_least_padding_for_structs_that_waste_8_bytes()
    {
        var result = await Layout(LayoutsProject(), "--target", "pi1,pi4", "--reorder", "./layouts");
        result.AssertSucceeded();
        Assert.Contains("  ProgInfo {_, Reguse, Regset, Regindex, Flags}  pi1: 32 → 28 B  pi4: 40 → 32 B  layouts/layouts.go:5:6\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("ProgInfoFlagsLast {", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_real_gb_project_Debians_sftp_with_its_tests_is_laid_out_without_errors()
    {
        // Debian's golang-github-pkg-sftp-dev as a gb project: its code in src/, everything it imports in vendor/src.
        var project = _dir.Combine("sftp");
        Repository.CopyTree("/usr/share/gocode/src/github.com/pkg/sftp", Path.Combine(project, "src", "github.com", "pkg", "sftp"));
        Directory.CreateDirectory(Path.Combine(project, "vendor"));
        File.CreateSymbolicLink(Path.Combine(project, "vendor", "src"), "/usr/share/gocode/src");

        var result = await Layout(project, "--target", "pi1,pi4", "--json");
        result.AssertSucceeded();
        using var document = JsonDocument.Parse(result.StandardOutput);
        Assert.True(document.RootElement.GetProperty("packages").GetInt32() >= 5, result.StandardOutput[..200]);
        var structs = document.RootElement.GetProperty("structs").EnumerateArray().ToArray();
        Assert.True(structs.Length >= 50, $"{structs.Length} structs");
        Assert.Contains(structs, s => s.GetProperty("name").GetString() == "Client" && s.GetProperty("position").GetString()!.StartsWith("src/github.com/pkg/sftp/client.go:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_analyzer_is_built_once_per_toolchain_and_reused()
    {
        var project = LayoutsProject();
        (await Layout(project, "--target", "pi1", "./layouts")).AssertSucceeded();
        var built = Directory.GetFiles(Path.Combine(cache.CacheHome, "pibuild", "layout"), "pibuild-layout", SearchOption.AllDirectories);
        var analyzer = Assert.Single(built, path => path.Contains(GoVersionDirectory(), StringComparison.Ordinal));
        var first = File.GetLastWriteTimeUtc(analyzer);

        (await Layout(project, "--target", "pi4", "./layouts")).AssertSucceeded();
        Assert.Equal(first, File.GetLastWriteTimeUtc(analyzer));
    }

    [Fact]
    public async Task The_READMEs_example_is_what_layout_prints_for_examples_layout()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        const string command = "$ pibuild layout -C examples/layout --target pi1,pi4 --reorder\n";
        var start = readme.IndexOf(command, StringComparison.Ordinal) + command.Length;
        var shown = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        var project = Repository.CopyExample("layout", _dir.Path);
        var result = await Layout(project, "--target", "pi1,pi4", "--reorder");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(shown, System.Text.RegularExpressions.Regex.Replace(result.StandardOutput, @"go1\.\d+\.\d+\)", "go1.19.8)"));
    }

    private static string GoVersionDirectory()
    {
        var go = Environment.GetEnvironmentVariable("PIBUILD_TEST_GO") is { Length: > 0 } path ? path : "go";
        var version = Run.ProgramAsync(go, ["env", "GOVERSION"]).GetAwaiter().GetResult().StandardOutput.Trim();
        return $"-{version}{Path.DirectorySeparatorChar}";
    }

    public void Dispose() => _dir.Dispose();
}
