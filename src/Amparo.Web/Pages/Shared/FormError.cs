namespace Amparo.Web.Pages;

/// <summary>
/// One problem shown in the error summary at the top of a form (<c>_Errors.cshtml</c>): its words and, when it
/// belongs to a field, that field's element id, so the summary can link to the field and the field can point back
/// to its message (<c>aria-invalid</c>, <c>aria-describedby</c>).
/// </summary>
public sealed record FormError(string Message, string? FieldId = null)
{
    /// <summary>The field an account-creation problem (setup, invitation) is about, by the ids those forms use.</summary>
    public static string? AccountField(string key) => key switch
    {
        "Validation.Email" or "Account.EmailTaken" => "email",
        "Validation.DisplayName" => "name",
        _ when key.StartsWith("Passphrase.", StringComparison.Ordinal) || key.StartsWith("Password", StringComparison.Ordinal) => "password",
        _ => null,
    };
}

/// <summary>What a form's fields need from its list of problems.</summary>
public static class FormErrors
{
    /// <summary>"true" when the field has a problem (for <c>aria-invalid</c>), else null so the attribute is left out.</summary>
    /// <summary>A service's refused fields (field id → resource key) as the summary's errors, each in the page's words.</summary>
    public static List<FormError> Of(IReadOnlyDictionary<string, string> errors, Func<string, string> text) => [.. errors.Select(e => new FormError(text(e.Value), e.Key))];

    public static string? Invalid(this IEnumerable<FormError> errors, string fieldId) => errors.Any(e => e.FieldId == fieldId) ? "true" : null;

    /// <summary>The field's own message, shown under it with the id <c>{fieldId}-error</c>.</summary>
    public static string? MessageFor(this IEnumerable<FormError> errors, string fieldId) => errors.FirstOrDefault(e => e.FieldId == fieldId)?.Message;

    /// <summary><c>aria-describedby</c> for a field: its hint (if any) and its message (if it has one); null when neither.</summary>
    public static string? DescribedBy(this IEnumerable<FormError> errors, string fieldId, string? hintId = null)
    {
        var ids = string.Join(' ', new[] { hintId, errors.Invalid(fieldId) is null ? null : fieldId + "-error" }.Where(i => i is not null));
        return ids.Length == 0 ? null : ids;
    }

    /// <summary>The fields whose posted value the binder could not read (a choice that does not exist, letters in a number), by field name.</summary>
    public static IEnumerable<string> Unreadable(Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary modelState) =>
        modelState.Where(s => s.Value is { Errors.Count: > 0 }).Select(s => s.Key.Split('[')[0]).Distinct(StringComparer.Ordinal);

    /// <summary>A page's field → message-key dictionary as summary lines, each linked to its field's element id.</summary>
    public static List<FormError> Linked(IReadOnlyDictionary<string, string> errors, Func<string, string> text, IReadOnlyDictionary<string, string> fieldIds) =>
        [.. errors.Select(e => new FormError(text(e.Value), fieldIds.GetValueOrDefault(e.Key)))];
}
