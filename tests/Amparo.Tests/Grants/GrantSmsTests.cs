using Amparo.Tests.Organizations;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// In the SMS tests' class (and namespace) so that it shares their app with an SMS gateway, on both databases.
namespace Amparo.Tests.CheckIns;

/// <summary>
/// The grants SMS keyword (issue 14): "FUND" and an emergency program's word, from a number verified on an account,
/// starts a draft its duty officers see at once and complete with the person; an unverified number hears the same
/// neutral reply as for every other command and a stranger nothing, and neither starts anything.
/// </summary>
public abstract partial class SmsInboundTests
{
    [Fact]
    public async Task Grants_FundAndAProgramsWord_FromAVerifiedNumber_StartsADraftTheDutyOfficerCompletes()
    {
        var admin = await app.PersonAsync("smsfundadmin");
        var duty = await app.PersonAsync("smsfundduty");
        var reviewer = await app.PersonAsync("smsfundreviewer");
        var org = await app.OrganizationAsync(admin, "Fondo " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(org, duty);
        await app.AddMemberAsync(org, reviewer);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        var word = "R" + Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var input = new ProgramInput("Respuesta rápida", ProgramKind.Emergency, "Apoyo urgente.", "Defensoras en riesgo.", "USD", 3000m,
            [CostCategories.Relocation], ["es", "en"], "", ProgramStatus.Rolling, 48, SmsWord: word.ToLowerInvariant());
        var program = await app.WithServicesAsync(async sp =>
        {
            var programs = sp.GetRequiredService<GrantPrograms>();
            var created = (await programs.CreateAsync(admin.Id, org, input)).Id!.Value;
            Assert.Equal(AssignmentResult.Done, await programs.AssignAsync(admin.Id, created, duty.Id, ProgramRole.DutyOfficer, true));
            Assert.Equal(AssignmentResult.Done, await programs.AssignAsync(admin.Id, created, reviewer.Id, ProgramRole.Reviewer, true));
            // A word is one program's; a program that is not an emergency one takes none.
            Assert.Equal("Grants.Error.SmsWordTaken", (await programs.CreateAsync(admin.Id, org, input with { SmsWord = word })).Errors!["SmsWord"]);
            Assert.Equal("Grants.Error.SmsWordOnlyEmergency", (await programs.CreateAsync(admin.Id, org,
                input with { Kind = ProgramKind.DigitalSecurity, ResponseHours = null, SmsWord = "OTRA" + word })).Errors!["SmsWord"]);
            return created;
        });
        Task<List<GrantRequest>> RequestsAsync() => app.WithDbAsync(db => db.GrantRequests.AsNoTracking().Where(r => r.ProgramId == program).ToListAsync());

        // A number not verified hears the check-ins' neutral sentence; a stranger hears nothing; an unknown word, how to ask.
        var (_, unverified) = await PersonWithPhoneAsync(verified: false);
        Assert.Equal("Amparo: nothing was done. Commands are carried out only from a confirmed number.", await SmsAsync(unverified, $"FUND {word} ayuda"));
        Assert.Null(await SmsAsync(NewPhone(), $"FUND {word} ayuda"));
        var (defender, phone) = await PersonWithPhoneAsync();
        Assert.StartsWith("Amparo: to ask an emergency fund for support", await SmsAsync(phone, "FUND NOSUCHWORD ayuda"), StringComparison.Ordinal);
        Assert.Empty(await RequestsAsync());

        var sentAt = app.Now();
        var reply = await SmsAsync(phone, $"fund {word.ToLowerInvariant()} Entraron a la oficina anoche; salimos hoy.");
        var request = Assert.Single(await RequestsAsync());
        Assert.Equal($"Amparo: received. Your reference is {request.Reference}. Someone from the fund will contact you soon.", reply);
        Assert.Equal((RequestState.Draft, RequestOrigin.Sms, defender), (request.State, request.StartedFrom, request.ApplicantId!.Value));
        Assert.True(request.SubmittedAt >= sentAt.AddSeconds(-1), "the clock runs from the SMS");
        // A second SMS (or the same one again) answers with the draft still waiting: never a second request.
        Assert.Equal($"Amparo: your request {request.Reference} is already waiting for the fund. Someone will contact you soon.", await SmsAsync(phone, $"FUND {word}"));
        Assert.Single(await RequestsAsync());

        // The duty officer is e-mailed the reference and a link — nothing the person wrote.
        var mail = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var row = await db.Outbox.AsNoTracking().SingleAsync(m => m.NotificationKey == $"grant-sms:{request.Id:N}:{duty.Id:N}");
            return (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, row)).Text;
        });
        Assert.Contains(request.Reference!, mail, StringComparison.Ordinal);
        Assert.DoesNotContain("oficina", mail, StringComparison.Ordinal);
        Assert.DoesNotContain(phone, mail, StringComparison.Ordinal);

        // The duty officer sees the draft with the text and the number, completes it once declared, and sends it for the person.
        Task<T> Requests<T>(Func<GrantRequests, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantRequests>()));
        var seen = (await Requests(r => r.GetAsync(duty.Id, request.Id)))!;
        Assert.Equal("Entraron a la oficina anoche; salimos hoy.", seen.Answers.Need);
        Assert.Contains(phone.Replace(" ", "", StringComparison.Ordinal), seen.Answers.Contact, StringComparison.Ordinal);
        Assert.False(seen.MayEdit); // not before declaring
        var completed = seen.Answers with { Amount = 900m };
        Assert.Equal("Grants.Request.Error.DeclareFirst", (await Requests(r => r.SaveAsync(duty.Id, request.Id, completed, null))).Errors!["Declaration"]);
        await app.WithServicesAsync(sp => sp.GetRequiredService<GrantReviews>().DeclareAsync(duty.Id, request.Id, conflict: false));
        Assert.True((await Requests(r => r.GetAsync(duty.Id, request.Id)))!.MayEdit);
        // A reviewer does not complete SMS drafts.
        await app.WithServicesAsync(sp => sp.GetRequiredService<GrantReviews>().DeclareAsync(reviewer.Id, request.Id, conflict: false));
        Assert.Equal(RequestWriteStatus.NotFound, (await Requests(r => r.SaveAsync(reviewer.Id, request.Id, completed, null))).Status);
        Assert.Equal(RequestWriteStatus.Refused, (await Requests(r => r.MoveAsync(reviewer.Id, request.Id, RequestState.Submitted, null, null, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(duty.Id, request.Id, completed, null))).Status);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(duty.Id, request.Id, RequestState.Submitted, null, null, null))).Status);
        var sent = Assert.Single(await RequestsAsync());
        Assert.Equal((RequestState.Submitted, request.SubmittedAt, request.Reference), (sent.State, sent.SubmittedAt, sent.Reference));
        // The person sees it as theirs, sent.
        Assert.Equal(RequestState.Submitted, (await Requests(r => r.GetAsync(defender, request.Id)))!.Request.State);
    }

    [Fact]
    public async Task Grants_APersonsOwnCodeWord_WinsOverTheGrantsKeyword()
    {
        // Someone whose check-in word is "fondo" (chosen before grants took FONDO as a keyword) checks in with it.
        var (owner, phone) = await PersonWithPhoneAsync("1234");
        Assert.Empty(await app.WithServicesAsync(sp => sp.GetRequiredService<CheckInService>()
            .SetPreferencesAsync(owner, ChannelKind.Email, 15, new PersonalCodeWords(CheckIn: "fondo"))));
        var visit = await PlanAsync(owner);
        Assert.Equal("Amparo: checked in. Thank you.", await SmsAsync(phone, "FONDO 1234"));
        Assert.Equal(1, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.VisitId == visit)));
        Assert.False(await app.WithDbAsync(db => db.GrantRequests.AnyAsync(r => r.ApplicantId == owner)));
    }
}
