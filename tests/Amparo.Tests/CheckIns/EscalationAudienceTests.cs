using Amparo.Tests.Infrastructure;
using Amparo.Web.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using static Amparo.Tests.Organizations.OrgKit;

namespace Amparo.Tests.CheckIns;

/// <summary>
/// Escalation and the Plan-a-visit page ask the one audience rule (Access.AudienceOf) for levels 2 and 3: a person the owner
/// opened their visits and alerts to by name is told with the focal points at level 2, shown there on the plan, and is
/// neither told nor shown once the grant is withdrawn.
/// </summary>
public abstract class EscalationAudienceTests(AppFixture app)
{
    [Fact]
    public async Task ANamedPersonGrantedVisitsAndAlerts_IsToldAtLevel2_AndShownOnThePlan_UntilTheGrantIsWithdrawn()
    {
        var w = await app.WorldAsync(orgRule: false, networkRule: false);
        var buddy = await app.PersonAsync("buddy", name: "Bea Buddy " + Guid.NewGuid().ToString("N")[..4]);
        var grant = AccessGrant.ToPerson(w.Owner.Id, DataCategory.VisitsAndAlerts, buddy.Id, app.Clock.GetUtcNow().UtcDateTime);
        await app.WithDbAsync(db => { db.AccessGrants.Add(grant); return db.SaveChangesAsync(); });

        using var client = await app.SignedInAsync(w.Owner);
        var (_, plan) = await client.GetAsync("/visits/new");
        // The buddy is in no organization of the owner's: their name on the plan can only be the level-2 line.
        Assert.Contains(buddy.User.DisplayName, plan, StringComparison.Ordinal);

        var visitId = await app.PlanAsync(w.Token, TimeSpan.FromMinutes(20));
        var alertAt = (await app.VisitAsync(w.Token, visitId)).GetProperty("dueAt").GetDateTime().AddMinutes(10);
        await app.StepToAsync(alertAt);
        Assert.Empty(app.AlertsTo(buddy.Email));
        await app.StepToAsync(alertAt.AddMinutes(15));
        Assert.Single(app.AlertsTo(buddy.Email));
        Assert.Empty(app.AlertsTo(w.Focal.Email));
        Assert.Empty(app.AlertsTo(w.Coordinator.Email));

        await app.WithDbAsync(db => db.AccessGrants.Where(g => g.Id == grant.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(g => g.RevokedAt, app.Clock.GetUtcNow().UtcDateTime)));
        (_, plan) = await client.GetAsync("/visits/new");
        Assert.DoesNotContain(buddy.User.DisplayName, plan, StringComparison.Ordinal);
        // Withdrawn: the repeats of the open alert no longer reach them either (the right to respond is asked anew).
        await app.StepToAsync(alertAt.AddMinutes(60));
        Assert.Single(app.AlertsTo(buddy.Email));
    }
}

public sealed class EscalationAudienceTestsSqlite(CheckInSqliteApp app) : EscalationAudienceTests(app), IClassFixture<CheckInSqliteApp>;
public sealed class EscalationAudienceTestsPostgres(CheckInPostgresApp app) : EscalationAudienceTests(app), IClassFixture<CheckInPostgresApp>;
