using System.Globalization;
using System.Text.Json;

namespace Amparo.Bench;

internal sealed record BenchRow(string What, double Value, double? Target, string Unit, double? Peer = null, string? PeerName = null);

/// <summary>Tables on the console and the same figures as JSON in bench/results-&lt;name&gt;.json.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static BenchRow Row(string what, double value, double? target, string unit, double? peer = null, string? peerName = null) =>
        new(what, Math.Round(value, 2), target, unit, peer is null ? null : Math.Round(peer.Value, 2), peerName);

    public static void Print(string title, IEnumerable<BenchRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine($"{"what",-66} {"value",10} {"target",8} {"peer",10} {"ratio",7} unit");
        foreach (var r in rows)
        {
            var ratio = r.Peer is { } p && p != 0 ? (r.Value / p).ToString("0.###", CultureInfo.InvariantCulture) : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.What,-66} {r.Value,10} {r.Target?.ToString(CultureInfo.InvariantCulture) ?? "",8} {r.Peer?.ToString(CultureInfo.InvariantCulture) ?? "",10} {ratio,7} {r.Unit}"));
        }
    }

    public static async Task WriteAsync(string name, object parameters, IEnumerable<BenchRow> rows, object? extra = null)
    {
        var json = Path.Combine(Tests.Infrastructure.ChildApp.RepositoryRoot(), "bench", $"results-{name}.json");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(
            new { measuredAt = DateTime.UtcNow, cores = Environment.ProcessorCount, parameters, rows, extra },
            Indented));
        Console.WriteLine($"written: {json}");
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var index = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}

/// <summary>--name value options.</summary>
internal sealed class Args(string[] args)
{
    public string? Get(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public bool Flag(string name) => args.Contains("--" + name);
}
