namespace Amparo.Web.Features.Incidents;

/// <summary>
/// The HURIDOCS Events Standard Formats codes Amparo's words map to, so that exported incidents can move to
/// documentation systems that use them (Uwazi, OpenEvSys, case systems). Acts: Micro-thesaurus 4 "Types of acts";
/// perpetrators: Micro-thesaurus 24 "Types of perpetrators". Where Amparo names something the thesaurus has no code for,
/// the code is the nearest branch and <see cref="IsExtension"/> says so. docs/incidents.md has the same table.
/// </summary>
public static class Huridocs
{
    /// <summary>The acts' codes, one Amparo act to one or more thesaurus terms. No default arm: a new act must be mapped.</summary>
    public static IReadOnlyList<string> ActCodes(IncidentActs act) => act switch
    {
        IncidentActs.KillingOrAttempt => ["010101000000", "010109000000"],
        IncidentActs.DisappearanceOrAbduction => ["030103000000", "030104000000"],
        IncidentActs.ArrestOrDetention => ["030101000000", "030102000000"],
        IncidentActs.JudicialHarassment => ["350111000000", "350114000000"],
        IncidentActs.PhysicalAttackOrTorture => ["020101000000"],
        IncidentActs.SexualOrGenderBasedViolence => ["020102000000", "020103050000"],
        IncidentActs.Threat => ["020103010000", "020103020000"],
        IncidentActs.Surveillance => ["020103030000", "120104000000"],
        IncidentActs.SmearCampaign => ["140101000000"],
        IncidentActs.RaidOrPropertyDamage => ["040101000000", "120102000000", "130107000000", "130103000000"],
        IncidentActs.DigitalAttack => ["040100000000"],
        IncidentActs.TravelRestriction => ["050106000000"],
        IncidentActs.Other => ["900000000000"],
        IncidentActs.None => [],
    };

    /// <summary>Acts Amparo names more widely than the thesaurus term it maps to (documented as Amparo extensions).</summary>
    public static bool IsExtension(IncidentActs act) => act is IncidentActs.SmearCampaign or IncidentActs.DigitalAttack;

    public static string PerpetratorCode(PerpetratorType type) => type switch
    {
        PerpetratorType.StateSecurityForces => "010100000000",
        PerpetratorType.Legislature => "010200000000",
        PerpetratorType.JudiciaryOrProsecutors => "010300000000",
        PerpetratorType.ProGovernmentArmedGroup => "020100000000",
        PerpetratorType.OtherArmedGroup => "020000000000",
        PerpetratorType.PowerfulPrivateActor => "110000000000",
        PerpetratorType.Corporation => "210100000000",
        PerpetratorType.Landowner => "210200000000",
        PerpetratorType.Unknown => "990000000000",
    };


}
