using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Amparo.Web.Infrastructure.Web;

public static class ApiErrors
{
    /// <summary>
    /// 400 naming each field as the JSON body names it (camelCase: "Regions" → "regions") with its message, from a
    /// service's field → message-key dictionary, in the caller's language.
    /// </summary>
    public static ValidationProblem Invalid(IReadOnlyDictionary<string, string> errors, IStringLocalizer t) =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => char.ToLowerInvariant(e.Key[0]) + e.Key[1..], e => new[] { t[e.Value].Value }, StringComparer.Ordinal));
}
