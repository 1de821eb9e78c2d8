using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Amparo.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Learning.Packs;

/// <summary>
/// A pack uploaded for import, kept between its preview and the admin's confirmation: one owner-only file under
/// <c>&lt;data&gt;/pack-uploads/</c>, named by the time it came and a random id, removed once confirmed or after an hour
/// (each new upload clears the old ones).
/// </summary>
public sealed partial class PackUploads(IOptions<AmparoOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(1);

    private string Folder => Path.Combine(options.Value.FullDataDirectory, "pack-uploads");

    public async Task<string> SaveAsync(Stream upload, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Folder);
        RemoveExpired();
        var id = $"{clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var file = new FileStream(PathOf(id), options))
            await upload.CopyToAsync(file, ct);
        return id;
    }

    /// <summary>The file of an upload not yet expired, or null (an unknown, malformed or old id).</summary>
    public string? Find(string? id)
    {
        if (id is null || !IdPattern().IsMatch(id) || Expired(id)) return null;
        var path = PathOf(id);
        return File.Exists(path) ? path : null;
    }

    public void Remove(string id)
    {
        if (IdPattern().IsMatch(id)) File.Delete(PathOf(id));
    }

    private string PathOf(string id) => Path.Combine(Folder, id + ".zip");

    private bool Expired(string id) =>
        !long.TryParse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        || clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds) > KeptFor;

    private void RemoveExpired()
    {
        foreach (var file in Directory.GetFiles(Folder, "*.zip"))
            if (Path.GetFileNameWithoutExtension(file) is var id && (!IdPattern().IsMatch(id) || Expired(id))) File.Delete(file);
    }

    [GeneratedRegex("^[0-9]{1,12}-[0-9a-f]{32}$")]
    private static partial Regex IdPattern();
}
