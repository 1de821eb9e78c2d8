using Amparo.Web.Features.Learning;

namespace Amparo.Web.Features.Trainings;

/// <summary>"Count of Of", or nothing: a figure is shown only when it and what it leaves out each hold at least
/// <see cref="TrainingFigures.K"/> people (null = not shown).</summary>
public sealed record Share(int? Count, int? Of)
{
    public bool Shown => Count is not null;
}

public sealed record ItemFigure(string Key, Share Committed);

public sealed record RoundFigures(
    int Round, DateTime ClosesAt, bool Closed, Share Answered,
    IReadOnlyDictionary<string, Share> Done, IReadOnlyDictionary<Obstacle, Share> Obstacles, IReadOnlyDictionary<string, Share> LessonsDone);

/// <summary>What a trainer sees: aggregates only, each following the k rule, each frozen once shown.</summary>
public sealed record TrainingFiguresView(
    DateTime JoinClosesAt, bool JoinClosed, int? Participants, IReadOnlyList<ItemFigure> Commitments, IReadOnlyList<RoundFigures> Rounds);

/// <summary>One participant as the figures count them: what they committed to, and their answer per round.</summary>
public sealed record CountedParticipant(IReadOnlySet<string> Committed, bool CountsProgress, IReadOnlyDictionary<int, CountedFollowUp> Rounds);

public sealed record CountedFollowUp(DateTime DueAt, FollowUpAnswer? Answer);

/// <summary>
/// The privacy rules of a trainer's figures, as pure functions (docs/learning.md, "What the trainer sees"):
/// <list type="bullet">
/// <item>every figure — the number of participants included — is shown only when it counts at least <see cref="K"/> people
/// and, for "n of m", when the m − n it leaves out are also at least <see cref="K"/> ("12 of 12 did it" would tell each
/// one's answer just as "1 of 12" would);</item>
/// <item>figures appear only once what they count can no longer change: the number of participants and the commitments
/// when joining closes, a follow-up round when its last answer window closes — so a trainer cannot learn one person's
/// answer by watching a figure move.</item>
/// </list>
/// A person who deletes their account leaves the counts (their rows go with it).
/// </summary>
public static class TrainingFigures
{
    public const int K = 5;

    /// <summary>How long a follow-up may be answered after it is due; a round's figures wait for the last window.</summary>
    public static readonly TimeSpan AnswerWindow = TimeSpan.FromDays(14);

    /// <summary>How long after its last day a training may still be joined (and commitments changed).</summary>
    public const int JoinDays = 7;

    public static Share Of(int count, int of) =>
        of >= K && count >= K && of - count >= K ? new(count, of) : new(null, of >= K ? of : null);

    public static int? Total(int count) => count >= K ? count : null;

    public static TrainingFiguresView Compute(
        IReadOnlyList<string> itemKeys, IReadOnlyList<string> lessonIds, int rounds, DateTime joinClosesAt, DateTime now, IReadOnlyList<CountedParticipant> people)
    {
        var joinClosed = now >= joinClosesAt;
        if (!joinClosed) return new(joinClosesAt, false, null, [], []);
        var n = people.Count;
        var commitments = itemKeys.Select(k => new ItemFigure(k, Of(people.Count(p => p.Committed.Contains(k)), n))).ToList();
        var shownRounds = new List<RoundFigures>();
        for (var r = 0; r < rounds; r++)
        {
            var scheduled = people.Where(p => p.Rounds.ContainsKey(r)).ToList();
            if (scheduled.Count == 0) continue;
            var closesAt = scheduled.Max(p => p.Rounds[r].DueAt) + AnswerWindow;
            if (now < closesAt)
            {
                shownRounds.Add(new(r, closesAt, false, new(null, null), new Dictionary<string, Share>(), new Dictionary<Obstacle, Share>(), new Dictionary<string, Share>()));
                continue;
            }
            var answered = scheduled.Where(p => p.Rounds[r].Answer is not null).Select(p => (Person: p, Answer: p.Rounds[r].Answer!)).ToList();
            var done = itemKeys.ToDictionary(k => k, k =>
            {
                var committed = answered.Where(a => a.Person.Committed.Contains(k)).ToList();
                return Of(committed.Count(a => a.Answer.Items.GetValueOrDefault(k) == ProgressState.Done), committed.Count);
            });
            var obstacles = Enum.GetValues<Obstacle>().ToDictionary(o => o, o => Of(answered.Count(a => a.Answer.Obstacles.Contains(o)), answered.Count));
            var counting = answered.Where(a => a.Person.CountsProgress).ToList();
            var lessons = lessonIds.ToDictionary(l => l, l => Of(counting.Count(a => a.Answer.LessonsDone.Contains(l)), counting.Count));
            shownRounds.Add(new(r, closesAt, true, Of(answered.Count, scheduled.Count), done, obstacles, lessons));
        }
        return new(joinClosesAt, true, Total(n), commitments, shownRounds);
    }
}
