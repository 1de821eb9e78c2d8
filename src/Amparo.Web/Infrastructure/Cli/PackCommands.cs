using Amparo.Web.Features.Learning;
using Amparo.Web.Features.Learning.Packs;

namespace Amparo.Web.Infrastructure.Cli;

public static partial class AdminCommands
{
    private const string ContentKeyHelp =
        "Prints this installation's pack-signing public key as one entry of Learning:TrustedPackSigners (JSON, on standard "
        + "output) and its key id (on standard error). Give that entry to the server admin of an installation that should "
        + "import this one's packs. The private key is a system key wrapped by the master key in the database.";

    private const string ContentPackHelp =
        "Builds a signed training pack (ZIP) of the library's lessons in the given languages: the source files another Amparo "
        + "imports, a static HTML rendering that reads from a USB stick without JavaScript (open html/index.html), printable "
        + "checklists and an attribution page. Organizations' private lessons are never put in a pack. Prints the file's path.";

    private const string ContentImportHelp =
        "Checks a training pack (signature from a trusted key — this installation's own or one in Learning:TrustedPackSigners —, "
        + "every file's hash and size, safe paths, size limits, the library's content check) and prints what it would change. "
        + "Nothing changes without --yes. Imported lessons go to <Amparo:DataDirectory>/content-imported/; a running server "
        + "reads them when it restarts (an import through its own page reloads it at once).";

    private static async Task<int> ContentKeyAsync(CommandContext c)
    {
        await using var host = c.Host();
        await host.MigrateAsync();
        var keys = host.Get<PackKeys>();
        using var key = await keys.SigningKeyAsync();
        c.Out.WriteLine("{ \"Name\": " + System.Text.Json.JsonSerializer.Serialize(keys.InstallationName, PackFormat.Json) + ", \"PublicKey\": \"" + key.PublicKeyBase64 + "\" }");
        c.Err.WriteLine($"Key id {key.KeyId}. Add the line above to the list Learning:TrustedPackSigners of the installation that will import this one's packs;");
        c.Err.WriteLine($"as environment variables: Learning__TrustedPackSigners__0__Name=\"{keys.InstallationName}\" Learning__TrustedPackSigners__0__PublicKey={key.PublicKeyBase64}");
        return 0;
    }

    private static async Task<int> ContentPackAsync(CommandContext c)
    {
        var lessons = c.Required("lessons").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var languages = c.Required("languages").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var to = c.RequiredPath("out");
        if (File.Exists(to) && !c.Flag("force")) throw new CommandException($"{to} exists already. Choose another name, or add --force to replace it.");
        if (!Directory.Exists(Path.GetDirectoryName(to))) throw new CommandException($"The folder {Path.GetDirectoryName(to)} does not exist.");
        await using var host = c.Host();
        await host.MigrateAsync();
        var library = host.Get<LessonLibrary>();
        var request = PackBuilder.Check(library.Catalog, lessons, languages);
        if (request.Unknown.Count > 0) throw new CommandException("No such lessons in this library: " + string.Join(", ", request.Unknown) + ". Nothing was built.");
        if (request.UnknownLanguages.Count > 0) throw new CommandException("Languages must be among en, es, fr, ar, ru (not " + string.Join(", ", request.UnknownLanguages) + "). Nothing was built.");
        if (request.Lessons.Count == 0) throw new CommandException("No lesson of the library to put in the pack (organizations' private lessons are never put in one). Nothing was built.");
        if (request.Languages.Count == 0) throw new CommandException("Give at least one language. Nothing was built.");
        var keys = host.Get<PackKeys>();
        using var key = await keys.SigningKeyAsync();
        var tmp = to + ".tmp";
        File.Delete(tmp);
        PackBuildResult result;
        try
        {
            await using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                result = PackBuilder.Build(library.Catalog, request, key, keys.InstallationName, host.Get<TimeProvider>().GetUtcNow().UtcDateTime, file);
            }
            File.Move(tmp, to, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        c.Err.WriteLine($"Pack {result.Manifest.PackId}: {result.Manifest.Lessons.Count} lessons, {result.Manifest.Files.Count} files, signed with key {key.KeyId}.");
        if (result.LeftOutPrivate.Count > 0)
            c.Err.WriteLine("Left out (organizations' private lessons are never put in a pack): " + string.Join(", ", result.LeftOutPrivate));
        c.Out.WriteLine(to);
        return 0;
    }

    private static async Task<int> ContentImportAsync(CommandContext c)
    {
        var from = c.RequiredArgumentPath(0, "pack file (amparo content import FILE)");
        if (!File.Exists(from)) throw new CommandException($"No file {from}.");
        if (new FileInfo(from).Length > PackFormat.MaxUploadBytes) throw new CommandException("This file is too large for a pack.");
        await using var host = c.Host();
        await host.MigrateAsync();
        var importer = host.Get<PackImporter>();
        var apply = c.Flag("yes");
        PackImportOutcome outcome;
        await using (var zip = File.OpenRead(from))
        {
            outcome = apply ? await importer.ApplyAsync(zip, null) : await importer.PreviewAsync(zip);
        }
        var en = new PackTexts("en");
        if (outcome.Problem is { } problem) throw new CommandException(en.Format(PackRefusals.Key(problem.Refusal), problem.Detail));
        var p = outcome.Preview!;
        c.Out.WriteLine($"Pack {p.Manifest.PackId}, built {p.Manifest.Created:yyyy-MM-dd HH:mm} UTC, signed by {p.Signer.Name} (key {p.Signer.KeyId}).");
        foreach (var l in p.New) c.Out.WriteLine($"new: {l.Id}, version {l.InPack} ({string.Join(", ", l.Languages)})");
        foreach (var l in p.Updated) c.Out.WriteLine($"updated: {l.Id}, version {l.Here} -> {l.InPack} ({string.Join(", ", l.Languages)}{(l.AddedLanguages.Count > 0 ? "; added " + string.Join(", ", l.AddedLanguages) : "")})");
        foreach (var l in p.Unchanged) c.Out.WriteLine($"unchanged: {l.Id}, version {l.InPack}");
        foreach (var l in p.Older) c.Out.WriteLine($"skipped (older): {l.Id}, version {l.InPack} in the pack, {l.Here} here");
        foreach (var t in p.TermsAdded) c.Out.WriteLine($"glossary term added: {t.Language} {t.Id}");
        foreach (var t in p.TermsChanged) c.Out.WriteLine($"glossary term changed: {t.Language} {t.Id}");
        if (!p.ChangesAnything) c.Err.WriteLine("Nothing to change: everything in this pack is already here.");
        else if (apply) c.Err.WriteLine($"Imported into {ImportedContent.PathIn(host.DataDirectory)}. A running server shows them after it restarts.");
        else c.Err.WriteLine("Nothing changed. Run again with --yes to import.");
        return 0;
    }
}
