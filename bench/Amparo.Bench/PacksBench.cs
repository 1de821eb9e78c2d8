using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Learning.Packs;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Offline training packs (issue 19): a pack of 50 lessons in five languages (the starter set's twelve, copied under new
/// ids with all their languages, as the learning bench does) built in-process — sources, static pages, checklists,
/// attribution, manifest and signature — beside a plain ZIP (System.IO.Compression, the same compression level) of the
/// same source files, measured in the same run. Median and max of a few runs, after one warm-up of each.
/// </summary>
internal static class PacksBench
{
    public static async Task<int> RunAsync(Args options)
    {
        var lessons = options.Int("lessons", 50);
        var runs = options.Int("runs", 5);
        string[] languages = ["en", "es", "fr", "ar", "ru"];
        var library = ChildApp.NewDataDirectory("amparo-packs-content-");
        try
        {
            // Exactly `lessons` lessons: the starter set and its copies, then the surplus of the starter set removed if fewer are asked.
            LearningBench.CopyLibrary(Path.Combine(ChildApp.RepositoryRoot(), "content"), library, lessons);
            var load = Stopwatch.StartNew();
            var (catalog, _) = LessonContentLoader.Load(library, DateOnly.FromDateTime(DateTime.UtcNow));
            load.Stop();
            var ids = catalog.Lessons.Keys.Order(StringComparer.Ordinal).Take(lessons).ToArray();
            var request = PackBuilder.Check(catalog, ids, languages);
            using var key = PackSigningKey.FromSecret(RandomNumberGenerator.GetBytes(32));
            var sources = ids.SelectMany(id => Directory.GetFiles(Path.Combine(library, "lessons", id), "*", SearchOption.AllDirectories))
                .Concat(languages.Select(l => Path.Combine(library, "glossary", l + ".yaml"))).ToList();
            Console.WriteLine($"packs: {ids.Length} lessons × {languages.Length} languages, {sources.Count} source files, library loaded in {load.Elapsed.TotalMilliseconds:F0} ms");

            var pack = new List<double>();
            var plain = new List<double>();
            long packBytes = 0, plainBytes = 0;
            int packFiles = 0;
            for (var run = 0; run <= runs; run++)
            {
                var watch = Stopwatch.StartNew();
                using (var output = new MemoryStream())
                {
                    var result = PackBuilder.Build(catalog, request, key, "Amparo bench", DateTime.UtcNow, output);
                    watch.Stop();
                    packBytes = output.Length;
                    packFiles = result.Manifest.Files.Count + 2;
                }
                if (run > 0) pack.Add(watch.Elapsed.TotalMilliseconds);

                watch.Restart();
                using (var output = new MemoryStream())
                {
                    using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
                        foreach (var file in sources)
                        {
                            var entry = zip.CreateEntry(Path.GetRelativePath(library, file), CompressionLevel.Fastest);
                            using var stream = entry.Open();
                            stream.Write(File.ReadAllBytes(file));
                        }
                    watch.Stop();
                    plainBytes = output.Length;
                }
                if (run > 0) plain.Add(watch.Elapsed.TotalMilliseconds);
            }
            var figures = new List<BenchRow>
            {
                Row($"pack build, {ids.Length} lessons × 5 languages, median", Median(pack), 10_000, "ms", Median(plain), "plain ZIP of the sources"),
                Row($"pack build, {ids.Length} lessons × 5 languages, max", pack.Max(), 10_000, "ms", plain.Max(), "plain ZIP of the sources"),
                Row("pack size", packBytes / 1024.0, null, "KB", plainBytes / 1024.0, "plain ZIP of the sources"),
                Row("files in the pack", packFiles, null, "files", sources.Count, "source files"),
            };
            Print($"Training pack build in-process ({runs} runs after a warm-up; library already loaded), {Environment.ProcessorCount} cores", figures);
            await WriteAsync("packs", new { lessons = ids.Length, languages, runs }, figures);
            return 0;
        }
        finally
        {
            CrashBench.TryDelete(library);
        }
    }
}
