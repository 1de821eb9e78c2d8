using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Infrastructure.Web;
using Microsoft.AspNetCore.Localization;

namespace Amparo.Tests.Localization;

/// <summary>The repository's own files, found by walking up from the test binary to the folder holding Amparo.slnx.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Web => Path.Combine(Root, "src", "Amparo.Web");

    public static string ResxFor(string language) =>
        Path.Combine(Web, "Resources", language == "en" ? "SharedResource.resx" : $"SharedResource.{language}.resx");

    /// <summary>Key → value of one .resx file.</summary>
    public static Dictionary<string, string> Load(string language) =>
        XDocument.Load(ResxFor(language)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Amparo.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Amparo.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Every person reads the whole app in their language: no key missing, nothing left in English, placeholders intact.</summary>
public sealed partial class TranslationTests
{
    public static TheoryData<string> Translations => new(Cultures.Supported.Where(c => c != "en"));

    private static readonly Dictionary<string, string> English = Repo.Load("en");

    /// <summary>
    /// Values that are rightly the same as the English text. Keep this tiny; every entry needs a reason.
    /// </summary>
    private static readonly HashSet<(string Language, string Key)> SameAsEnglish =
    [
        // Grants (issue 14): "communications", "Description", "Budget" and "Note" are the ordinary French words.
        ("fr", "Grants.Category.Communications"),
        ("fr", "Grants.Field.Description"),
        ("fr", "Grants.Request.Budget"),
        ("fr", "Grants.Review.Aspect.Budget"),
        ("fr", "Grants.Review.Note"),
        ("fr", "Grants.Question.Label"),
        ("fr", "Grants.Question.Number"),
        // Trainings (issue 19): "Invitation" is the French word.
        ("fr", "Training.Invite"),
        // The self-assessment's answer "No" is the Spanish word.
        ("es", "Assess.Answer.No"),
        // Grants' portfolio (issue 15): "Total" is the Spanish and French word.
        ("es", "Grants.Portfolio.Total"),
        ("fr", "Grants.Portfolio.Total"),
        // "Actions" is the ordinary French word for a column of buttons (visually hidden on the sessions page).
        ("fr", "Org.Actions"),
        ("fr", "Sessions.Actions"),
        // Plan versions (issue 10): "No" is Spanish too; "Version" and "Version {0}" are French too.
        ("es", "Plans.Versions.No"),
        ("fr", "Plans.Versions.Number"),
        ("fr", "Plans.Versions.VersionN"),
        // The panic button says "SOS" in every language: read at a glance, and what phones call their emergency feature.
        ("es", "Layout.Panic"),
        ("fr", "Layout.Panic"),
        ("ar", "Layout.Panic"),
        ("ru", "Layout.Panic"),
        // "SOS" opens a panic alert's message in every language: the word recognised everywhere (issue 9).
        ("es", "Alert.Head.Panic"),
        ("fr", "Alert.Head.Panic"),
        ("ar", "Alert.Head.Panic"),
        ("ru", "Alert.Head.Panic"),
        // Security plan pages: the same word in both languages.
        ("es", "Plans.Page.Domain.Digital"),
        ("fr", "Incidents.Nav"),              // "Incidents" is French too
        ("fr", "Incidents.Details.Notes"),    // "Notes"
        ("fr", "Incidents.New.Latitude"),     // the same word in French
        ("fr", "Incidents.New.Longitude"),
        ("fr", "Incidents.Evidence.Kind.Image"),    // "photo"
        ("fr", "Incidents.Evidence.Kind.Document"), // "document"
        ("es", "Plans.Page.Domain.Legal"),
        ("es", "Plans.Page.Stance.Neutral"),
        ("fr", "Plans.Page.Actions"),
    ];

    /// <summary>Keys built by concatenation in pages (T["Role." + role]): prefix → every suffix the code can produce.</summary>
    private static readonly Dictionary<string, string[]> DynamicKeys = new(StringComparer.Ordinal)
    {
        ["Role."] = Enum.GetNames<OrgRole>(),
        // The library (issue 18): its enums by their content words, and every facet value a lesson may carry.
        ["Learning.Review."] = [.. Enum.GetValues<Amparo.Web.Features.Learning.ReviewStatus>().Select(Amparo.Web.Features.Learning.LessonTags.StatusName)],
        ["Learning.Kind."] = [.. Enum.GetValues<Amparo.Web.Features.Learning.StepKind>().Select(Amparo.Web.Features.Learning.LessonTags.KindName)],
        ["Learning.Level."] = [.. Enum.GetValues<Amparo.Web.Features.Learning.LessonLevel>().Select(Amparo.Web.Features.Learning.LessonTags.LevelName)],
        ["Learning.LevelNeed."] = [.. Enum.GetValues<Amparo.Web.Features.Learning.LessonLevel>().Select(Amparo.Web.Features.Learning.LessonTags.LevelName)],
        ["Learning.Repeat."] = [.. Enum.GetValues<Amparo.Web.Features.Learning.ChecklistRepeat>().Select(Amparo.Web.Features.Learning.LessonTags.RepeatName)],
        ["Learning.Tag."] = [.. Amparo.Web.Features.Learning.LessonTags.Topics, .. Amparo.Web.Features.Learning.LessonTags.Domains,
            .. Amparo.Web.Features.Learning.LessonTags.Audiences, .. Amparo.Web.Features.Learning.LessonTags.Contexts, .. Amparo.Web.Features.Learning.LessonTags.Sensitivity],
        ["OrgKind."] = Enum.GetNames<OrganizationKind>(),
        // The sharing page lists a person's own categories: its rules, and the grants they made of them.
        ["Sharing.Rule."] = [.. from c in DataCategories.OfKind(OwnerKind.Person) from a in Enum.GetNames<Audience>() select $"{c}.{a}"],
        ["Sharing.Chosen."] = [.. from c in DataCategories.OfKind(OwnerKind.Person) select c.ToString()],
        // SecurityModel.OnGetAsync accepts exactly these values of ?done= (the rest are dropped).
        ["Security.Done."] = ["enabled", "disabled", "passphrase"],
        // The printable copy of a security plan (PlanMarkdown): its labels and the words of its enums.
        ["Plans.Export."] = [.. Amparo.Web.Features.Plans.PlanMarkdown.KeySuffixes()],
        // The security plan pages (Pages/Plans/PlanPages.cs builds these from the module's enums; PlanModel accepts these ?done=).
        ["Plans.Page.Done."] = ["saved", "removed", "reviewed", "changed", "shared", "unshared", "members-on", "members-off"],
        ["Plans.Page.Domain."] = [.. Enum.GetNames<Amparo.Web.Features.Plans.SecurityDomains>().Where(n => n != "None")],
        ["Plans.Page.Stance."] = Enum.GetNames<Amparo.Web.Features.Plans.ActorStance>(),
        ["Plans.Page.Status."] = Enum.GetNames<Amparo.Web.Features.Plans.PlanActionStatus>(),
        ["Plans.Page.Situation."] = Enum.GetNames<Amparo.Web.Features.Plans.ProtocolSituation>(),
        ["Plans.Page.Review."] = Enum.GetNames<Amparo.Web.Features.Plans.ReviewReason>(),
        ["Plans.Page.Role."] = Enum.GetNames<Amparo.Web.Features.Plans.PlanRole>(),
        // Plan snapshots shared with grantmakers (Pages/Plans/Shares.cshtml: its ?done= values, and the words of each scope).
        ["PlanShares.Page.Done."] = ["shared", "revoked", "refreshed", "staff"],
        ["PlanShares.Scope."] = [.. Enum.GetNames<Amparo.Web.Features.PlanShares.ShareScope>(), .. Enum.GetNames<Amparo.Web.Features.PlanShares.ShareScope>().Select(n => n + ".Hint")],
        // Well-being care (issue 11, wbcare): the pages' ?done= values, the debrief guide's steps and the debrief's states.
        ["Care.Plan.Done."] = ["saved", "reviewed", "deleted"],
        ["Care.Buddy.Done."] = ["invited", "accepted", "ended", "saved"],
        ["Care.Mark.Done."] = ["added", "deleted"],
        ["Care.Debrief.Guide."] = ["1", "2", "3", "4", "5", "6"],
        // Incident reports (issue 12): Pages/Incidents/IncidentPages.cs builds these from the module's enums; DetailsModel accepts these ?done=.
        ["Incidents.Details.Done."] = ["reported", "followed-up", "noted", "evidence", "accepted"],
        ["Incidents.Org.Done."] = ["revoked", "kept"],
        ["Incidents.Evidence.Kind."] = Enum.GetNames<Amparo.Web.Features.Incidents.EvidenceKind>(),
        ["Incidents.Evidence.Meta."] = [.. Enum.GetNames<Amparo.Web.Features.Incidents.PhotoMetadata>().Where(n => n != "None")],
        ["Incidents.Evidence.Error."] = ["None", .. Enum.GetNames<Amparo.Web.Features.Incidents.EvidenceRefusal>().Where(n => n != "None")],
        ["Incidents.Page.Done."] = ["shared", "unshared", "discarded"],
        // Hot zones (issue 13): the pages and messages name each class, state, act band and audience by its enum value.
        ["HotZones.Class."] = Enum.GetNames<Amparo.Web.Features.HotZones.EmergingClass>(),
        ["HotZones.State."] = Enum.GetNames<Amparo.Web.Features.HotZones.SpotState>(),
        ["HotZones.Band."] = Enum.GetNames<Amparo.Web.Features.HotZones.ActBand>(),
        ["HotZones.Audience."] = Enum.GetNames<Amparo.Web.Features.HotZones.ZoneAudience>(),
        ["HotZones.Regions.Done."] = ["added", "removed"],
        ["Grants.Kind."] = Enum.GetNames<Amparo.Web.Features.Grants.ProgramKind>(),
        ["Grants.Status."] = Enum.GetNames<Amparo.Web.Features.Grants.ProgramStatus>(),
        ["Grants.Role."] = Enum.GetNames<Amparo.Web.Features.Grants.ProgramRole>(),
        ["Grants.Category."] = [.. Enum.GetNames<Amparo.Web.Features.Grants.CostCategories>().Where(n => n != "None")],
        ["Grants.Done."] = ["assigned", "unassigned", "saved", "steppedAside"],
        // Grant requests: Pages/Grants/Request.cshtml names states, missing items and the staff's moves by their enum values.
        ["Grants.Request.State."] = Enum.GetNames<Amparo.Web.Features.Grants.RequestState>(),
        ["Grants.Request.Missing."] = Enum.GetNames<Amparo.Web.Features.Grants.MissingItem>(),
        ["Grants.Request.Move."] = ["InReview", "Rework", "Approved", "Declined", "Withdrawn"],
        ["Grants.Request.MoveHint."] = ["InReview", "Rework", "Approved", "Declined", "Withdrawn"],
        ["Grants.Request.Done."] = ["saved", "submitted", "commented", "Withdrawn", "InReview", "Rework", "Approved", "Declined", "imported", "planShared", "declared", "reviewed"],
        ["Grants.Review.Aspect."] = Enum.GetNames<Amparo.Web.Features.Grants.ReviewAspect>(),
        ["Grants.Kept."] = [.. Amparo.Web.Infrastructure.Flags.Each(Amparo.Web.Features.Grants.KeptFacts.All).Select(f => f.ToString())],
        // The grantmaker's self-assessment: answers by their enum values; each question's and area's own keys are checked by SecurityAssessmentTests.
        ["Assess.Answer."] = Enum.GetNames<Amparo.Web.Features.Grants.PracticeAnswer>(),
        ["Assess.Done."] = ["taken", "published", "withdrawn"],
        // The public export and the officer's choice of what it shows.
        ["Grants.Publication.Recipient."] = Enum.GetNames<Amparo.Web.Features.Grants.PublicRecipient>(),
        ["Grants.Publication.Location."] = Enum.GetNames<Amparo.Web.Features.Grants.PublicLocation>(),
        ["Grants.Export.Description."] = Enum.GetNames<Amparo.Web.Features.Grants.ProgramKind>(),
        ["Grants.Review.Form."] = Enum.GetNames<Amparo.Web.Features.Grants.ReviewAspect>(),
        ["Grants.Review.FormHint."] = Enum.GetNames<Amparo.Web.Features.Grants.ReviewAspect>(),
        ["Grants.Review.Verdict."] = Enum.GetNames<Amparo.Web.Features.Grants.ReviewVerdict>(),
        ["Grants.FromPlan.Problem."] = Enum.GetNames<Amparo.Web.Features.Grants.PlanCostProblem>(),
        ["Grants.Request.StartedFrom."] = Enum.GetNames<Amparo.Web.Features.Grants.RequestOrigin>(),
        ["Grants.Question.Kind."] = Enum.GetNames<Amparo.Web.Features.Grants.QuestionKind>(),
        // The network directory (issue 16): the kinds of help, named in its messages by their enum values.
        ["Directory.Kind."] = Enum.GetNames<Amparo.Web.Features.Networks.ServiceKind>(),
        ["Directory.Capacity."] = Enum.GetNames<Amparo.Web.Features.Networks.Capacity>(),
        ["Directory.CapacityChoice."] = Enum.GetNames<Amparo.Web.Features.Networks.Capacity>(),
        ["Directory.Contact."] = Enum.GetNames<Amparo.Web.Features.Networks.ContactKind>(),
        ["Directory.Level."] = Enum.GetNames<Amparo.Web.Features.Networks.Confidentiality>(),
        ["Directory.Visibility."] = Enum.GetNames<Amparo.Web.Features.Networks.EntryVisibility>(),
        ["Directory.Group."] = [.. Amparo.Web.Infrastructure.Flags.Each((Amparo.Web.Features.Networks.Eligibility)~0).Select(g => g.ToString())],
        ["Directory.Done."] = ["capacity", "saved", "service", "removed"],
        ["Referral.Done."] = [.. Enum.GetNames<Amparo.Web.Features.Networks.ReferralAct>(), "Created", "CreatedAsked"],
        ["Referral.State."] = Enum.GetNames<Amparo.Web.Features.Networks.ReferralState>(),
        ["Referral.Suggest."] = Enum.GetNames<Amparo.Web.Features.Networks.SuggestionOrigin>(),
        ["Referral.Consent."] = Enum.GetNames<Amparo.Web.Features.Networks.ConsentWay>(),
        ["Referral.Decline."] = Enum.GetNames<Amparo.Web.Features.Networks.DeclineReason>(),
        ["Referral.DoneReason."] = Enum.GetNames<Amparo.Web.Features.Networks.DoneReason>(),
        ["Referral.Act."] = Enum.GetNames<Amparo.Web.Features.Networks.ReferralAct>(),
        ["Referral.List."] = ["ForMe", "Sent", "Incoming"],
        ["Grants.Behalf.Done."] = ["named", "unnamed"],
        ["Grants.Request.Error.Question."] = Enum.GetNames<Amparo.Web.Features.Grants.QuestionKind>(),
        ["Grants.Request.Error.File."] = Enum.GetNames<Amparo.Web.Features.Incidents.EvidenceRefusal>(),
        ["Incidents.Act."] = [.. Enum.GetNames<Amparo.Web.Features.Incidents.IncidentActs>().Where(n => n != "None")],
        ["Incidents.Group."] = [.. Enum.GetNames<Amparo.Web.Features.Incidents.TargetedGroups>().Where(n => n != "None")],
        ["Incidents.Perpetrator."] = Enum.GetNames<Amparo.Web.Features.Incidents.PerpetratorType>(),
        ["Incidents.Precision."] = Enum.GetNames<Amparo.Web.Features.Incidents.DatePrecision>(),
        ["Incidents.Status."] = Enum.GetNames<Amparo.Web.Features.Incidents.IncidentStatus>(),
        ["Care.Debrief.State."] = [.. Enum.GetValues<Amparo.Web.Features.Wellbeing.DebriefState>().Select(Amparo.Web.Features.Wellbeing.CarePages.StateName)],
    };

    [Theory]
    [MemberData(nameof(Translations))]
    public void Translation_HasEveryEnglishKey_WithAValue_AndNoOtherKeys(string language)
    {
        var translated = Repo.Load(language);
        var missing = English.Keys.Where(k => !translated.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var empty = translated.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        var extra = translated.Keys.Where(k => !English.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"{language}: {missing.Count} keys missing:\n{string.Join('\n', missing)}");
        Assert.True(empty.Count == 0, $"{language}: empty values:\n{string.Join('\n', empty)}");
        Assert.True(extra.Count == 0, $"{language}: keys that English does not have:\n{string.Join('\n', extra)}");
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void Translation_LeavesNothingInEnglish(string language)
    {
        var translated = Repo.Load(language);
        var untranslated = translated
            .Where(p => English.TryGetValue(p.Key, out var en) && string.Equals(en.Trim(), p.Value.Trim(), StringComparison.Ordinal))
            .Select(p => p.Key)
            .Where(k => !SameAsEnglish.Contains((language, k)))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(untranslated.Count == 0, $"{language}: still in English:\n{string.Join('\n', untranslated)}");
    }

    [Fact]
    public void AllowList_NamesOnlyKeysThatExist()
    {
        Assert.All(SameAsEnglish, entry =>
        {
            Assert.Contains(entry.Language, Cultures.Supported);
            Assert.True(English.ContainsKey(entry.Key), entry.Key);
        });
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void Translation_KeepsTheSamePlaceholders_AndFormats(string language)
    {
        var translated = Repo.Load(language);
        var wrong = new List<string>();
        foreach (var (key, value) in translated)
        {
            if (!English.TryGetValue(key, out var en)) continue;
            var expected = Placeholders(en);
            var actual = Placeholders(value);
            if (!expected.SetEquals(actual))
            {
                wrong.Add($"{key}: English has [{string.Join(' ', expected.Order(StringComparer.Ordinal))}], {language} has [{string.Join(' ', actual.Order(StringComparer.Ordinal))}]");
                continue;
            }
            // A stray brace would make string.Format throw when the page renders.
            var args = Enumerable.Range(0, 10).Select(i => (object)("x" + i)).ToArray();
            try { _ = string.Format(CultureInfo.InvariantCulture, value, args); }
            catch (FormatException) { wrong.Add($"{key}: not a valid format string"); }
        }
        Assert.True(wrong.Count == 0, $"{language}:\n{string.Join('\n', wrong)}");
    }

    [Fact]
    public void EveryKeyWrittenInCode_ExistsInEnglish()
    {
        var files = SourceFiles();
        var names = LocalizerNames(files);
        Assert.Contains("T", names); // the views' @inject
        Assert.Contains("t", names); // page models and services
        var usage = new Regex($@"\b(?:{string.Join('|', names.Select(Regex.Escape))})\[\s*""([A-Za-z0-9_.]+)""\s*[,\]]", RegexOptions.CultureInvariant);

        var used = new List<(string Where, string Key)>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match m in usage.Matches(lines[i])) used.Add(($"{Path.GetRelativePath(Repo.Root, file)}:{i + 1}", m.Groups[1].Value));
            }
        }

        Assert.True(used.Count > 100, $"The scan found only {used.Count} uses of the localizer; is the pattern still right?");
        var unknown = used.Where(u => !English.ContainsKey(u.Key)).Select(u => $"{u.Where}: {u.Key}").ToList();
        Assert.True(unknown.Count == 0, "Keys used in code but missing in SharedResource.resx:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void KeyNamesHeldInStrings_ExistInEnglish()
    {
        // Keys also travel as plain strings (FieldErrors["Phone"] = "Validation.Phone", the account menu's list,
        // the status page's switch) before they reach T[key]. Any literal shaped like a key of a known family must be one.
        var families = English.Keys.Select(k => k[..k.IndexOf('.', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        var unknown = new List<string>();
        var checkedCount = 0;
        foreach (var file in SourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match m in KeyLikeLiteral().Matches(lines[i]))
                {
                    var key = m.Groups[1].Value;
                    if (!families.Contains(key[..key.IndexOf('.', StringComparison.Ordinal)])) continue;
                    checkedCount++;
                    if (!English.ContainsKey(key)) unknown.Add($"{Path.GetRelativePath(Repo.Root, file)}:{i + 1}: {key}");
                }
            }
        }
        Assert.True(checkedCount > 100, $"Only {checkedCount} key-like strings found; is the pattern still right?");
        Assert.True(unknown.Count == 0, "Strings that look like keys but are not in SharedResource.resx:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void KeysBuiltFromEnumValues_ExistForEveryValue_InEveryLanguage()
    {
        var missing = new List<string>();
        foreach (var language in Cultures.Supported)
        {
            var resx = language == "en" ? English : Repo.Load(language);
            foreach (var (prefix, suffixes) in DynamicKeys)
            {
                missing.AddRange(suffixes.Select(s => prefix + s).Where(k => !resx.ContainsKey(k)).Select(k => $"{language}: {k}"));
            }
        }
        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    [Fact]
    public void EveryKeyBuiltByConcatenation_IsCoveredAbove()
    {
        // A new T["Something." + value] in a page must get its family in DynamicKeys, so every value is checked.
        var files = SourceFiles();
        var names = LocalizerNames(files);
        var concatenation = new Regex($@"\b(?:{string.Join('|', names.Select(Regex.Escape))})\[\s*""([A-Za-z0-9_.]*)""\s*\+", RegexOptions.CultureInvariant);
        var found = new List<(string Where, string Prefix)>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match m in concatenation.Matches(lines[i])) found.Add(($"{Path.GetRelativePath(Repo.Root, file)}:{i + 1}", m.Groups[1].Value));
            }
        }
        Assert.NotEmpty(found);
        var uncovered = found.Where(f => !DynamicKeys.ContainsKey(f.Prefix)).Select(f => $"{f.Where}: \"{f.Prefix}\" + …").ToList();
        Assert.True(uncovered.Count == 0, "Keys built by concatenation that no test enumerates:\n" + string.Join('\n', uncovered));
    }

    private static HashSet<string> Placeholders(string value) =>
        Placeholder().Matches(value).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    private static List<string> SourceFiles() =>
        Directory.EnumerateFiles(Repo.Web, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Where(f =>
            {
                var parts = Path.GetRelativePath(Repo.Web, f).Split(Path.DirectorySeparatorChar);
                return !parts.Contains("bin") && !parts.Contains("obj") && !parts.Contains("Migrations");
            })
            .ToList();

    /// <summary>Names the code gives its localizers: @inject IStringLocalizer&lt;SharedResource&gt; T, constructor parameters, factory.Create results.</summary>
    private static HashSet<string> LocalizerNames(IEnumerable<string> files)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (Match m in LocalizerDeclaration().Matches(text)) names.Add(m.Groups[1].Value);
            foreach (Match m in LocalizerFromFactory().Matches(text)) names.Add(m.Groups[1].Value);
        }
        return names;
    }

    /// <summary>
    /// Spanish speaks to the person in one form of address throughout: usted, as most of the text always did. A mix of
    /// "tú" and "usted" reads careless, and to someone under stress, or to a relative receiving an alert, usted is the
    /// respectful default across Latin America and Spain. Two checks: words that only "tú" uses (its pronouns and
    /// possessives, its present and past verb forms), and "tú" imperatives where an instruction starts ("Abre: …",
    /// "Escribe su PIN"), since mid-sentence those spellings are also the usted form ("cada vez que abre esta página").
    /// </summary>
    [Fact]
    public void Spanish_AddressesThePersonAsUsted_NeverTu()
    {
        var found = Repo.Load("es")
            .Select(p => (p.Key, Words: TuWord().Matches(p.Value).Concat(TuImperative().Matches(p.Value)).Select(m => m.Value.Trim()).ToList(), p.Value))
            .Where(x => x.Words.Count > 0)
            .Select(x => $"{x.Key}: [{string.Join(", ", x.Words)}] {x.Value}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(found.Count == 0, $"Spanish text that says \"tú\" (rewrite it with usted):\n{string.Join('\n', found)}");
    }

    [GeneratedRegex(@"\b(?:tú|tu|tus|te|ti|contigo|tuyo|tuya|tuyos|tuyas|puedes|tienes|quieres|eres|estás|necesitas|usas|compartes|escribes|recibes|debes|vuelves|haz|ten|envíalo|escríbelo|déjalo|desbloquéalo|revísalos|envíame|ocúpate|fuiste|pediste|abriste|elegiste|iniciaste|planeaste|aceptaste|pulsaste|sumaste|hayas|recibirás|sabrás|podrás|tendrás|estarás)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TuWord();

    [GeneratedRegex(@"(?:^|[.:;!?¿¡—]\s*|\bpor favor\s+)(?:abre|escribe|elige|pulsa|envía|inicia|pide|guarda|indica|acepta|responde|usa|mira|practica|confirma|espera|vuelve)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TuImperative();

    [GeneratedRegex(@"\{\d+(?:,-?\d+)?(?::[^{}]*)?\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\b(?:IStringLocalizer|IHtmlLocalizer|IViewLocalizer)(?:<\s*\w+\s*>)?\s+(\w+)\s*[,)\r\n;=]", RegexOptions.CultureInvariant)]
    private static partial Regex LocalizerDeclaration();

    [GeneratedRegex(@"\bvar\s+(\w+)\s*=\s*\w+\.Create\(\s*typeof\(SharedResource\)", RegexOptions.CultureInvariant)]
    private static partial Regex LocalizerFromFactory();

    [GeneratedRegex(@"""([A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9_]+)+)""", RegexOptions.CultureInvariant)]
    private static partial Regex KeyLikeLiteral();
}

/// <summary>A person who chose a language (the amparo_lang cookie) gets pages in it, right-to-left only in Arabic.</summary>
public abstract class TranslationHttpTests(AppFixture app)
{
    public static TheoryData<string> Languages => new(Cultures.Supported);

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task SignInPage_WithLanguageCookie_IsInThatLanguage_AndRightToLeftOnlyInArabic(string language)
    {
        var title = Repo.Load(language)["SignIn.Title"];
        var englishTitle = Repo.Load("en")["SignIn.Title"];
        using var client = app.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/account/sign-in", UriKind.Relative));
        var cookie = CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language));
        request.Headers.Add("Cookie", $"{WebSetup.LanguageCookie}={Uri.EscapeDataString(cookie)}");

        using var response = await client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Razor may write letters outside Latin as character references; compare what a browser shows.
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Contains($"<h1>{title}</h1>", html, StringComparison.Ordinal);
        Assert.Contains($"<title>{title} · Amparo</title>", html, StringComparison.Ordinal);
        Assert.Contains($"<html lang=\"{language}\"", html, StringComparison.Ordinal);
        if (language != "en") Assert.DoesNotContain($"<h1>{englishTitle}</h1>", html, StringComparison.Ordinal);
        if (language == "ar")
        {
            Assert.Contains("dir=\"rtl\"", html, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("dir=\"ltr\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("dir=\"rtl\"", html, StringComparison.Ordinal);
        }
    }
}

[Collection(nameof(SharedHosts.FoundationOnSqlite))]
public sealed class TranslationHttpTestsSqlite(SqliteApp app) : TranslationHttpTests(app);
