using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amparo.Web.Features.Audit;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Learning.Packs;

/// <summary>Why a pack is refused. Nothing is written for any of these.</summary>
public enum PackRefusal
{
    NotAPack = 0,
    UnsafePath = 1,
    TooLarge = 2,
    NoSignature = 3,
    Untrusted = 4,
    BadSignature = 5,
    BadManifest = 6,
    NewerFormat = 7,
    Unlisted = 8,
    Missing = 9,
    FileMismatch = 10,
    Content = 11,
}

public sealed record PackProblem(PackRefusal Refusal, string Detail = "");

/// <summary>A pack whose signature, hashes and sizes were checked: its manifest, who signed it, and its source files.</summary>
public sealed record VerifiedPack(PackManifest Manifest, PackSigner Signer, IReadOnlyDictionary<string, byte[]> SourceFiles);

public sealed record PackLessonChange(string Id, string Title, int? Here, int InPack, IReadOnlyList<string> Languages, IReadOnlyList<string> AddedLanguages);

public sealed record PackTermChange(string Language, string Id, string Term);

/// <summary>What an import would change: lessons new, updated (version here → in the pack), unchanged, older (skipped);
/// glossary terms added or changed.</summary>
public sealed record PackPreview(
    PackManifest Manifest, PackSigner Signer,
    IReadOnlyList<PackLessonChange> New, IReadOnlyList<PackLessonChange> Updated,
    IReadOnlyList<PackLessonChange> Unchanged, IReadOnlyList<PackLessonChange> Older,
    IReadOnlyList<PackTermChange> TermsAdded, IReadOnlyList<PackTermChange> TermsChanged)
{
    public bool ChangesAnything => New.Count + Updated.Count + TermsAdded.Count + TermsChanged.Count > 0;
}

public sealed record PackImportOutcome(PackPreview? Preview, PackProblem? Problem);

/// <summary>
/// Reads a pack and checks it before anything else looks inside: at most <see cref="PackFormat.MaxEntries"/> entries
/// and <see cref="PackFormat.MaxUncompressedBytes"/> unpacked; every name a plain relative path (no "..", no absolute
/// path, no backslash); a manifest signed by a trusted key; every file listed, present, of the listed size and SHA-256.
/// </summary>
public static partial class PackReader
{
    public static PackImportOutcome? Verify(Stream zipStream, IReadOnlyDictionary<string, PackSigner> trusted, out VerifiedPack? pack)
    {
        pack = null;
        ZipArchive zip;
        try { zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException) { return Refuse(PackRefusal.NotAPack); }
        using (zip)
        {
            System.Collections.ObjectModel.ReadOnlyCollection<ZipArchiveEntry> entries;
            try { entries = zip.Entries; }
            catch (InvalidDataException) { return Refuse(PackRefusal.NotAPack); }
            if (entries.Count > PackFormat.MaxEntries) return Refuse(PackRefusal.TooLarge, $"{entries.Count} entries");
            if (entries.Sum(e => e.Length) > PackFormat.MaxUncompressedBytes) return Refuse(PackRefusal.TooLarge, "bytes");
            var byName = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (!IsSafePath(entry.FullName)) return Refuse(PackRefusal.UnsafePath, entry.FullName);
                if (!byName.TryAdd(entry.FullName, entry)) return Refuse(PackRefusal.UnsafePath, entry.FullName);
            }
            if (!byName.TryGetValue(PackFormat.Manifest, out var manifestEntry) || !byName.TryGetValue(PackFormat.Signature, out var sigEntry))
                return Refuse(PackRefusal.NoSignature);

            var sigBytes = Read(sigEntry, 64 * 1024);
            var manifestBytes = Read(manifestEntry, PackFormat.MaxManifestBytes);
            if (sigBytes is null || manifestBytes is null) return Refuse(PackRefusal.TooLarge, "manifest");
            PackSignatureFile? sig;
            try { sig = JsonSerializer.Deserialize<PackSignatureFile>(sigBytes, PackFormat.Json); }
            catch (JsonException) { return Refuse(PackRefusal.NoSignature); }
            if (sig is null || string.IsNullOrEmpty(sig.KeyId) || string.IsNullOrEmpty(sig.Signature)) return Refuse(PackRefusal.NoSignature);
            if (!trusted.TryGetValue(sig.KeyId, out var signer)) return Refuse(PackRefusal.Untrusted, KeyIdPattern().IsMatch(sig.KeyId) ? sig.KeyId : "?");
            byte[] signature;
            try { signature = Convert.FromBase64String(sig.Signature); }
            catch (FormatException) { return Refuse(PackRefusal.BadSignature); }
            if (!PackSignatures.Verify(signer.PublicKey, manifestBytes, signature)) return Refuse(PackRefusal.BadSignature);

            PackManifest? manifest;
            try { manifest = JsonSerializer.Deserialize<PackManifest>(manifestBytes, PackFormat.Json); }
            catch (JsonException) { return Refuse(PackRefusal.BadManifest); }
            if (manifest?.Files is null || manifest.Lessons is null) return Refuse(PackRefusal.BadManifest);
            if (manifest.FormatVersion > PackFormat.Version) return Refuse(PackRefusal.NewerFormat, manifest.FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (manifest.KeyId != sig.KeyId) return Refuse(PackRefusal.BadSignature);

            var listed = new Dictionary<string, PackFileEntry>(StringComparer.Ordinal);
            foreach (var file in manifest.Files)
            {
                if (file?.Path is null || !IsSafePath(file.Path)) return Refuse(PackRefusal.UnsafePath, file?.Path ?? "");
                if (file.Path is PackFormat.Manifest or PackFormat.Signature || !listed.TryAdd(file.Path, file)) return Refuse(PackRefusal.BadManifest);
            }
            foreach (var name in byName.Keys.Where(n => n is not (PackFormat.Manifest or PackFormat.Signature)))
                if (!listed.ContainsKey(name)) return Refuse(PackRefusal.Unlisted, name);
            foreach (var name in listed.Keys)
                if (!byName.ContainsKey(name)) return Refuse(PackRefusal.Missing, name);

            var lessonIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var lesson in manifest.Lessons)
                if (lesson?.Id is null || LessonMarkdown.Id(lesson.Id) is null || !lessonIds.Add(lesson.Id)) return Refuse(PackRefusal.BadManifest);

            var sources = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            long total = manifestBytes.LongLength + sigBytes.LongLength;
            foreach (var (name, file) in listed)
            {
                // At most what the entry's header declares (their sum was checked above): a header that lies stops the read.
                var bytes = Read(byName[name], byName[name].Length);
                if (bytes is not null && (total += bytes.LongLength) > PackFormat.MaxUncompressedBytes) return Refuse(PackRefusal.TooLarge, "bytes");
                if (bytes is null || bytes.LongLength != file.Size || !string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256, StringComparison.Ordinal))
                    return Refuse(PackRefusal.FileMismatch, name);
                if (!name.StartsWith(PackFormat.SourcePrefix, StringComparison.Ordinal)) continue;
                var relative = name[PackFormat.SourcePrefix.Length..];
                if (!IsImportable(relative, lessonIds)) return Refuse(PackRefusal.Unlisted, name);
                sources[relative] = bytes;
            }
            pack = new VerifiedPack(manifest, signer, sources);
            return null;
        }
    }

    private static PackImportOutcome Refuse(PackRefusal refusal, string detail = "") => new(null, new(refusal, detail));

    /// <summary>A plain relative path of letters, digits, ".", "_" and "-" segments: never absolute, never "..", never a backslash.</summary>
    public static bool IsSafePath(string name) =>
        name.Length is > 0 and <= 300 && SafePath().IsMatch(name) && name.Split('/').All(s => s is not ("." or ".."));

    /// <summary>What an import may write: a listed lesson's files, or a glossary of a language Amparo speaks.</summary>
    private static bool IsImportable(string relative, HashSet<string> lessonIds)
    {
        var parts = relative.Split('/');
        return parts switch
        {
            ["lessons", var id, ..] when parts.Length is 3 or 4 => lessonIds.Contains(id),
            ["glossary", var file] => file.EndsWith(".yaml", StringComparison.Ordinal) && Cultures.IsSupported(file[..^5]),
            _ => false,
        };
    }

    /// <summary>The entry's bytes, or null when it unpacks to more than <paramref name="limit"/> (whatever its header says).</summary>
    private static byte[]? Read(ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit) return null;
        try
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream((int)Math.Min(entry.Length, limit));
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (InvalidDataException) { return null; }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")]
    private static partial Regex SafePath();

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex KeyIdPattern();
}

/// <summary>
/// Imports packs: checks one (PackReader), then the lessons in it with every check of the library (written to a
/// private folder under the data directory and loaded over the library as it is), then says what would change; applying
/// writes the new and updated lessons and the added or changed glossary terms into
/// <c>&lt;data&gt;/content-imported/</c> (ImportedContent: a whole new folder, then swapped in) and reloads the library.
/// </summary>
public sealed class PackImporter(LessonLibrary library, PackKeys keys, IOptions<AmparoOptions> options, TimeProvider clock, AuditLog audit)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private string DataDirectory => options.Value.FullDataDirectory;

    public Task<PackImportOutcome> PreviewAsync(Stream zip, CancellationToken ct = default) => RunAsync(zip, apply: false, null, ct);

    /// <summary>Checks the pack again, as at the preview, and applies it.</summary>
    public Task<PackImportOutcome> ApplyAsync(Stream zip, Guid? actor, CancellationToken ct = default) => RunAsync(zip, apply: true, actor, ct);

    private async Task<PackImportOutcome> RunAsync(Stream zip, bool apply, Guid? actor, CancellationToken ct)
    {
        var trusted = await keys.TrustedAsync(ct);
        if (PackReader.Verify(zip, trusted, out var pack) is { } refused) return refused;
        var check = Path.Combine(DataDirectory, $"pack-check-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}");
        await Gate.WaitAsync(ct);
        try
        {
            WriteSources(pack!.SourceFiles, check);
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var current = library.Catalog;
            var (_, problems, lessons) = LessonContentLoader.Overlay(current, check, today);
            var errors = problems.Where(p => !p.IsWarning).ToList();
            var missing = pack.Manifest.Lessons.Select(l => l.Id).Except(lessons.Select(l => l.Id)).ToList();
            if (errors.Count > 0 || missing.Count > 0)
                return new(null, new(PackRefusal.Content, errors.Count > 0 ? string.Join("; ", errors.Take(3).Select(p => $"{p.Where}: {p.Message}")) : string.Join(", ", missing)));
            var preview = Preview(pack, current, lessons, check);
            if (apply && preview.ChangesAnything)
            {
                Apply(preview, check);
                library.Reload();
                await audit.WriteAsync(AuditEvents.PackImported, actor, detail: $"pack={pack.Manifest.PackId};key={pack.Signer.KeyId};new={preview.New.Count};updated={preview.Updated.Count};terms={preview.TermsAdded.Count + preview.TermsChanged.Count}", ct: ct);
            }
            return new(preview, null);
        }
        finally
        {
            Gate.Release();
            if (Directory.Exists(check)) Directory.Delete(check, recursive: true);
        }
    }

    private static void WriteSources(IReadOnlyDictionary<string, byte[]> files, string root)
    {
        Directory.CreateDirectory(root);
        var full = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        foreach (var (relative, bytes) in files)
        {
            var path = Path.GetFullPath(Path.Combine(root, relative));
            // Checked already (PackReader.IsSafePath); checked again where it matters.
            if (!path.StartsWith(full, StringComparison.Ordinal)) throw new InvalidOperationException("A pack path escapes its folder.");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
    }

    private static PackPreview Preview(VerifiedPack pack, LessonCatalog current, List<Lesson> lessons, string check)
    {
        List<PackLessonChange> fresh = [], updated = [], unchanged = [], older = [];
        foreach (var lesson in lessons)
        {
            var here = current.Lessons.GetValueOrDefault(lesson.Id);
            var languages = lesson.CompleteLanguages.ToList();
            var added = here is null ? [] : languages.Except(here.CompleteLanguages).ToList();
            var change = new PackLessonChange(lesson.Id, lesson.Texts[lesson.Source].Title, here?.Version, lesson.Version, languages, added);
            (here is null ? fresh : lesson.Version > here.Version ? updated : lesson.Version == here.Version ? unchanged : older).Add(change);
        }
        List<PackTermChange> termsAdded = [], termsChanged = [];
        var (glossary, _) = ReadGlossaries(check);
        foreach (var (language, terms) in glossary)
            foreach (var term in terms.Values.OrderBy(t => t.Id, StringComparer.Ordinal))
            {
                var have = current.Glossary.GetValueOrDefault(language)?.GetValueOrDefault(term.Id);
                if (have is null) termsAdded.Add(new(language, term.Id, term.Term));
                else if (have.Term != term.Term || have.Text != term.Text) termsChanged.Add(new(language, term.Id, term.Term));
            }
        return new(pack.Manifest, pack.Signer, fresh, updated, unchanged, older, termsAdded, termsChanged);
    }

    /// <summary>The glossary files of a folder laid out as content/, read without the library's completeness rule.</summary>
    private static (Dictionary<string, IReadOnlyDictionary<string, GlossaryTerm>>, List<ContentProblem>) ReadGlossaries(string root)
    {
        var empty = new LessonCatalog();
        var (catalog, problems, _) = LessonContentLoader.Overlay(empty, root, DateOnly.MinValue);
        return (catalog.Glossary.Where(g => g.Value.Count > 0).ToDictionary(g => g.Key, g => g.Value), problems);
    }

    private void Apply(PackPreview preview, string check)
    {
        var (glossary, _) = ReadGlossaries(check);
        ImportedContent.Replace(DataDirectory, staging =>
        {
            foreach (var lesson in preview.New.Concat(preview.Updated))
            {
                var target = Path.Combine(staging, "lessons", lesson.Id);
                if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                CopyFolder(Path.Combine(check, "lessons", lesson.Id), target);
            }
            foreach (var language in preview.TermsAdded.Concat(preview.TermsChanged).Select(t => t.Language).Distinct())
            {
                var path = Path.Combine(staging, "glossary", language + ".yaml");
                var (existing, _) = ReadGlossaries(staging);
                var terms = new Dictionary<string, GlossaryTerm>(existing.GetValueOrDefault(language) ?? new Dictionary<string, GlossaryTerm>(), StringComparer.Ordinal);
                foreach (var change in preview.TermsAdded.Concat(preview.TermsChanged).Where(t => t.Language == language))
                    terms[change.Id] = glossary[language][change.Id];
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, PackBuilder.GlossaryYaml(terms.Values));
            }
        });
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>
/// <c>&lt;data&gt;/content-imported/</c>, replaced whole: the next state is written into content-imported.new (a copy
/// of the current one, then the changes, then a marker), the current one moved aside to content-imported.old, the new
/// one moved in, the old one removed. A crash at any point leaves the old state or the new one, never half of one
/// (<see cref="Recover"/> finishes or undoes a swap that was cut short, before the folder is read).
/// </summary>
public static class ImportedContent
{
    public const string Folder = "content-imported";
    private const string Complete = ".complete";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, Folder);

    public static string Recover(string dataDirectory)
    {
        var current = PathIn(dataDirectory);
        var fresh = current + ".new";
        var old = current + ".old";
        if (!Directory.Exists(current))
        {
            if (Directory.Exists(fresh) && File.Exists(Path.Combine(fresh, Complete))) Directory.Move(fresh, current);
            else if (Directory.Exists(old)) Directory.Move(old, current);
        }
        return current;
    }

    public static void Replace(string dataDirectory, Action<string> change)
    {
        var current = Recover(dataDirectory);
        var fresh = current + ".new";
        var old = current + ".old";
        if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        Directory.CreateDirectory(fresh);
        if (Directory.Exists(current))
            foreach (var file in Directory.GetFiles(current, "*", SearchOption.AllDirectories))
            {
                if (Path.GetFileName(file) == Complete) continue;
                var target = Path.Combine(fresh, Path.GetRelativePath(current, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        change(fresh);
        File.WriteAllBytes(Path.Combine(fresh, Complete), []);
        if (Directory.Exists(current)) Directory.Move(current, old);
        Directory.Move(fresh, current);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }
}

public static class PackRefusals
{
    /// <summary>The words of a refusal (Resources: Packs.Refused.*; {0} is the detail: a file name, a key id).</summary>
    public static string Key(PackRefusal refusal) => refusal switch
    {
        PackRefusal.NotAPack => "Packs.Refused.NotAPack",
        PackRefusal.UnsafePath => "Packs.Refused.UnsafePath",
        PackRefusal.TooLarge => "Packs.Refused.TooLarge",
        PackRefusal.NoSignature => "Packs.Refused.NoSignature",
        PackRefusal.Untrusted => "Packs.Refused.Untrusted",
        PackRefusal.BadSignature => "Packs.Refused.BadSignature",
        PackRefusal.BadManifest => "Packs.Refused.BadManifest",
        PackRefusal.NewerFormat => "Packs.Refused.NewerFormat",
        PackRefusal.Unlisted => "Packs.Refused.Unlisted",
        PackRefusal.Missing => "Packs.Refused.Missing",
        PackRefusal.FileMismatch => "Packs.Refused.FileMismatch",
        PackRefusal.Content => "Packs.Refused.Content",
    };
}
