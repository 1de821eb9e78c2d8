using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using static Amparo.Bench.Report;

namespace Amparo.Bench;

/// <summary>
/// Learning (issue 18): the library's index over 1,000 lessons (the starter set's twelve, copied under new ids with all
/// their languages) and a lesson's pages, as a visitor reads them — p95 of sequential warm requests over loopback —
/// beside the same pages of the shipped library of twelve lessons, each library in its own child app on SQLite.
/// </summary>
internal static class LearningBench
{
    public static async Task<int> RunAsync(string appDll, Args options)
    {
        var requests = options.Int("requests", 200);
        var lessons = options.Int("lessons", 1000);
        var starter = Path.Combine(ChildApp.RepositoryRoot(), "content");
        var bigLibrary = ChildApp.NewDataDirectory("amparo-learning-content-");
        try
        {
            var copied = CopyLibrary(starter, bigLibrary, lessons);
            Console.WriteLine($"learning: a library of {copied:N0} lessons written to {bigLibrary}");
            var small = await MeasureAsync(appDll, starter, requests);
            var big = await MeasureAsync(appDll, bigLibrary, requests);
            if (big.Listed != Amparo.Web.Pages.Learn.IndexModel.PageSize || small.Total != 12 || big.Total != copied)
                throw new InvalidOperationException($"the index lists {small.Total} and {big.Total} lessons");
            var figures = new List<BenchRow>
            {
                Row($"library index, {copied:N0} lessons, p95", big.Index.P95, 100, "ms", small.Index.P95, "12 lessons"),
                Row($"library index, {copied:N0} lessons, p50", big.Index.P50, null, "ms", small.Index.P50, "12 lessons"),
                Row($"library index, {copied:N0} lessons, page 10, p95", big.Page10.P95, 100, "ms", small.Index.P95, "12 lessons"),
                Row($"library index, filtered (audience), p95", big.Filtered.P95, 100, "ms", small.Filtered.P95, "12 lessons"),
                Row("lesson page (phone-lock), p95", big.Lesson.P95, 100, "ms", small.Lesson.P95, "12 lessons"),
                Row("step page, p95", big.Step.P95, 100, "ms", small.Step.P95, "12 lessons"),
                Row("library index weight", big.Index.Bytes / 1024.0, 60, "KB", small.Index.Bytes / 1024.0, "12 lessons"),
                Row("lesson page weight (phone-lock)", big.Lesson.Bytes / 1024.0, 30, "KB", small.Lesson.Bytes / 1024.0, "12 lessons"),
                Row("step page weight", big.Step.Bytes / 1024.0, 30, "KB", small.Step.Bytes / 1024.0, "12 lessons"),
            };
            Print($"Lesson library over loopback (SQLite, {requests} sequential warm requests, anonymous reader, English), {Environment.ProcessorCount} cores", figures);
            await WriteAsync("learning", new { requests, lessons = copied }, figures);
            return 0;
        }
        finally
        {
            CrashBench.TryDelete(bigLibrary);
        }
    }

    private sealed record Figures(PlansBench.PageFigures Index, PlansBench.PageFigures Page10, PlansBench.PageFigures Filtered,
        PlansBench.PageFigures Lesson, PlansBench.PageFigures Step, int Listed, int Total);

    private static async Task<Figures> MeasureAsync(string appDll, string contentPath, int requests)
    {
        var dataDir = ChildApp.NewDataDirectory("amparo-learning-");
        try
        {
            await using var smtp = new TestSmtpServer { KeepMessages = false };
            var settings = CheckInSeed.AppSettings(smtp.Port);
            settings["Learning:ContentPath"] = contentPath;
            await using var app = await ChildApp.StartHealthyAsync(appDll, dataDir, settings);
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
            var index = await http.GetStringAsync("learn");
            var listed = Regex.Count(index, "class=\"learn-title\"");
            var total = int.Parse(Regex.Match(index, @"Lessons shown: ([\d,]+)").Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
            return new Figures(
                await PlansBench.PageAsync(http, "learn", requests),
                await PlansBench.PageAsync(http, "learn?page=10", requests),
                await PlansBench.PageAsync(http, "learn?audience=women-defenders", requests),
                await PlansBench.PageAsync(http, "learn/phone-lock", requests),
                await PlansBench.PageAsync(http, "learn/phone-lock/steps/set-a-lock", requests),
                listed, total);
        }
        finally
        {
            CrashBench.TryDelete(dataDir);
        }
    }

    /// <summary>The starter set, then copies of its lessons under new ids until there are <paramref name="count"/>.</summary>
    internal static int CopyLibrary(string from, string to, int count)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var originals = Directory.GetDirectories(Path.Combine(from, "lessons")).Order(StringComparer.Ordinal).ToList();
        for (var i = originals.Count; i < count; i++)
        {
            var source = originals[i % originals.Count];
            var id = $"{Path.GetFileName(source)}-{i:D4}";
            var target = Path.Combine(to, "lessons", id);
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var path = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Copy(file, path);
            }
            var yaml = Path.Combine(target, "lesson.yaml");
            File.WriteAllText(yaml, Regex.Replace(File.ReadAllText(yaml), "^id: .*$", "id: " + id, RegexOptions.Multiline));
        }
        return Math.Max(count, originals.Count);
    }
}
