using System.Text;
using System.Text.Json;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Dialogues;

/// <summary>
/// A closed dialogue's record as its audience may keep it: the purpose, the threads' questions, the published summary
/// and the curated resources — never a post or a pseudonym (those stay in the dialogue, where moderation applies).
/// </summary>
public sealed class DialogueExport(AmparoDbContext db, Dialogues dialogues, DialogueViews views)
{
    public sealed record ThreadData(string Title, string Question);
    public sealed record ResourceData(string Title, string? Url, string? File);
    public sealed record Record(Guid Id, string Title, string Purpose, string Network, DateTime StartsAt, DateTime EndsAt, string TimeZone, string[] Languages,
        ThreadData[] Threads, string Summary, DateTime? SummaryPublishedAt, ResourceData[] Resources);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Null when the viewer may not see the dialogue or it is not closed yet (the summary is what makes it exportable).</summary>
    public async Task<Record?> RecordAsync(Guid dialogueId, Guid? viewer, string baseUrl, CancellationToken ct = default)
    {
        if (await dialogues.AccessAsync(dialogueId, viewer, ct) is not { } access || access.Phase is not (DialoguePhase.Closed or DialoguePhase.Archived)) return null;
        var d = access.Dialogue;
        var network = await db.Networks.Where(n => n.Id == d.NetworkId).Select(n => n.Name).SingleAsync(ct);
        var threads = (await views.ThreadsAsync(access, ct)).Select(t => new ThreadData(t.Title, t.Question)).ToArray();
        var resources = (await views.ResourcesAsync(access, ct)).Where(r => r.Curated)
            .Select(r => new ResourceData(r.Title, r.Url, r.FileCipher is null ? null : $"{baseUrl}/dialogues/resources/{r.Id}/file")).ToArray();
        return new Record(d.Id, d.Title, d.Purpose, network, d.StartsAt, d.EndsAt, d.TimeZone, [.. d.LanguageList], threads, d.Summary, d.SummaryPublishedAt, resources);
    }

    public static string ToJson(Record r) => JsonSerializer.Serialize(r, Json);

    /// <summary>Markdown where the record's own text cannot become markup: each line of it is escaped.</summary>
    public static string ToMarkdown(Record r)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(Escape(r.Title)).AppendLine();
        md.Append('*').Append(Escape(r.Network)).Append(" · ").Append(r.StartsAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture))
            .Append(" – ").Append(r.EndsAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(" UTC*").AppendLine();
        md.AppendLine(EscapeBlock(r.Purpose)).AppendLine();
        md.AppendLine("## Threads").AppendLine();
        for (var i = 0; i < r.Threads.Length; i++)
            md.Append(i + 1).Append(". **").Append(Escape(r.Threads[i].Title)).Append("** — ").AppendLine(Escape(r.Threads[i].Question.ReplaceLineEndings(" ")));
        md.AppendLine().AppendLine("## Summary").AppendLine().AppendLine(EscapeBlock(r.Summary)).AppendLine();
        md.AppendLine("## Resources").AppendLine();
        foreach (var res in r.Resources)
            md.Append("- [").Append(Escape(res.Title)).Append("](<")
                .Append((res.Url ?? res.File ?? "").Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal)).AppendLine(">)");
        return md.ToString();
    }

    private static string EscapeBlock(string text) => string.Join("\n", text.ReplaceLineEndings("\n").Split('\n').Select(Escape));

    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c)) continue; // a title's stray \r would start a new Markdown line
            if (c is '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '<' or '>' or '(' or ')' or '#' or '+' or '-' or '!' or '|' or '~' or '.' or '=' or '&') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}

public static class DialogueRoutes
{
    /// <summary>The exports of a closed dialogue and the files of its resources: for whoever may read them (a public dialogue's: anyone).</summary>
    public static IEndpointRouteBuilder MapDialogues(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dialogues/{id:guid}/export.{format}", async (Guid id, string format, HttpContext http, DialogueExport export, CancellationToken ct) =>
            {
                if (format is not ("md" or "json")) return Results.NotFound();
                var viewer = http.User.Identity?.IsAuthenticated == true ? Accounts.Principals.UserId(http.User) : (Guid?)null;
                if (await export.RecordAsync(id, viewer, $"{http.Request.Scheme}://{http.Request.Host}", ct) is not { } record) return Results.NotFound();
                http.Response.Headers.CacheControl = "private, no-store";
                var name = $"dialogue-{id:N}.{format}";
                return format == "md"
                    ? Results.File(Encoding.UTF8.GetBytes(DialogueExport.ToMarkdown(record)), "text/markdown; charset=utf-8", name)
                    : Results.File(Encoding.UTF8.GetBytes(DialogueExport.ToJson(record)), "application/json; charset=utf-8", name);
            })
            .AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/dialogues/resources/{id:guid}/file", async (Guid id, HttpContext http, Dialogues dialogues, CancellationToken ct) =>
            {
                var viewer = http.User.Identity?.IsAuthenticated == true ? Accounts.Principals.UserId(http.User) : (Guid?)null;
                if (await dialogues.FileAsync(viewer, id, ct) is not { } file) return Results.NotFound();
                http.Response.Headers.CacheControl = "private, no-store";
                // Always a download, never shown inline: a file is someone's upload, not Amparo's page.
                return Results.File(file.Bytes, file.Resource.ContentType ?? "application/octet-stream", file.Resource.FileName);
            })
            .AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }
}
