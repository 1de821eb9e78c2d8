using Amparo.Web.Features.Plans;

namespace Amparo.Tests.Plans;

/// <summary>The pure comparison of two plan versions: parts matched by id, each changed field with its old and new value.</summary>
public sealed class PlanDiffTests
{
    private static EntryBody Entry(string id, string threat, int capacity = 1, bool direct = false) =>
        new(threat, "A private security firm", null, direct, ["physical"], 3, 3, capacity, "I walk home alone", null, null, null, id);

    private static PlanFile File(List<ActorBody>? actors = null, List<EntryBody>? entries = null, List<ActionBody>? actions = null,
        List<ProtocolBody>? protocols = null, string? title = "The land case", string? context = "The river") =>
        new(PlanFile.Format1, title, true, context, null, null, new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero), null,
            actors ?? [], entries ?? [], actions ?? [], protocols ?? []);

    [Fact]
    public void TwoEqualVersions_AreTheSame_EvenWhenTheirPartsMoved()
    {
        var a = Entry("e1", "Followed home");
        var b = Entry("e2", "Phone tapped");
        var actor = new ActorBody("The mine", "adversary", null, null, "a1");
        var comparison = PlanDiff.Compare(File([actor], [a, b]), File([actor], [b, a]));
        Assert.True(comparison.Same);
        Assert.Empty(comparison.Plan);
        Assert.All(comparison.Entries.Parts, p => Assert.Equal(DiffState.Unchanged, p.State));
        Assert.Equal(2, comparison.Entries.Count(DiffState.Unchanged));
        Assert.True(PlanDiff.Compare(File(), File()).Same);
    }

    [Fact]
    public void AddedRemovedAndChangedParts_AreNamed_WithTheOldAndNewValueOfEachChangedField()
    {
        var from = File(
            actors: [new ActorBody("The mine", "adversary", null, null, "a1"), new ActorBody("The mayor", "unknown", null, null, "a2")],
            entries: [Entry("e1", "Followed home")],
            actions: [new ActionBody("Install a camera", null, null, "planned", 120m, "USD", ["physical"], ["e1"], "x1")],
            protocols: [new ProtocolBody("If I am detained", "detentionOrArrest", ["Call the lawyer"], null, "p1")]);
        var to = File(
            actors: [new ActorBody("The mine", "adversary", null, null, "a1"), new ActorBody("The press", "ally", "Coverage", null, "a3")],
            entries: [Entry("e1", "Followed home from hearings")],
            actions: [new ActionBody("Install a camera", null, null, "done", 120m, "USD", ["physical"], ["e1"], "x1")],
            protocols: [new ProtocolBody("If I am detained", "detentionOrArrest", ["Call the lawyer", "Tell the network"], null, "p1")],
            title: "The land case (2027)", context: null);
        var c = PlanDiff.Compare(from, to);
        Assert.False(c.Same);

        // The plan's own fields: a title changed, a context emptied.
        Assert.Equal([new FieldChange("title", "The land case", "The land case (2027)"), new FieldChange("context", "The river", null)], c.Plan);

        // Actors: one unchanged, one added (every field it has, from nothing), one removed (every field it had, to nothing).
        Assert.Equal([("a1", DiffState.Unchanged), ("a3", DiffState.Added), ("a2", DiffState.Removed)], c.Actors.Parts.Select(p => (p.Id, p.State)));
        var added = c.Actors.Parts[1];
        Assert.Equal(("The press", (string?)null), (added.Label, added.OldLabel));
        Assert.Equal([new FieldChange("name", null, "The press"), new FieldChange("stance", null, "ally"), new FieldChange("interests", null, "Coverage")], added.Fields);
        var removed = c.Actors.Parts[2];
        Assert.Equal("The mayor", removed.Label);
        Assert.Equal([new FieldChange("name", "The mayor", null), new FieldChange("stance", "unknown", null)], removed.Fields);
        Assert.Equal((1, 1, 0, 1), (c.Actors.Count(DiffState.Added), c.Actors.Count(DiffState.Removed), c.Actors.Count(DiffState.Changed), c.Actors.Count(DiffState.Unchanged)));

        // A changed entry, action and protocol: only the fields that differ.
        var entry = Assert.Single(c.Entries.Parts);
        Assert.Equal((DiffState.Changed, "Followed home", "Followed home from hearings"), (entry.State, entry.OldLabel, entry.NewLabel));
        Assert.Equal([new FieldChange("threat", "Followed home", "Followed home from hearings")], entry.Fields);
        Assert.Equal([new FieldChange("status", "planned", "done")], Assert.Single(c.Actions.Parts).Fields);
        Assert.Equal([new FieldChange("steps", "Call the lawyer", "Call the lawyer\nTell the network")], Assert.Single(c.Protocols.Parts).Fields);
    }

    [Fact]
    public void ACapacityRising_ShowsTheBandItBroughtDown_AndADirectThreatKeepsItHigh()
    {
        // Threat 3, vulnerability 3: with capacity 1 the band is above what capacity 4 leaves.
        var before = RiskBands.Assess(PlanLevel.Three, PlanLevel.Three, PlanLevel.One, false).Band;
        var after = RiskBands.Assess(PlanLevel.Three, PlanLevel.Three, PlanLevel.Four, false).Band;
        Assert.True(after < before);
        var c = PlanDiff.Compare(File(entries: [Entry("e1", "Followed home", capacity: 1)]), File(entries: [Entry("e1", "Followed home", capacity: 4)]));
        var entry = Assert.Single(c.Entries.Parts);
        Assert.Equal(DiffState.Changed, entry.State);
        Assert.Equal([new FieldChange("capacityLevel", "1", "4"), new FieldChange("band", PlanWire.Word(before), PlanWire.Word(after))], entry.Fields);

        // A direct threat stays at least high however capacities rise: the level changes, the band may not go below high.
        var direct = PlanDiff.Compare(File(entries: [Entry("e1", "Threats by phone", capacity: 1, direct: true)]),
            File(entries: [Entry("e1", "Threats by phone", capacity: 4, direct: true)]));
        var fields = Assert.Single(direct.Entries.Parts).Fields;
        Assert.Contains(new FieldChange("capacityLevel", "1", "4"), fields);
        Assert.DoesNotContain(fields, f => f.Field == "band" && f.New is "low" or "moderate");
    }

    [Fact]
    public void AnActionsEntries_CompareAsASet_AndPartsWithoutIdsStillCompare()
    {
        var from = File(actions: [new ActionBody("Lock", null, null, "planned", null, null, null, ["e1", "e2"], "x1")]);
        var to = File(actions: [new ActionBody("Lock", null, null, "planned", null, null, null, ["e2", "e1"], "x1")]);
        Assert.True(PlanDiff.Compare(from, to).Same);
        var linked = PlanDiff.Compare(from, File(actions: [new ActionBody("Lock", null, null, "planned", null, null, null, ["e1"], "x1")]));
        Assert.Equal([new FieldChange("entryIds", "e1, e2", "e1")], Assert.Single(linked.Actions.Parts).Fields);
        // A file from elsewhere without ids: its parts cannot be matched, but comparing it does not fail.
        var noIds = PlanDiff.Compare(File(actors: [new ActorBody("A", "ally", null, null)]), File(actors: [new ActorBody("B", "ally", null, null)]));
        Assert.Single(noIds.Actors.Parts);
    }
}
