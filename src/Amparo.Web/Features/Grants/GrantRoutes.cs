namespace Amparo.Web.Features.Grants;

public static class GrantRoutes
{
    public const string List = "/grants";
    public static string Program(Guid id) => FormattableString.Invariant($"/grants/programs/{id}");
    public static string NewProgram(Guid organizationId) => FormattableString.Invariant($"/grants/programs/edit?org={organizationId}");
    public static string EditProgram(Guid id) => FormattableString.Invariant($"/grants/programs/edit/{id}");
    public static string Portfolio(Guid organizationId) => FormattableString.Invariant($"/grants/portfolio/{organizationId}");
    public static string Request(Guid id) => FormattableString.Invariant($"/grants/requests/{id}");
    public static string RequestReview(Guid id) => FormattableString.Invariant($"/grants/requests/{id}/review");
    public static string Behalf(Guid id) => FormattableString.Invariant($"/grants/requests/{id}/behalf");
    public static string RequestFile(Guid id, Guid file) => FormattableString.Invariant($"/grants/requests/{id}?handler=File&file={file}");
    public static string RequestPlan(Guid id, Guid? planId = null) =>
        FormattableString.Invariant($"/grants/requests/{id}/plan") + (planId is { } p ? FormattableString.Invariant($"?plan={p}") : "");
}
