using Amparo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Amparo.Tests.Learning;

/// <summary>The library of Learning/Fixture (beside the test binary): a stale critical step, a stale ordinary one, a
/// missing Arabic step, a French step for the second-language rule, and a lesson written in Spanish.</summary>
public static class LearningFixture
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Learning", "Fixture");

    /// <summary>The repository's own content/ folder (the starter set), found above the test binary.</summary>
    public static string StarterSet
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(System.IO.Path.Combine(dir, "Amparo.slnx"))) dir = System.IO.Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Amparo.slnx not found");
            return System.IO.Path.Combine(dir, "content");
        }
    }
}

public sealed class LearningSqliteApp : SqliteApp
{
    protected override void ConfigureMore(IWebHostBuilder builder) => builder.UseSetting("Learning:ContentPath", LearningFixture.Path);
}

public sealed class LearningPostgresApp : PostgresApp
{
    protected override void ConfigureMore(IWebHostBuilder builder) => builder.UseSetting("Learning:ContentPath", LearningFixture.Path);
}
