namespace Amparo.Web.Features.Wellbeing;

/// <summary>
/// One organizational well-being assessment: the organization's answers about its own practices, encrypted with the
/// organization's data key (bound to this table, column and row). Answered by an admin or focal point on behalf of
/// the organization — ideally after talking it through together; several people do not answer separately, because a
/// mean of separate opinions would hide exactly the disagreement worth discussing. Kept over time: each one is
/// compared with the one before.
/// </summary>
public sealed class OrganizationAssessment
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>UTC.</summary>
    public DateTime TakenAt { get; set; }
    /// <summary>The admin or focal point who saved it (an id, as the audit trail keeps it).</summary>
    public Guid TakenById { get; set; }
    /// <summary><see cref="AssessmentQuestions.Encode"/> as text, encrypted with the organization's key.</summary>
    public byte[]? AnswersCipher { get; set; }

    public const string Table = "WellbeingOrgAssessments";
}

/// <summary>The practices the assessment asks about, each with two questions (docs/wellbeing.md).</summary>
public enum AssessmentArea
{
    Workload = 0,
    Rest = 1,
    Support = 2,
    PsychosocialBudget = 3,
    Debriefs = 4,
    SecurityTogether = 5,
    RoomForFear = 6,
}

/// <summary>How far a practice is true of the organization today.</summary>
public enum PracticeAnswer
{
    No = 0,
    Partly = 1,
    Mostly = 2,
    Yes = 3,
}

/// <summary>Where an area stands: a strength to keep, a gap to work on first, or in between.</summary>
public enum AreaStanding
{
    Gap = 0,
    Growing = 1,
    Strength = 2,
}

public sealed record AreaResult(AssessmentArea Area, int Score, AreaStanding Standing);

/// <summary>
/// The questions (written for Amparo: resource keys <c>WbTeam.Q.{Area}{1|2}</c>), the encoding of answers and the profile.
/// An area's score is the sum of its two answers (0–6): 5 or 6 is a strength, 0–2 a gap, 3–4 growing.
/// </summary>
public static class AssessmentQuestions
{
    public const int PerArea = 2;

    public static IReadOnlyList<AssessmentArea> Areas { get; } = Enum.GetValues<AssessmentArea>();

    /// <summary>The questions in order, as (area, number 1 or 2, resource key).</summary>
    public static IReadOnlyList<(AssessmentArea Area, int Number, string Key)> All { get; } =
        [.. Areas.SelectMany(a => Enumerable.Range(1, PerArea).Select(n => (a, n, $"WbTeam.Q.{a}{n}")))];

    /// <summary>The form field name of a question.</summary>
    public static string Field(AssessmentArea area, int number) => $"{area}{number}";

    /// <summary>Answers as one digit each, in the order of <see cref="All"/>.</summary>
    public static string Encode(IReadOnlyList<PracticeAnswer> answers)
    {
        if (answers.Count != All.Count) throw new ArgumentException("One answer per question.", nameof(answers));
        return string.Concat(answers.Select(a => (char)('0' + (int)a)));
    }

    /// <summary>The answers, or null when the text is not a whole, valid encoding.</summary>
    public static IReadOnlyList<PracticeAnswer>? Decode(string? text)
    {
        if (text is null || text.Length != All.Count) return null;
        var answers = new List<PracticeAnswer>(text.Length);
        foreach (var c in text)
        {
            var value = (PracticeAnswer)(c - '0');
            if (!Enum.IsDefined(value)) return null;
            answers.Add(value);
        }
        return answers;
    }

    public static IReadOnlyList<AreaResult> Profile(IReadOnlyList<PracticeAnswer> answers) =>
        [.. Areas.Select((area, i) =>
        {
            var score = Enumerable.Range(0, PerArea).Sum(n => (int)answers[(i * PerArea) + n]);
            return new AreaResult(area, score, StandingOf(score));
        })];

    public static AreaStanding StandingOf(int score) => score switch
    {
        >= 5 => AreaStanding.Strength,
        <= 2 => AreaStanding.Gap,
        _ => AreaStanding.Growing,
    };
}
