using System.Globalization;
using Amparo.Web.Infrastructure.Localization;

namespace Amparo.Web.Features.Grants;

/// <summary>What a grantmaker's admin types or picks for a program, as the form and the API send it.</summary>
public sealed record ProgramInput(
    string? Name, ProgramKind? Kind, string? Description, string? Eligibility, string? Currency, decimal? Ceiling,
    IReadOnlyList<CostCategories> Categories, IReadOnlyList<string> Languages, string? Regions, ProgramStatus? Status, int? ResponseHours,
    string? Rubric = null, IReadOnlyList<ProgramQuestion>? Questions = null, string? SmsWord = null, int? PurgeAfterMonths = null, KeptFacts? Kept = null, int? RestrictedYears = null);

/// <summary>The rules of a program's fields: each broken rule is a field and the message key that says what to fix.</summary>
public static class GrantRules
{
    public const int NameMax = 200, TextMax = 4000, MaxResponseHours = 24 * 30;
    /// <summary>A scoring rubric: up to this many criteria, one per line, each scored from 1 to 5 by content reviewers.</summary>
    public const int RubricMax = 8, CriterionMax = 120, ScoreMin = 1, ScoreMax = 5;
    public const decimal MaxCeiling = 1_000_000_000m;
    public const int SmsWordMax = 12;
    /// <summary>Grantee data is purged this many months after a request ends, unless the program says otherwise (1 to <see cref="MaxPurgeMonths"/>).</summary>
    public const int DefaultPurgeMonths = 12, MaxPurgeMonths = 120;
    /// <summary>A grant's restricted record is kept this many years after it ends, unless the program says otherwise (1 to <see cref="MaxRestrictedYears"/>).</summary>
    public const int DefaultRestrictedYears = 7, MaxRestrictedYears = 30;

    /// <summary>An SMS word as stored: normalized like every SMS keyword; null for none. Not checked here (see <see cref="Check"/>).</summary>
    public static string? SmsWord(string? typed) => Notifications.SmsKeywords.Normalize(typed ?? "") is { Length: > 0 } word ? word : null;

    public static Dictionary<string, string> Check(ProgramInput input, Func<string, bool> isCountry)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > NameMax) errors["Name"] = "Grants.Error.Name";
        if (input.Kind is not { } kind || !Enum.IsDefined(kind)) errors["Kind"] = "Grants.Error.Kind";
        if (string.IsNullOrWhiteSpace(input.Description) || input.Description.Trim().Length > TextMax) errors["Description"] = "Grants.Error.Description";
        if (string.IsNullOrWhiteSpace(input.Eligibility) || input.Eligibility.Trim().Length > TextMax) errors["Eligibility"] = "Grants.Error.Eligibility";
        if (input.Currency?.Trim() is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper)) errors["Currency"] = "Grants.Error.Currency";
        if (input.Ceiling is { } ceiling && (ceiling <= 0 || ceiling > MaxCeiling || decimal.Round(ceiling, 2) != ceiling)) errors["Ceiling"] = "Grants.Error.Ceiling";
        if (input.Categories.Count == 0 || input.Categories.Any(c => c == CostCategories.None || !Enum.IsDefined(c))) errors["Categories"] = "Grants.Error.Categories";
        if (input.Languages.Count == 0 || input.Languages.Any(l => !Cultures.IsSupported(l))) errors["Languages"] = "Grants.Error.Languages";
        if (RegionCodes(input.Regions) is not { } regions || regions.Any(r => !isCountry(r))) errors["Regions"] = "Grants.Error.Regions";
        if (input.Status is not { } status || !Enum.IsDefined(status)) errors["Status"] = "Grants.Error.Status";
        // An emergency program promises an answer within hours; the others do not run a clock.
        if (input.Kind == ProgramKind.Emergency && input.ResponseHours is not (>= 1 and <= MaxResponseHours)) errors["ResponseHours"] = "Grants.Error.ResponseHours";
        if (input.Kind is not ProgramKind.Emergency && input.ResponseHours is not null) errors["ResponseHours"] = "Grants.Error.ResponseHoursOnlyEmergency";
        var criteria = Criteria(input.Rubric);
        if (criteria.Count > RubricMax || criteria.Any(c => c.Length > CriterionMax)) errors["Rubric"] = "Grants.Error.Rubric";
        if (SmsWord(input.SmsWord) is { } sms)
        {
            if (sms.Length is < 2 or > SmsWordMax || !sms.All(char.IsLetterOrDigit)) errors["SmsWord"] = "Grants.Error.SmsWord";
            else if (input.Kind is not ProgramKind.Emergency) errors["SmsWord"] = "Grants.Error.SmsWordOnlyEmergency";
        }
        if (input.PurgeAfterMonths is { } months && months is < 1 or > MaxPurgeMonths) errors["PurgeAfterMonths"] = "Grants.Error.PurgeAfterMonths";
        if (input.Kept is { } kept && (kept & ~KeptFacts.All) != 0) errors["Kept"] = "Grants.Error.Kept";
        if (input.RestrictedYears is { } years && years is < 1 or > MaxRestrictedYears) errors["RestrictedYears"] = "Grants.Error.RestrictedYears";
        if (input.Questions is { } questions)
            foreach (var (field, key) in ProgramQuestions.Check(ProgramQuestions.Clean(questions))) errors[field] = key;
        return errors;
    }

    /// <summary>A rubric's criteria as typed: one per line, blank lines left out.</summary>
    public static List<string> Criteria(string? rubric) =>
        [.. (rubric ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Country codes typed with spaces or commas, upper-cased, each once; null when one is not two letters.</summary>
    public static List<string>? RegionCodes(string? regions)
    {
        var codes = (regions ?? "").Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c.ToUpperInvariant()).Distinct().ToList();
        return codes.All(c => c.Length == 2 && c.All(char.IsAsciiLetterUpper)) ? codes : null;
    }


    public static string Money(decimal amount, string currency) =>
        string.Create(CultureInfo.CurrentCulture, $"{amount:N2} {currency}");
}
