namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>A Go module that needs C: a function in a .c file, and Debian's zlib (multiarch zlib1g-dev for the board).</summary>
public static class CgoModule
{
    /// <summary>Writes the module into <paramref name="directory"/>; its program prints "C says 42 zlib VERSION".</summary>
    public static string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "go.mod"), "module example.com/withc\n\ngo 1.19\n");
        File.WriteAllText(Path.Combine(directory, "main.go"), """
            package main

            // #cgo LDFLAGS: -lz
            // #include <zlib.h>
            // int answer(void);
            import "C"

            import "fmt"

            func main() { fmt.Println("C says", C.answer(), "zlib", C.GoString(C.zlibVersion())) }
            """);
        File.WriteAllText(Path.Combine(directory, "answer.c"), "int answer(void) { return 6 * 7; }\n");
        return directory;
    }
}
