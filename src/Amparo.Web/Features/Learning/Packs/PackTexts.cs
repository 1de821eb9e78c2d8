using System.Globalization;
using System.Resources;

namespace Amparo.Web.Features.Learning.Packs;

/// <summary>Amparo's own words (Resources/SharedResource*.resx) in one language, without a request or a host: the
/// static pages of a pack are written in each of its languages at once.</summary>
public sealed class PackTexts(string language)
{
    private static readonly ResourceManager Resources = new("Amparo.Web.Resources.SharedResource", typeof(SharedResource).Assembly);

    public CultureInfo Culture { get; } = CultureInfo.GetCultureInfo(language);

    public string this[string key] => Resources.GetString(key, Culture) ?? key;

    public string Format(string key, params object[] args) => string.Format(Culture, this[key], args);
}
