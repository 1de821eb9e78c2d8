using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Amparo.Web.Features.Grants;

/// <summary>What a program's own question asks for: words, one of its choices, an amount, a date, or a file.</summary>
public enum QuestionKind { Text = 1, Choice = 2, Amount = 3, Date = 4, File = 5 }

/// <summary>
/// A question a program asks beyond the request's own parts. <see cref="Id"/> is stable while the question stands (the
/// answers are keyed by it, so reordering or rewording a question keeps them); <see cref="Choices"/> for a choice only.
/// </summary>
public sealed record ProgramQuestion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] QuestionKind Kind,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("required")] bool Required,
    [property: JsonPropertyName("choices")] IReadOnlyList<string> Choices);

/// <summary>
/// The small form builder: a program's questions (stored as JSON in clear, like the rest of the program: they are meant
/// for applicants) and the rules of their answers (stored in the request's encrypted answers, keyed by question id).
/// An answer is text: the words, the choice as listed, an amount with a decimal point, a date as yyyy-MM-dd, a file's id.
/// </summary>
public static class ProgramQuestions
{
    public const int Max = 10, LabelMax = 300, ChoicesMax = 10, ChoiceMax = 100, AnswerMax = RequestRules.TextMax;

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static List<ProgramQuestion> Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        return JsonSerializer.Deserialize<List<ProgramQuestion>>(json, Json) ?? [];
    }

    public static string Write(IReadOnlyList<ProgramQuestion> questions) => questions.Count == 0 ? "" : JsonSerializer.Serialize(questions, Json);

    /// <summary>A new question's id: eight letters and digits, never shown.</summary>
    public static string NewId() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 8);

    private static bool IsId(string? id) => id is { Length: 8 } && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    /// <summary>
    /// The questions as given, trimmed, each with an id (a new one when it has none or one that is not ours), choices
    /// only for a choice question.
    /// </summary>
    public static List<ProgramQuestion> Clean(IEnumerable<ProgramQuestion> questions)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var clean = new List<ProgramQuestion>();
        foreach (var q in questions)
        {
            var id = IsId(q.Id) && seen.Add(q.Id) ? q.Id : NewId();
            var choices = q.Kind == QuestionKind.Choice
                ? q.Choices.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList()
                : [];
            clean.Add(new ProgramQuestion(id, q.Kind, q.Label.Trim(), q.Required, choices));
        }
        return clean;
    }

    /// <summary>Field errors of a program's questions: "Questions[i].Label" and "Questions[i].Choices", or "Questions" for too many.</summary>
    public static Dictionary<string, string> Check(IReadOnlyList<ProgramQuestion> questions)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (questions.Count > Max) errors["Questions"] = "Grants.Error.Questions";
        for (var i = 0; i < questions.Count && i < Max; i++)
        {
            var q = questions[i];
            if (!Enum.IsDefined(q.Kind)) errors[$"Questions[{i}].Kind"] = "Grants.Error.QuestionKind";
            if (q.Label.Length is 0 or > LabelMax) errors[$"Questions[{i}].Label"] = "Grants.Error.QuestionLabel";
            if (q.Kind == QuestionKind.Choice && (q.Choices.Count is < 2 or > ChoicesMax || q.Choices.Any(c => c.Length > ChoiceMax)))
                errors[$"Questions[{i}].Choices"] = "Grants.Error.QuestionChoices";
        }
        return errors;
    }

    /// <summary>
    /// Field errors of the answers to <paramref name="questions"/> ("Questions[id]"): what was given must fit its kind; a
    /// file answer must be one of <paramref name="files"/> (the request's own). An answer to a question the program no
    /// longer asks is kept, not checked, and not shown.
    /// </summary>
    public static Dictionary<string, string> CheckAnswers(IReadOnlyDictionary<string, string> answers, IReadOnlyList<ProgramQuestion> questions, IReadOnlySet<string> files)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var q in questions)
        {
            if (!answers.TryGetValue(q.Id, out var value) || value.Length == 0) continue;
            var ok = q.Kind switch
            {
                QuestionKind.Text => value.Length <= AnswerMax,
                QuestionKind.Choice => q.Choices.Contains(value, StringComparer.Ordinal),
                QuestionKind.Amount => ReadAmount(value) is > 0 and <= GrantRules.MaxCeiling and var a && decimal.Round(a, 2) == a,
                QuestionKind.Date => ReadDate(value) is not null,
                QuestionKind.File => files.Contains(value),
            };
            if (!ok) errors[Field(q.Id)] = "Grants.Request.Error.Question." + q.Kind;
        }
        return errors;
    }

    /// <summary>The required questions with no answer: what the checklist names.</summary>
    public static List<ProgramQuestion> Unanswered(IReadOnlyDictionary<string, string> answers, IReadOnlyList<ProgramQuestion> questions) =>
        [.. questions.Where(q => q.Required && (!answers.TryGetValue(q.Id, out var v) || string.IsNullOrWhiteSpace(v)))];

    /// <summary>The field name of a question's answer, in forms and in errors.</summary>
    public static string Field(string questionId) => $"Questions[{questionId}]";

    public static decimal? ReadAmount(string value) =>
        decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var a) ? a : null;

    public static DateOnly? ReadDate(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    public static string WriteAmount(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);
}
