using Amparo.Web.Features.CheckIns;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Pages;

/// <summary>
/// What still works without the internet: the SMS commands (from the check-ins' own word list) and, when the operator
/// set them, the installation's SMS number and an emergency number. The service worker (wwwroot/sw.js) keeps a copy and
/// shows it when a page cannot be reached, so it holds nothing about anyone: the worker fetches it without cookies.
/// </summary>
[AllowAnonymous]
public sealed class OfflineModel(IOptions<OfflineOptions> options) : PageModel
{
    public sealed record Command(SmsCommandKind Kind, string Word, string Example);

    public string? SmsNumber { get; private set; }
    public string? EmergencyNumber { get; private set; }
    public IReadOnlyList<Command> Commands { get; private set; } = [];

    public void OnGet()
    {
        var o = options.Value;
        SmsNumber = string.IsNullOrWhiteSpace(o.SmsNumber) ? null : o.SmsNumber.Trim();
        EmergencyNumber = string.IsNullOrWhiteSpace(o.EmergencyNumber) ? null : o.EmergencyNumber.Trim();
        var language = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        Commands = SmsCommands.ShownCommands.Select(kind =>
        {
            var word = SmsCommands.ShownWord(kind, language);
            return new Command(kind, word, Example(kind, word));
        }).ToList();
    }

    /// <summary>What to type, with sample numbers where the command takes them (SmsCommandsTests parses each).</summary>
    public static string Example(SmsCommandKind kind, string word) => kind switch
    {
        SmsCommandKind.CheckIn or SmsCommandKind.Close => word + " 1234",
        SmsCommandKind.Extend => word + " 30 1234",
        SmsCommandKind.Ack => word + " 4821 9375",
        SmsCommandKind.Panic or SmsCommandKind.Help => word,
        SmsCommandKind.Yes or SmsCommandKind.Stop => word,
    };

    public static string TextKey(SmsCommandKind kind) => kind switch
    {
        SmsCommandKind.Panic => "Offline.Command.Panic",
        SmsCommandKind.CheckIn => "Offline.Command.CheckIn",
        SmsCommandKind.Extend => "Offline.Command.Extend",
        SmsCommandKind.Close => "Offline.Command.Close",
        SmsCommandKind.Ack => "Offline.Command.Ack",
        SmsCommandKind.Help => "Offline.Command.Help",
        SmsCommandKind.Yes or SmsCommandKind.Stop => throw new System.Diagnostics.UnreachableException($"{kind} is not shown on the offline page."),
    };
}
