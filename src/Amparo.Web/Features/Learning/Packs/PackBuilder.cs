using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amparo.Web.Infrastructure.Localization;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Amparo.Web.Features.Learning.Packs;

/// <summary>What a pack request names that cannot go in: ids this library does not have, organizations' private lessons,
/// languages Amparo does not speak.</summary>
public sealed record PackRequestCheck(IReadOnlyList<string> Lessons, IReadOnlyList<string> Unknown, IReadOnlyList<string> Private, IReadOnlyList<string> Languages, IReadOnlyList<string> UnknownLanguages)
{
    public bool IsValid => Unknown.Count == 0 && UnknownLanguages.Count == 0 && Lessons.Count > 0 && Languages.Count > 0;
}

/// <param name="LeftOutPrivate">Organizations' private lessons asked for and left out: they are never put in a pack.</param>
public sealed record PackBuildResult(PackManifest Manifest, IReadOnlyList<string> LeftOutPrivate);

/// <summary>
/// Builds a training pack (a ZIP): manifest.json and its signature, the lessons' source files as they are in the
/// library's folders (another Amparo imports them), and a static HTML rendering that reads from a USB stick without
/// JavaScript — each lesson on one page, a printable checklist, the words of the glossary, an attribution page.
/// Needs no database: the caller gives the catalog and the signing key.
/// </summary>
public static class PackBuilder
{
    private static readonly ISerializer Yaml = new SerializerBuilder().WithNamingConvention(HyphenatedNamingConvention.Instance).Build();

    /// <summary>Sorts a request: lessons of the library (in the order asked, once each), unknown ids, private lessons,
    /// languages (supported ones, in Amparo's order).</summary>
    public static PackRequestCheck Check(LessonCatalog catalog, IEnumerable<string?> lessons, IEnumerable<string?> languages)
    {
        var ok = new List<string>();
        var unknown = new List<string>();
        var leftOut = new List<string>();
        foreach (var raw in lessons.Select(l => l?.Trim() ?? "").Where(l => l.Length > 0).Distinct(StringComparer.Ordinal))
        {
            if (OrganizationLesson.RowId(raw) is not null) leftOut.Add(raw);
            else if (catalog.Lessons.GetValueOrDefault(raw) is not { } lesson) unknown.Add(raw);
            else if (lesson.OrganizationId is not null || lesson.Licence == "private") leftOut.Add(raw);
            else ok.Add(raw);
        }
        // A form posts an empty field as null: it names nothing.
        var asked = languages.Select(l => l?.Trim() ?? "").Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return new(ok, unknown, leftOut, [.. Cultures.Supported.Where(asked.Contains)], [.. asked.Where(l => !Cultures.IsSupported(l))]);
    }

    public static PackBuildResult Build(LessonCatalog catalog, PackRequestCheck request, PackSigningKey key, string installation, DateTime createdUtc, Stream output)
    {
        if (!request.IsValid) throw new ArgumentException("The request names unknown lessons or languages, or none.", nameof(request));
        var lessons = request.Lessons.Select(id => catalog.Lessons[id]).ToList();
        var files = new List<(string Path, byte[] Bytes)>();
        var entries = new List<PackLessonEntry>();
        foreach (var lesson in lessons)
        {
            var languages = new[] { lesson.Source }.Concat(request.Languages.Where(l => lesson.CompleteLanguages.Contains(l))).Distinct().ToList();
            entries.Add(new(lesson.Id, lesson.Version, lesson.Source, languages, lesson.Licence, lesson.Attribution,
                [.. lesson.Images.Select(i => new PackImageEntry(i.File, i.Licence, i.Attribution))]));
            files.AddRange(SourceFiles(lesson, languages));
        }
        foreach (var language in request.Languages)
            if (catalog.Glossary.GetValueOrDefault(language) is { Count: > 0 } terms)
                files.Add(($"{PackFormat.SourcePrefix}glossary/{language}.yaml", GlossaryYaml(terms.Values)));

        var packId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var html = new PackHtml(catalog, lessons, request, installation, createdUtc, request.Private.Count);
        files.AddRange(html.Pages());

        var manifest = new PackManifest(PackFormat.Version, packId, createdUtc, key.KeyId, installation, entries,
            [.. files.Select(f => new PackFileEntry(f.Path, Convert.ToHexStringLower(SHA256.HashData(f.Bytes)), f.Bytes.Length))]);
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, PackFormat.Json);
        var signature = JsonSerializer.SerializeToUtf8Bytes(new PackSignatureFile(key.KeyId, Convert.ToBase64String(key.Sign(manifestBytes))), PackFormat.Json);

        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, PackFormat.Manifest, manifestBytes, createdUtc);
            Write(zip, PackFormat.Signature, signature, createdUtc);
            foreach (var (path, bytes) in files) Write(zip, path, bytes, createdUtc);
        }
        return new(manifest, request.Private);
    }

    private static void Write(ZipArchive zip, string path, byte[] bytes, DateTime created)
    {
        var entry = zip.CreateEntry(path, CompressionLevel.Fastest);
        entry.LastWriteTime = new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc));
        using var stream = entry.Open();
        stream.Write(bytes);
    }

    /// <summary>lesson.yaml, the chosen languages' folders and the images, byte for byte as in the library's folder.</summary>
    private static IEnumerable<(string, byte[])> SourceFiles(Lesson lesson, IReadOnlyList<string> languages)
    {
        var folder = lesson.Folder ?? throw new InvalidOperationException($"Lesson {lesson.Id} has no folder on disk.");
        var prefix = $"{PackFormat.SourcePrefix}lessons/{lesson.Id}/";
        yield return (prefix + "lesson.yaml", File.ReadAllBytes(Path.Combine(folder, "lesson.yaml")));
        foreach (var language in languages)
        {
            var dir = Path.Combine(folder, language);
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name == "lesson.yaml" || (name.EndsWith(".md", StringComparison.Ordinal) && lesson.Steps.Any(s => s.Id + ".md" == name)))
                    yield return ($"{prefix}{language}/{name}", File.ReadAllBytes(file));
            }
        }
        foreach (var image in lesson.Images)
            yield return ($"{prefix}images/{image.File}", File.ReadAllBytes(Path.Combine(folder, "images", image.File)));
    }

    public static byte[] GlossaryYaml(IEnumerable<GlossaryTerm> terms) =>
        Encoding.UTF8.GetBytes(Yaml.Serialize(terms.OrderBy(t => t.Id, StringComparer.Ordinal).Select(t => new GlossaryYamlTerm { Id = t.Id, Term = t.Term, Text = t.Text }).ToList()));

    private sealed class GlossaryYamlTerm
    {
        public string Id { get; set; } = "";
        public string Term { get; set; } = "";
        public string Text { get; set; } = "";
    }
}
