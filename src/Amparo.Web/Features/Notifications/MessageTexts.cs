using System.Globalization;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Notifications;

/// <summary>
/// The words of outgoing notifications, in the recipient's language. They never carry a place, coordinates or a
/// purpose: a name, what happened, and a link to the page where the detail is shown to the right person.
/// </summary>
public sealed class MessageTexts(IStringLocalizer<SharedResource> t, IOptions<AmparoOptions> options)
{
    public string Url(string path)
    {
        var configured = options.Value.PublicBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? "http://127.0.0.1:5080" : configured;
        return baseUrl.TrimEnd('/') + path;
    }

    /// <summary>
    /// An alert message whose first words say what happened ("SOS — Amparo: …", "Closed: safe — Amparo: …"), so a
    /// recipient can triage it from a lock screen or a list of texts; drills still say so first.
    /// </summary>
    public string Headed(string language, bool drill, string headKey, string key, params object[] args) =>
        Text(language, drill, headKey, args) + " — " + Text(language, false, key, args);

    /// <summary>An alert e-mail's subject: what happened and about whom ("SOS — Ana (Amparo alert)"). Never a place or a note.</summary>
    public string AlertSubject(string language, bool drill, string headKey, string ownerName, params object[] args) =>
        Text(language, drill, "Alert.Mail.Subject", Text(language, false, headKey, args), ownerName);

    /// <summary>A text in <paramref name="language"/>; drills say so first.</summary>
    public string Text(string language, bool drill, string key, params object[] args)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(Cultures.IsSupported(language) ? language : "en");
            var text = t[key, args].Value;
            return drill ? t["Msg.DrillPrefix"].Value + " " + text : text;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
