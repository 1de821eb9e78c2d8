using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Learning.Packs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Learning;

/// <summary>The keys of the pack tests: the "trainers' installation" whose packs the test host trusts, and a stranger.</summary>
public static class PackTestKeys
{
    public static PackSigningKey Trusted { get; } = PackSigningKey.FromSecret([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
    public static PackSigningKey Stranger { get; } = PackSigningKey.FromSecret([.. Enumerable.Range(100, 32).Select(i => (byte)i)]);
}

/// <summary>An installation with the fixture library that trusts <see cref="PackTestKeys.Trusted"/>: the second
/// installation of the round trip. Its own data directory, so its imported lessons touch no other test.</summary>
public sealed class PackSqliteApp : SqliteApp
{
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.UseSetting("Learning:ContentPath", LearningFixture.Path);
        builder.UseSetting("Learning:TrustedPackSigners:0:Name", "Trainers' Amparo");
        builder.UseSetting("Learning:TrustedPackSigners:0:PublicKey", PackTestKeys.Trusted.PublicKeyBase64);
    }
}

/// <summary>A copy of the fixture library with a lesson of its own ("pack-new", from after-arrest) at a chosen version,
/// under a folder of the test's own; removed on dispose.</summary>
public sealed class PackLibrary : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "amparo-pack-" + Guid.NewGuid().ToString("N")[..10]);

    public PackLibrary(int newLessonVersion = 1)
    {
        foreach (var file in Directory.GetFiles(LearningFixture.Path, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, Path.GetRelativePath(LearningFixture.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var from = Path.Combine(Root, "lessons", "after-arrest");
        var to = Path.Combine(Root, "lessons", "pack-new");
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var yaml = Path.Combine(to, "lesson.yaml");
        File.WriteAllText(yaml, File.ReadAllText(yaml).Replace("id: after-arrest", "id: pack-new", StringComparison.Ordinal)
            .Replace("version: 1\ntopic", $"version: {newLessonVersion}\ntopic", StringComparison.Ordinal));
        Catalog = LessonContentLoader.Load(Root, new DateOnly(2026, 6, 1)).Catalog;
    }

    public LessonCatalog Catalog { get; }

    public byte[] Pack(string[] lessons, string[] languages, PackSigningKey? key = null)
    {
        using var buffer = new MemoryStream();
        PackBuilder.Build(Catalog, PackBuilder.Check(Catalog, lessons, languages), key ?? PackTestKeys.Trusted, "Trainers' Amparo", new DateTime(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc), buffer);
        return buffer.ToArray();
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

/// <summary>
/// Offline training packs (issue 19): what a pack holds and how its static pages read; an import refuses a pack changed
/// after signing, signed by a stranger, or holding a path out of its folder; a round trip into a second installation
/// that trusts the first's key; the preview changes nothing; only the server admin imports. SQLite only: packs are files
/// and pages, not queries (the fuzzers still post the pages' forms on PostgreSQL).
/// </summary>
public abstract partial class PackTests(AppFixture app)
{
    private static readonly PackSigner TrustedSigner = new("Trainers' Amparo", PackTestKeys.Trusted.KeyId, PackTestKeys.Trusted.PublicKey, false);
    private static readonly Dictionary<string, PackSigner> Trust = new() { [TrustedSigner.KeyId] = TrustedSigner };

    private static PackProblem? Verify(byte[] zip)
    {
        using var stream = new MemoryStream(zip);
        return PackReader.Verify(stream, Trust, out _)?.Problem;
    }

    /// <summary>The same pack with its entries changed: <paramref name="change"/> gets each (name, bytes) and returns the new bytes, or null to drop it.</summary>
    private static byte[] Rewrite(byte[] zip, Func<string, byte[], byte[]?> change, params (string Name, byte[] Bytes)[] extra)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var read = entry.Open();
                using var buffer = new MemoryStream();
                read.CopyTo(buffer);
                if (change(entry.FullName, buffer.ToArray()) is not { } bytes) continue;
                using var write = target.CreateEntry(entry.FullName).Open();
                write.Write(bytes);
            }
            foreach (var (name, bytes) in extra)
            {
                using var write = target.CreateEntry(name).Open();
                write.Write(bytes);
            }
        }
        return output.ToArray();
    }

    private static Dictionary<string, string> Texts(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e => { using var r = new StreamReader(e.Open(), Encoding.UTF8); return r.ReadToEnd(); }, StringComparer.Ordinal);
    }

    [Fact]
    public void Pack_HoldsSourcesAndStaticPages_WithoutScript_RightToLeftInArabic_AndLinksThatStayInThePack()
    {
        using var library = new PackLibrary();
        var zip = library.Pack(["lock-up", "after-arrest", "o-0123456789abcdef0123456789abcdef"], ["en", "ar", "es"]);
        Assert.Null(Verify(zip));
        var files = Texts(zip);

        // Sources as in the library (the chosen complete languages and the source), glossaries of the chosen languages.
        Assert.Equal(File.ReadAllText(Path.Combine(library.Root, "lessons", "lock-up", "en", "why.md")), files["source/lessons/lock-up/en/why.md"]);
        Assert.Contains("source/lessons/lock-up/es/why.md", files.Keys);
        Assert.DoesNotContain(files.Keys, k => k.StartsWith("source/lessons/lock-up/ar/", StringComparison.Ordinal)); // partial: not a language of the lesson
        Assert.DoesNotContain(files.Keys, k => k.StartsWith("source/lessons/lock-up/fr/", StringComparison.Ordinal)); // not asked
        Assert.Contains("source/lessons/after-arrest/es/first.md", files.Keys);
        Assert.Contains("source/glossary/ar.yaml", files.Keys);
        Assert.DoesNotContain(files.Keys, k => k.Contains("o-0123", StringComparison.Ordinal));
        Assert.Contains("\"keyId\": \"" + PackTestKeys.Trusted.KeyId + "\"", files["manifest.json"], StringComparison.Ordinal);

        var pages = files.Where(f => f.Key.EndsWith(".html", StringComparison.Ordinal)).ToList();
        Assert.Contains("html/index.html", files.Keys);
        Assert.Contains("html/ar/lock-up-checklist.html", files.Keys);
        Assert.Contains("html/es/attribution.html", files.Keys);
        foreach (var (name, html) in pages)
        {
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
            if (name.StartsWith("html/ar/", StringComparison.Ordinal)) Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html, StringComparison.Ordinal);
            // Every link that is not a web address is a file of the pack (and its anchor is on that page).
            foreach (Match m in Href().Matches(html))
            {
                var href = WebUtility.HtmlDecode(m.Groups[1].Value);
                if (href.StartsWith("https://", StringComparison.Ordinal)) continue;
                var target = new Uri(new Uri("file:///pack/" + name), href);
                var path = target.AbsolutePath["/pack/".Length..];
                Assert.True(files.ContainsKey(path), $"{name} links {href}, which is not in the pack");
                if (target.Fragment.Length > 1) Assert.Contains($"id=\"{target.Fragment[1..]}\"", files[path], StringComparison.Ordinal);
            }
        }
        // A lesson links the other (related, prerequisite, and a step's lesson: link), and a glossary word its entry.
        Assert.Contains("href=\"after-arrest.html\"", files["html/ar/lock-up.html"], StringComparison.Ordinal);
        Assert.Contains("href=\"glossary.html#term-passphrase\"", files["html/ar/lock-up.html"], StringComparison.Ordinal);
        // The Arabic page shows the untranslated critical step in English, marked as English, left to right.
        Assert.Contains("<h3 lang=\"en\" dir=\"ltr\">2. ", files["html/ar/lock-up.html"], StringComparison.Ordinal);
        Assert.Contains("ARABIC-WHY", files["html/ar/lock-up.html"], StringComparison.Ordinal);
        // Printable checklist with boxes and print CSS; attribution from the licence fields; the private lesson named as left out.
        Assert.Contains("class=\"box\"", files["html/en/lock-up-checklist.html"], StringComparison.Ordinal);
        Assert.Contains("@media print", files["html/style.css"], StringComparison.Ordinal);
        Assert.Contains("CC-BY-4.0", files["html/en/attribution.html"], StringComparison.Ordinal);
        Assert.Contains("Escrita para las pruebas de Amparo.", files["html/en/attribution.html"], StringComparison.Ordinal);
        Assert.Contains("Organizations&#x27; lessons left out (they are never put in a pack): 1.", files["html/en/index.html"], StringComparison.Ordinal);
    }

    [Fact]
    public void Import_Refuses_ATamperedFile_ATamperedManifest_AStranger_AndPathsOutOfTheFolder()
    {
        using var library = new PackLibrary();
        var zip = library.Pack(["lock-up"], ["en"]);

        var file = Rewrite(zip, (name, bytes) => name == "source/lessons/lock-up/en/why.md" ? [.. bytes, .. "\nRun this app instead."u8.ToArray()] : bytes);
        Assert.Equal(PackRefusal.FileMismatch, Verify(file)?.Refusal);

        var manifest = Rewrite(zip, (name, bytes) => name == PackFormat.Manifest ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"version\": 2", "\"version\": 9", StringComparison.Ordinal)) : bytes);
        Assert.Equal(PackRefusal.BadSignature, Verify(manifest)?.Refusal);

        var stranger = library.Pack(["lock-up"], ["en"], PackTestKeys.Stranger);
        Assert.Equal(new PackProblem(PackRefusal.Untrusted, PackTestKeys.Stranger.KeyId), Verify(stranger));

        Assert.Equal(PackRefusal.UnsafePath, Verify(Rewrite(zip, (_, b) => b, ("../../evil.sh", "x"u8.ToArray())))?.Refusal);
        Assert.Equal(PackRefusal.UnsafePath, Verify(Rewrite(zip, (_, b) => b, ("source/lessons/lock-up/../../../evil.sh", "x"u8.ToArray())))?.Refusal);
        Assert.Equal(PackRefusal.UnsafePath, Verify(Rewrite(zip, (_, b) => b, ("/etc/evil", "x"u8.ToArray())))?.Refusal);
        Assert.Equal(PackRefusal.Unlisted, Verify(Rewrite(zip, (_, b) => b, ("html/en/extra.html", "x"u8.ToArray())))?.Refusal);
        Assert.Equal(PackRefusal.Missing, Verify(Rewrite(zip, (name, b) => name == "html/style.css" ? null : b))?.Refusal);
        Assert.Equal(PackRefusal.NoSignature, Verify(Rewrite(zip, (name, b) => name == PackFormat.Signature ? null : b))?.Refusal);
        Assert.Equal(PackRefusal.TooLarge, Verify(Rewrite(zip, (_, b) => b, [.. Enumerable.Range(0, PackFormat.MaxEntries).Select(i => ($"html/x{i}", Array.Empty<byte>()))]))?.Refusal);
        Assert.Equal(PackRefusal.NotAPack, Verify("not a zip at all"u8.ToArray())?.Refusal);
    }

    [Fact]
    public void SigningKey_IsDerivedFromItsSecret_AndItsIdNamesItsPublicKey()
    {
        var again = PackSigningKey.FromSecret([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
        Assert.Equal(PackTestKeys.Trusted.PublicKeyBase64, again.PublicKeyBase64);
        Assert.NotEqual(PackTestKeys.Trusted.KeyId, PackTestKeys.Stranger.KeyId);
        Assert.Matches("^[0-9a-f]{16}$", again.KeyId);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(again.PublicKey))[..16], again.KeyId);
        Assert.True(PackSignatures.Verify(PackSignatures.ParsePublicKey(again.PublicKeyBase64)!, "x"u8.ToArray(), again.Sign("x"u8.ToArray())));
    }

    private static async Task<(HttpStatusCode Status, string Html)> UploadAsync(TestClient client, byte[] zip)
    {
        var (_, page) = await client.GetAsync("/learn/packs/import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(TestClient.AntiforgeryToken(page)!), "__af" },
            { new ByteArrayContent(zip), "file", "pack.zip" },
        };
        using var response = await client.Http.PostAsync(new Uri("/learn/packs/import?handler=Read", UriKind.Relative), form);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<Lesson?> FindAsync(string id) => app.WithServicesAsync(sp => Task.FromResult(sp.GetRequiredService<LessonLibrary>().Find(id)));

    [Fact]
    public async Task RoundTrip_IntoAnInstallationThatTrustsTheKey_PreviewFirst_ThenTheLessonsWithTheirVersions()
    {
        var admin = await app.PersonAsync("packadmin", serverAdmin: true);
        using var client = await app.SignedInAsync(admin);
        var imported = Path.Combine(app.DataDirectory, ImportedContent.Folder);
        using var first = new PackLibrary(newLessonVersion: 1);

        // The preview says what would change and changes nothing.
        var (status, preview) = await UploadAsync(client, first.Pack(["pack-new", "lock-up"], ["en", "es"]));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Trainers&#x27; Amparo", preview, StringComparison.Ordinal);
        Assert.Contains("New lessons", preview, StringComparison.Ordinal);
        Assert.Contains("Unchanged", preview, StringComparison.Ordinal);
        Assert.Null(await FindAsync("pack-new"));
        Assert.False(Directory.Exists(imported));
        var upload = UploadId().Match(preview).Groups[1].Value;
        Assert.NotEmpty(upload);

        // Confirm: the lesson is in the library, with its version, and its page opens.
        using var confirmed = await client.PostFormAsync("/learn/packs/import", new Dictionary<string, string> { ["upload"] = upload }, "/learn/packs/import?handler=Confirm");
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(1, (await FindAsync("pack-new"))?.Version);
        Assert.True(File.Exists(Path.Combine(imported, "lessons", "pack-new", "es", "first.md")));
        var (lessonStatus, _) = await client.GetAsync("/learn/pack-new");
        Assert.Equal(HttpStatusCode.OK, lessonStatus);
        // The upload is gone once used: confirming again imports nothing.
        using var again = await client.PostFormAsync("/learn/packs/import", new Dictionary<string, string> { ["upload"] = upload }, "/learn/packs/import?handler=Confirm");
        Assert.Contains("expired or was already used", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A newer version: "from version 1 to 2"; an older one would be skipped.
        using var second = new PackLibrary(newLessonVersion: 2);
        var (_, newer) = await UploadAsync(client, second.Pack(["pack-new"], ["en"]));
        Assert.Contains("from version 1 to 2", newer, StringComparison.Ordinal);
        Assert.Equal(1, (await FindAsync("pack-new"))?.Version);
        await app.WithServicesAsync(async sp =>
        {
            using var zip = new MemoryStream(second.Pack(["pack-new"], ["en"]));
            return (await sp.GetRequiredService<PackImporter>().ApplyAsync(zip, admin.Id)).Problem;
        });
        Assert.Equal(2, (await FindAsync("pack-new"))?.Version);
        var (_, older) = await UploadAsync(client, first.Pack(["pack-new"], ["en"]));
        Assert.Contains("Older than the version here", older, StringComparison.Ordinal);

        // Refused at the upload, with the reason next to the field; nothing changed, the upload not kept.
        var waiting = Directory.GetFiles(Path.Combine(app.DataDirectory, "pack-uploads")).Length;
        var (_, refused) = await UploadAsync(client, first.Pack(["pack-new"], ["en"], PackTestKeys.Stranger));
        Assert.Contains("does not trust", refused, StringComparison.Ordinal);
        Assert.Contains("id=\"file-error\"", refused, StringComparison.Ordinal);
        Assert.Equal(2, (await FindAsync("pack-new"))?.Version);
        Assert.Equal(waiting, Directory.GetFiles(Path.Combine(app.DataDirectory, "pack-uploads")).Length);
    }

    [Fact]
    public async Task ImportPage_IsTheServerAdminsOnly_AndTheBuildPageRefusesUnknownLessons()
    {
        var person = await app.PersonAsync("packperson");
        using var client = await app.SignedInAsync(person);
        // Refused (to the access-denied page), never the form; a confirmation posted anyway imports nothing.
        using (var get = await client.Http.GetAsync(new Uri("/learn/packs/import", UriKind.Relative)))
        {
            Assert.NotEqual(HttpStatusCode.OK, get.StatusCode);
            Assert.DoesNotContain("/learn/packs/import", get.Headers.Location?.OriginalString.Split('?')[0] ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("name=\"file\"", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var confirm = await client.PostFormAsync("/learn/pack", new Dictionary<string, string> { ["upload"] = "1-0123456789abcdef0123456789abcdef" }, "/learn/packs/import?handler=Confirm");
        Assert.NotEqual(HttpStatusCode.OK, confirm.StatusCode);
        Assert.DoesNotContain("done=imported", confirm.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);

        // Anyone signed in builds a pack; an unknown id is named next to the field and nothing is built.
        using var unknown = await client.PostFormAsync("/learn/pack", new Dictionary<string, string> { ["lessons"] = "no-such-lesson", ["languages"] = "en" });
        var refused = await unknown.Content.ReadAsStringAsync();
        Assert.Equal("text/html", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id=\"lessons-error\"", refused, StringComparison.Ordinal);
        Assert.Contains("no-such-lesson", refused, StringComparison.Ordinal);
        using var built = await client.PostFormAsync("/learn/pack", new Dictionary<string, string> { ["lessons"] = "lock-up", ["languages"] = "ar" });
        Assert.Equal("application/zip", built.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("amparo-pack-", built.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var own = await app.WithServicesAsync(async sp => await sp.GetRequiredService<PackKeys>().TrustedAsync());
        using var stream = new MemoryStream(await built.Content.ReadAsByteArrayAsync());
        Assert.Null(PackReader.Verify(stream, own, out var pack));
        Assert.True(pack!.Signer.IsThisInstallation);
    }

    [GeneratedRegex("href=\"([^\"]*)\"")]
    private static partial Regex Href();

    [GeneratedRegex("name=\"upload\" value=\"([^\"]+)\"")]
    private static partial Regex UploadId();
}

public sealed class PackTestsSqlite(PackSqliteApp app) : PackTests(app), IClassFixture<PackSqliteApp>;
