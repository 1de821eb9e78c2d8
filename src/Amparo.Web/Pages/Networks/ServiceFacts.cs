using Amparo.Web.Features.Networks;

namespace Amparo.Web.Pages.Networks;

/// <summary>What the search and the entry page say of a service (<c>_ServiceFacts.cshtml</c>): capacity, promise, languages, regions, groups.</summary>
public sealed record ServiceFacts(Capacity Capacity, DateOnly? FullUntil, DateTime ConfirmedAt, int? ResponseHours, string Languages, string Regions, Eligibility Eligible)
{
    public static ServiceFacts Of(FoundService f) => new(f.Capacity, f.FullUntil, f.CapacityConfirmedAt, f.ResponseHours, f.Languages, f.Regions, f.Eligible);
    public static ServiceFacts Of(DirectoryService s) => new(s.Capacity, s.FullUntil, s.CapacityConfirmedAt, s.ResponseHours, s.Languages, s.Regions, s.Eligible);
}
