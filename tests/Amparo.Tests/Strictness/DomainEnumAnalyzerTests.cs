using System.Collections.Immutable;
using Amparo.Analyzers;
using Amparo.Web.Features.CheckIns;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amparo.Tests.Strictness;

/// <summary>
/// AMP0001/AMP0002 (tools/Amparo.Analyzers): a switch over an enum declared in Amparo names every value, so a value
/// added later fails to compile wherever it is not handled. Each test compiles a snippet with the real analyzer.
/// </summary>
public sealed class DomainEnumAnalyzerTests
{
    private const string Domain = "public enum Level { Low, Mid, High }\n";

    [Fact]
    public async Task Discard_arm_over_a_domain_enum_is_an_error()
    {
        var ids = await AnalyzeAsync(Domain + "static class C { static int F(Level l) => l switch { Level.Low => 1, _ => 2 }; }");
        Assert.Equal(["AMP0001"], ids);
    }

    [Fact]
    public async Task Var_discard_and_default_label_over_a_domain_enum_are_errors()
    {
        var ids = await AnalyzeAsync(Domain + """
            static class C
            {
                static int F(Level l) => l switch { Level.Low => 1, var _ => 2 };
                static int G(Level l) { switch (l) { case Level.Low: return 1; default: return 2; } }
                static int H(Level? l) => l switch { Level.Low => 1, null => 0, _ => 2 };
            }
            """);
        Assert.Equal(["AMP0001", "AMP0001", "AMP0001"], ids);
    }

    [Fact]
    public async Task Every_value_named_is_accepted_without_a_discard()
    {
        var ids = await AnalyzeAsync(Domain + """
            static class C
            {
                static int F(Level l) => l switch { Level.Low => 1, Level.Mid or Level.High => 2 };
                static int G(Level l) { switch (l) { case Level.Low: return 1; case Level.Mid or Level.High: return 2; } return 0; }
                // Naming the value and handing it on is not a catch-all: the switch it goes to is checked in turn.
                static int H(Level l) => l switch { Level.Low => 1, var other => F(other) };
            }
            """);
        Assert.Empty(ids);
    }

    [Fact]
    public async Task Discard_over_an_int_a_string_or_a_framework_enum_is_allowed()
    {
        var ids = await AnalyzeAsync(Domain + """
            static class C
            {
                static int F(int i) => i switch { 1 => 1, _ => 2 };
                static int G(string s) => s switch { "a" => 1, _ => 2 };
                static int H(System.DayOfWeek d) => d switch { System.DayOfWeek.Monday => 1, _ => 2 };
                static int I(System.DayOfWeek d) { switch (d) { case System.DayOfWeek.Monday: return 1; default: return 2; } }
            }
            """);
        Assert.Empty(ids);
    }

    [Fact]
    public async Task Switch_statement_that_leaves_out_a_domain_value_is_an_error()
    {
        var diagnostics = await AnalyzeDiagnosticsAsync(Domain + "static class C { static int G(Level l) { switch (l) { case Level.Low: return 1; case Level.Mid: return 2; } return 0; } }");
        var d = Assert.Single(diagnostics);
        Assert.Equal("AMP0002", d.Id);
        Assert.Contains("High", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_apps_own_enums_count_as_domain_enums_from_another_assembly()
    {
        // The snippet is not Amparo; AlertKind comes from the app's assembly, as it would in a module of its own.
        var ids = await AnalyzeAsync(
            "static class C { static int F(Amparo.Web.Features.CheckIns.AlertKind k) => k switch { Amparo.Web.Features.CheckIns.AlertKind.Panic => 1, _ => 2 }; }",
            assemblyName: "Snippet", typeof(AlertKind).Assembly.Location);
        Assert.Equal(["AMP0001"], ids);
    }

    [Fact]
    public async Task Without_a_discard_a_new_value_fails_to_compile_and_CS8524_alone_is_what_NoWarn_turns_off()
    {
        var source = "public enum Level { Low, Mid, High }\nstatic class C { static int F(Level l) => l switch { Level.Low => 1, Level.Mid => 2 }; static int G(Level l) => l switch { Level.Low => 1, Level.Mid => 2, Level.High => 3 }; }";
        var compiler = Compile(source, "amparo").GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id).ToList();
        // F forgot High: CS8509, an error with warnings as errors. G names all: only CS8524 (unnamed numbers), which NoWarn has.
        Assert.Equal(["CS8509", "CS8524"], compiler.Order(StringComparer.Ordinal));
        Assert.Contains("CS8524", File.ReadAllText(Path.Combine(RepositoryRoot(), "Directory.Build.props")), StringComparison.Ordinal);
    }

    private static async Task<List<string>> AnalyzeAsync(string source, string assemblyName = "amparo", params string[] references) =>
        (await AnalyzeDiagnosticsAsync(source, assemblyName, references)).Select(d => d.Id).ToList();

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeDiagnosticsAsync(string source, string assemblyName = "amparo", params string[] references)
    {
        var compilation = Compile(source, assemblyName, references);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8509").ToList();
        Assert.True(errors.Count == 0, "The snippet must compile: " + string.Join("; ", errors));
        var analyzed = compilation.WithAnalyzers([new DomainEnumDiscardAnalyzer()]);
        return (await analyzed.GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken))
            .OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
    }

    /// <summary>
    /// The core library only, read once: the snippets use nothing else, and referencing every assembly of the test
    /// process (about 250, ASP.NET Core included) made each compilation cost seconds of CPU.
    /// </summary>
    private static readonly MetadataReference[] Platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p) is "System.Private.CoreLib.dll" or "System.Runtime.dll" or "netstandard.dll")
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();

    private static CSharpCompilation Compile(string source, string assemblyName, params string[] references)
    {
        return CSharpCompilation.Create(assemblyName,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), cancellationToken: TestContext.Current.CancellationToken)],
            Platform.Concat(references.Select(p => MetadataReference.CreateFromFile(p))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Amparo.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Amparo.slnx not found above the test's folder.");
        return dir;
    }
}
