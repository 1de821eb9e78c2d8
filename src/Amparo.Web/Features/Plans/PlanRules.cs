using Amparo.Web.Infrastructure;
namespace Amparo.Web.Features.Plans;

/// <summary>
/// What a plan's input must be: lengths, levels, domains, currency codes, dates. Problems are field → resource key
/// (<c>Plans.Error.*</c>), shown next to the field in the person's language. Owner checks (who may be given an action)
/// need the database and are the service's.
/// </summary>
public static class PlanRules
{
    public const int MaxTitle = 200, MaxName = 200, MaxShort = 500, MaxText = 4000, MaxSteps = 50, MaxStep = 1000, MaxEntriesPerAction = 100;
    public const decimal MaxCost = 1_000_000_000_000m;

    private static readonly SecurityDomains AllDomains = Enum.GetValues<SecurityDomains>().Aggregate(SecurityDomains.None, (a, b) => a | b);

    // Active ISO 4217 codes for money (no metals, funds or test codes). Sums stay per currency: nothing is converted.
    private static readonly HashSet<string> Currencies = new(
        ("AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP " +
         "CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS " +
         "INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU " +
         "MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK " +
         "SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST " +
         "XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL").Split(' '), StringComparer.Ordinal);

    public static bool IsCurrency(string? code) => code is { Length: 3 } && Currencies.Contains(code);

    /// <summary>Trimmed text, or null when blank.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Too long, or holding control characters other than line breaks and tabs (NUL among them, which PostgreSQL refuses).</summary>
    public static bool Unacceptable(string? value, int max) => Validation.IsUnacceptableText(value, max);

    public static Dictionary<string, string> Check(PlanInput input, DateTime now)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Required(errors, "Title", input.Title, MaxTitle);
        Optional(errors, "Context", input.Context, MaxText);
        Optional(errors, "WellBeing", input.WellBeing, MaxText);
        Optional(errors, "ExhaustionRisks", input.ExhaustionRisks, MaxText);
        if (input.NextReviewAt is { } at && (at < now.AddDays(-1) || at > now.AddYears(5))) errors["NextReviewAt"] = "Plans.Error.ReviewDate";
        return errors;
    }

    public static Dictionary<string, string> Check(ActorInput input)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Required(errors, "Name", input.Name, MaxName);
        if (!Enum.IsDefined(input.Stance)) errors["Stance"] = "Plans.Error.Choice";
        Optional(errors, "Interests", input.Interests, MaxText);
        Optional(errors, "Capacity", input.Capacity, MaxText);
        return errors;
    }

    public static Dictionary<string, string> Check(EntryInput input)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Required(errors, "Threat", input.Threat, MaxShort);
        Optional(errors, "ByWhom", input.ByWhom, MaxShort);
        Optional(errors, "Indicators", input.Indicators, MaxText);
        Optional(errors, "Vulnerabilities", input.Vulnerabilities, MaxText);
        Optional(errors, "Capacities", input.Capacities, MaxText);
        Domains(errors, input.Domains);
        if (!Enum.IsDefined(input.ThreatLevel)) errors["ThreatLevel"] = "Plans.Error.Level";
        if (!Enum.IsDefined(input.VulnerabilityLevel)) errors["VulnerabilityLevel"] = "Plans.Error.Level";
        if (!Enum.IsDefined(input.CapacityLevel)) errors["CapacityLevel"] = "Plans.Error.Level";
        if (input.Likelihood is { } l && !Enum.IsDefined(l)) errors["Likelihood"] = "Plans.Error.Level";
        if (input.Impact is { } i && !Enum.IsDefined(i)) errors["Impact"] = "Plans.Error.Level";
        return errors;
    }

    public static Dictionary<string, string> Check(ActionInput input, DateTime now)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Required(errors, "What", input.What, MaxShort);
        if (!Enum.IsDefined(input.Status)) errors["Status"] = "Plans.Error.Choice";
        Domains(errors, input.Domains);
        if (input.DueAt is { } due && (due < now.AddYears(-5) || due > now.AddYears(20))) errors["DueAt"] = "Plans.Error.DueDate";
        if (input.EstimatedCost is { } cost)
        {
            if (cost < 0 || cost > MaxCost || decimal.Round(cost, 2) != cost) errors["EstimatedCost"] = "Plans.Error.Cost";
            if (!IsCurrency(input.Currency)) errors["Currency"] = "Plans.Error.Currency";
        }
        else if (input.Currency is not null && !IsCurrency(input.Currency)) errors["Currency"] = "Plans.Error.Currency";
        if (input.EntryIds is { Count: > MaxEntriesPerAction }) errors["EntryIds"] = "Plans.Error.Entries";
        return errors;
    }

    public static Dictionary<string, string> Check(ProtocolInput input)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Required(errors, "Name", input.Name, MaxName);
        if (!Enum.IsDefined(input.Situation)) errors["Situation"] = "Plans.Error.Choice";
        var steps = input.Steps ?? [];
        if (steps.Count > MaxSteps || steps.Any(s => Unacceptable(s, MaxStep))) errors["Steps"] = "Plans.Error.Steps";
        if (input.Visit is { } v && (Unacceptable(v.PlaceKind, MaxName) || Unacceptable(v.Message, MaxText)
            || v.DurationMinutes is < 5 or > ReadyVisit.MaxDurationMinutes || v.GraceMinutes is < 0 or > 240
            || v.CheckInEveryMinutes is < 5 or > 24 * 60 || v.Companions is { Count: > 10 }))
            errors["Visit"] = "Plans.Error.Visit";
        return errors;
    }

    private static void Required(Dictionary<string, string> errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value)) errors[field] = "Plans.Error.Required";
        else if (Unacceptable(value, max)) errors[field] = "Plans.Error.TooLong";
    }

    private static void Optional(Dictionary<string, string> errors, string field, string? value, int max)
    {
        if (Unacceptable(value, max)) errors[field] = "Plans.Error.TooLong";
    }

    private static void Domains(Dictionary<string, string> errors, SecurityDomains domains)
    {
        if ((domains & ~AllDomains) != 0) errors["Domains"] = "Plans.Error.Choice";
    }
}
