using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Dialogues;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Cli;

public static partial class AdminCommands
{
    private const string DialogueResolveHelp =
        "Tells which account is behind a pseudonym in a dialogue. Only for when the law demands it: the reason is required and the "
        + "act is recorded in the server's audit trail (never in an organization's). Nobody else can do this: not a coordinator, "
        + "not an organization admin, not a server admin on the web.";

    /// <summary>The one way to resolve a pseudonym: on the server, by someone holding its master key, recorded with a reason.</summary>
    private static async Task<int> DialogueResolveAsync(CommandContext c)
    {
        var dialogueId = c.RequiredGuid("dialogue");
        var pseudonym = c.Required("pseudonym").Trim();
        var reason = c.Required("reason").Trim();
        if (reason.Length is < 10 or > 500) throw new CommandException("--reason must say why, in 10 to 500 characters (e.g. the court order's reference).");
        await using var host = c.Host();
        await host.MigrateAsync();
        var key = DialogueParticipant.KeyOf(pseudonym);
        var participant = await host.Db.DialogueParticipants.AsNoTracking().SingleOrDefaultAsync(p => p.DialogueId == dialogueId && p.PseudonymKey == key)
            ?? throw new CommandException("No such pseudonym in that dialogue.");
        // Recorded before it is answered, and checked: the audit log does not throw when a write fails, so the event is
        // looked for; a resolution that was shown is always in the trail.
        var before = host.Get<TimeProvider>().GetUtcNow().UtcDateTime.AddSeconds(-1);
        await host.Get<AuditLog>().WriteAsync(AuditEvents.PseudonymResolved, null, participant.Id, detail: "reason: " + reason);
        if (!await host.Db.AuditEvents.AnyAsync(e => e.Type == AuditEvents.PseudonymResolved && e.SubjectId == participant.Id && e.At >= before))
            throw new CommandException("The act could not be recorded in the audit trail, so nothing is shown. Check the database and try again.");
        var owner = await host.Get<DialoguePseudonyms>().OwnerAsync(participant);
        var user = owner is { } id ? await host.Db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id) : null;
        if (user is null) throw new CommandException("The person behind this pseudonym has left Amparo: nothing links it to anyone any more.");
        c.Out.WriteLine($"{user.Id} {user.Email} {user.DisplayName}");
        return 0;
    }
}
