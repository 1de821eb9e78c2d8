using System.Security.Claims;
using System.Text.RegularExpressions;
using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Dialogues;
using Microsoft.AspNetCore.Html;

namespace Amparo.Web.Pages.Dialogues;

/// <summary>What the dialogue pages share: who is reading (no one, on a public page) and how a post's words are written out.</summary>
public static partial class DialoguePages
{
    public static Guid? Viewer(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? user.UserId() : null;

    public static string Dialogue(Guid id) => "/dialogues/" + id;
    public static string Thread(Guid id) => "/dialogues/threads/" + id;

    /// <summary>
    /// A post's text as HTML: every character encoded, paragraphs kept, and web addresses made links that open nothing
    /// of Amparo's (no referrer, no follow) — the only markup a post gets.
    /// </summary>
    public static IHtmlContent Text(string text)
    {
        var html = new HtmlContentBuilder();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            html.AppendHtml("<p>");
            var lines = paragraph.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (i > 0) html.AppendHtml("<br>");
                var at = 0;
                foreach (Match m in WebAddress().Matches(lines[i]))
                {
                    html.Append(lines[i][at..m.Index]);
                    var url = m.Value.TrimEnd('.', ',', ')', ';', ':');
                    html.AppendHtml("<a rel=\"nofollow noopener noreferrer ugc\" href=\"");
                    html.Append(url);
                    html.AppendHtml("\">");
                    html.Append(url);
                    html.AppendHtml("</a>");
                    at = m.Index + url.Length;
                }
                html.Append(lines[i][at..]);
            }
            html.AppendHtml("</p>");
        }
        return html;
    }

    /// <summary>Resource keys of the roles, phases and reasons, written in full so the translation tests see each.</summary>
    public static string RoleKey(DialogueRole role) => role switch
    {
        DialogueRole.Participant => "Dialogues.Role.Participant",
        DialogueRole.Leader => "Dialogues.Role.Leader",
        DialogueRole.Facilitator => "Dialogues.Role.Facilitator",
        DialogueRole.Moderator => "Dialogues.Role.Moderator",
    };

    public static string PhaseKey(DialoguePhase phase) => phase switch
    {
        DialoguePhase.Draft => "Dialogues.Phase.Draft",
        DialoguePhase.Preparation => "Dialogues.Phase.Preparation",
        DialoguePhase.Upcoming => "Dialogues.Phase.Upcoming",
        DialoguePhase.Live => "Dialogues.Phase.Live",
        DialoguePhase.WrappingUp => "Dialogues.Phase.WrappingUp",
        DialoguePhase.Closed => "Dialogues.Phase.Closed",
        DialoguePhase.Archived => "Dialogues.Phase.Archived",
    };

    public static string HideKey(HideReason reason) => reason switch
    {
        HideReason.PutsSomeoneAtRisk => "Dialogues.Hide.PutsSomeoneAtRisk",
        HideReason.Identifies => "Dialogues.Hide.Identifies",
        HideReason.Hostile => "Dialogues.Hide.Hostile",
        HideReason.OffTopic => "Dialogues.Hide.OffTopic",
        HideReason.Spam => "Dialogues.Hide.Spam",
        HideReason.Other => "Dialogues.Hide.Other",
    };

    public static string ReportKey(ReportReason reason) => reason switch
    {
        ReportReason.PutsSomeoneAtRisk => "Dialogues.Report.PutsSomeoneAtRisk",
        ReportReason.Identifies => "Dialogues.Report.Identifies",
        ReportReason.Hostile => "Dialogues.Report.Hostile",
        ReportReason.Spam => "Dialogues.Report.Spam",
        ReportReason.Other => "Dialogues.Report.Other",
    };

    /// <summary>A suggested pseudonym: two plain words and a number, nothing of the person.</summary>
    public static string SuggestPseudonym()
    {
        string[] first = ["River", "Cedar", "Heron", "Lantern", "Harbor", "Meadow", "Willow", "Comet", "Pebble", "Maple", "Falcon", "Juniper"];
        string[] second = ["Path", "Stone", "Light", "Field", "Bridge", "Song", "Garden", "Wind", "Shore", "Hill"];
        return $"{first[System.Security.Cryptography.RandomNumberGenerator.GetInt32(first.Length)]} {second[System.Security.Cryptography.RandomNumberGenerator.GetInt32(second.Length)]} {System.Security.Cryptography.RandomNumberGenerator.GetInt32(10, 100)}";
    }

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 200)]
    private static partial Regex WebAddress();
}
