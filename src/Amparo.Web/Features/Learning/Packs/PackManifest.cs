using System.Text.Json;

namespace Amparo.Web.Features.Learning.Packs;

/// <summary>manifest.json of a pack: what it holds, who built it, and every file's SHA-256 and size.</summary>
public sealed record PackManifest(
    int FormatVersion,
    string PackId,
    DateTime Created,
    string KeyId,
    string Installation,
    IReadOnlyList<PackLessonEntry> Lessons,
    IReadOnlyList<PackFileEntry> Files);

/// <param name="Languages">The languages whose source files are in the pack: the lesson's source and the complete
/// translations among those asked.</param>
public sealed record PackLessonEntry(string Id, int Version, string Source, IReadOnlyList<string> Languages, string Licence, string Attribution, IReadOnlyList<PackImageEntry> Images);

public sealed record PackImageEntry(string File, string Licence, string Attribution);

public sealed record PackFileEntry(string Path, string Sha256, long Size);

/// <summary>manifest.sig: the signer's key id and the base64 ECDSA P-256 / SHA-256 signature (r||s) of manifest.json's exact bytes.</summary>
public sealed record PackSignatureFile(string KeyId, string Signature);

public static class PackFormat
{
    public const int Version = 1;
    public const string Manifest = "manifest.json";
    public const string Signature = "manifest.sig";
    public const string SourcePrefix = "source/";
    public const string HtmlPrefix = "html/";

    /// <summary>Limits an import enforces before it reads anything else: a pack is a few megabytes.</summary>
    public const int MaxEntries = 2_000;
    public const long MaxUncompressedBytes = 100L * 1024 * 1024;
    public const long MaxUploadBytes = 100L * 1024 * 1024;
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Written as they are (a "+" of base64, an apostrophe in a name); JSON-safe still, and never put in a page.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
