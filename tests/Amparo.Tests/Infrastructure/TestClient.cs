using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Amparo.Tests.Infrastructure;

/// <summary>Drives the server-rendered pages the way a browser without JavaScript does: GET a form, POST it back with its antiforgery token.</summary>
public sealed partial class TestClient(HttpClient http) : IDisposable
{
    public HttpClient Http => http;

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string url)
    {
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <paramref name="pageUrl"/>, takes its antiforgery token, POSTs the fields to <paramref name="actionUrl"/> (default: the same page).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pageUrl, IDictionary<string, string> fields, string? actionUrl = null)
    {
        var (_, html) = await GetAsync(pageUrl);
        var token = AntiforgeryToken(html) ?? throw new InvalidOperationException($"No form token on {pageUrl}");
        var all = new Dictionary<string, string>(fields) { ["__af"] = token };
        using var content = new FormUrlEncodedContent(all);
        return await http.PostAsync(new Uri(actionUrl ?? pageUrl, UriKind.Relative), content);
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password = TestData.Passphrase) =>
        await PostFormAsync("/account/sign-in", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });

    public async Task<HttpResponseMessage> PostJsonAsync<T>(string url, T body, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        return await http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? bearer = null, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = content };
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        return await http.SendAsync(request);
    }

    public static string? AntiforgeryToken(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose() => http.Dispose();
}
