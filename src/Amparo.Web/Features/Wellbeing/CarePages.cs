namespace Amparo.Web.Features.Wellbeing;

/// <summary>The care module's words at the edge: names for the API and the export, resource keys for the pages. No default arms.</summary>
public static class CarePages
{
    public static string PartName(CarePart part) => part switch
    {
        CarePart.Drains => "drains",
        CarePart.Restores => "restores",
        CarePart.WarningSigns => "warningSigns",
        CarePart.Boundaries => "boundaries",
        CarePart.People => "people",
        CarePart.RestDays => "restDays",
    };

    public static string PartKey(CarePart part) => "Care.Plan.Part." + part switch
    {
        CarePart.Drains => "Drains",
        CarePart.Restores => "Restores",
        CarePart.WarningSigns => "WarningSigns",
        CarePart.Boundaries => "Boundaries",
        CarePart.People => "People",
        CarePart.RestDays => "RestDays",
    };

    public static string StateName(BuddyState state) => state switch
    {
        BuddyState.Invited => "invited",
        BuddyState.Active => "active",
        BuddyState.Ended => "ended",
    };

    public static string StateName(DebriefState state) => state switch
    {
        DebriefState.Offered => "offered",
        DebriefState.Scheduled => "scheduled",
        DebriefState.Dismissed => "dismissed",
    };

    public static string WithName(DebriefWith with) => with switch
    {
        DebriefWith.Buddy => "buddy",
        DebriefWith.FocalPoint => "focalPoint",
        DebriefWith.Practitioner => "practitioner",
    };

    public static string WithKey(DebriefWith with) => "Care.Debrief.With." + with switch
    {
        DebriefWith.Buddy => "Buddy",
        DebriefWith.FocalPoint => "FocalPoint",
        DebriefWith.Practitioner => "Practitioner",
    };

    public static string MarkKey(WellbeingMarkKind kind) => "Care.Mark.Kind." + kind switch
    {
        WellbeingMarkKind.HardWeek => "HardWeek",
        WellbeingMarkKind.Incident => "Incident",
        WellbeingMarkKind.Alert => "Alert",
        WellbeingMarkKind.HeavyWork => "HeavyWork",
        WellbeingMarkKind.Other => "Other",
    };
}
