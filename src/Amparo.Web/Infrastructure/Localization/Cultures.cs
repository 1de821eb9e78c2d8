using System.Globalization;

namespace Amparo.Web.Infrastructure.Localization;

/// <summary>The languages Amparo speaks. Every resource key must exist in each.</summary>
public static class Cultures
{
    public static readonly string[] Supported = ["en", "es", "fr", "ar", "ru"];

    public static bool IsSupported(string? name) => name is not null && Supported.Contains(name);

    public static bool IsRightToLeft(string name) => CultureInfo.GetCultureInfo(name).TextInfo.IsRightToLeft;

    /// <summary>Words listed in a sentence of the page's language: "a, b" — in Arabic with the Arabic comma, "a، b".</summary>
    public static string JoinList(IEnumerable<string> words) =>
        string.Join(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "ar" ? "، " : ", ", words);

    /// <summary>The language's own name, so people find theirs whatever the page's language is.</summary>
    public static string NativeName(string name) => name switch
    {
        "en" => "English",
        "es" => "Español",
        "fr" => "Français",
        "ar" => "العربية",
        "ru" => "Русский",
        _ => name,
    };
}

