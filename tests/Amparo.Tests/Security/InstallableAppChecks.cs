using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amparo.Tests.Infrastructure;

namespace Amparo.Tests.Security;

/// <summary>Shared checks of the installable app (manifest, icons, service worker) for the default and configured hosts.</summary>
public static partial class InstallableAppChecks
{
    public static async Task<JsonElement> ManifestAsync(TestClient client, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/manifest.webmanifest", UriKind.Relative));
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/manifest+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("max-age=300", string.Join(",", response.Headers.GetValues("Cache-Control")));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Every icon of the manifest answers 200 with the type it declares; returns their URLs.</summary>
    public static async Task<List<string>> IconsAnswerAsync(TestClient client, JsonElement manifest)
    {
        var sources = new List<string>();
        foreach (var icon in manifest.GetProperty("icons").EnumerateArray())
        {
            var src = icon.GetProperty("src").GetString()!;
            using var response = await client.Http.GetAsync(new Uri(src, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{src}: {(int)response.StatusCode}");
            Assert.Equal(icon.GetProperty("type").GetString(), response.Content.Headers.ContentType?.MediaType);
            sources.Add(src);
        }
        Assert.True(sources.Count >= 3, "the manifest names too few icons");
        return sources;
    }

    /// <summary>The strings of a list the worker declares: <c>var NAME = ['a', 'b'];</c>.</summary>
    public static List<string> DeclaredList(string script, string name)
    {
        var match = Regex.Match(script, "var " + name + @" = \[([^\]]*)\];");
        Assert.True(match.Success, $"sw.js no longer declares {name}");
        return QuotedString().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value).ToList();
    }

    public static int Count(string text, string part) => Regex.Count(text, Regex.Escape(part));

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedString();
}
