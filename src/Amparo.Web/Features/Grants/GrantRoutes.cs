namespace Amparo.Web.Features.Grants;

public static class GrantRoutes
{
    public const string List = "/grants";
    public static string Program(Guid id) => FormattableString.Invariant($"/grants/programs/{id}");
    public static string NewProgram(Guid organizationId) => FormattableString.Invariant($"/grants/programs/edit?org={organizationId}");
    public static string EditProgram(Guid id) => FormattableString.Invariant($"/grants/programs/edit/{id}");
    public static string Portfolio(Guid organizationId) => FormattableString.Invariant($"/grants/portfolio/{organizationId}");
    /// <summary>The grantmaker's own security self-assessment (its admins), the form to take it, and the page it may publish for grantees.</summary>
    public static string Security(Guid organizationId) => FormattableString.Invariant($"/grants/security/{organizationId}");
    public static string SecurityTake(Guid organizationId) => FormattableString.Invariant($"/grants/security/{organizationId}/take");
    public static string Export(Guid organizationId) => FormattableString.Invariant($"/grants/export/{organizationId}");
    public static string Practices(Guid organizationId) => FormattableString.Invariant($"/grants/practices/{organizationId}");
    public static string Request(Guid id) => FormattableString.Invariant($"/grants/requests/{id}");
    public static string RequestReview(Guid id) => FormattableString.Invariant($"/grants/requests/{id}/review");
    public static string Behalf(Guid id) => FormattableString.Invariant($"/grants/requests/{id}/behalf");
    public static string RequestFile(Guid id, Guid file) => FormattableString.Invariant($"/grants/requests/{id}?handler=File&file={file}");
    public static string RequestPlan(Guid id, Guid? planId = null) =>
        FormattableString.Invariant($"/grants/requests/{id}/plan") + (planId is { } p ? FormattableString.Invariant($"?plan={p}") : "");
}
