using System.Security.Cryptography;
using System.Text;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Dialogues;

/// <summary>
/// The only code that links a pseudonym to an account. Its key is a system key wrapped by the master key: nobody who
/// reads the database without the master key, and no page, export, digest or audit event, can go from a
/// <see cref="DialogueParticipant"/> to a person. The person's own requests find their row by <see cref="TagAsync"/>;
/// the server admin resolves a pseudonym with <see cref="OwnerAsync"/> from the command line only (recorded).
/// </summary>
public sealed class DialoguePseudonyms(AmparoDbContext db, FieldCipher cipher)
{
    public const string KeyPurpose = "dialogue-pseudonyms";

    public async Task<byte[]> TagAsync(Guid dialogueId, Guid userId, CancellationToken ct = default)
    {
        var key = await cipher.SystemKeyAsync(db, KeyPurpose, ct);
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"dialogue-participant:{dialogueId:D}:{userId:D}"));
    }

    public async Task<byte[]> SealAsync(Guid participantId, Guid userId, CancellationToken ct = default) =>
        Aead.Seal(await cipher.SystemKeyAsync(db, KeyPurpose, ct), userId.ToByteArray(), Context(participantId));

    /// <summary>The account behind a participant; null once they left Amparo. For the server admin's command and the digest worker only.</summary>
    public async Task<Guid?> OwnerAsync(DialogueParticipant participant, CancellationToken ct = default) =>
        participant.OwnerCipher is { } sealedId
            ? new Guid(Aead.Open(await cipher.SystemKeyAsync(db, KeyPurpose, ct), sealedId, Context(participant.Id)))
            : null;

    /// <summary>The person's own row in a dialogue, if they joined it.</summary>
    public async Task<DialogueParticipant?> MineAsync(Guid dialogueId, Guid userId, CancellationToken ct = default)
    {
        var tag = await TagAsync(dialogueId, userId, ct);
        return await db.DialogueParticipants.SingleOrDefaultAsync(p => p.DialogueId == dialogueId && p.OwnerTag == tag, ct);
    }

    /// <summary>Every row of the person's, across dialogues (their export, their account's deletion): one keyed hash per dialogue.</summary>
    public async Task<List<DialogueParticipant>> AllMineAsync(Guid userId, CancellationToken ct = default)
    {
        var found = new List<DialogueParticipant>();
        // One question per dialogue (a network holds a handful a year): the hash differs in each, by design.
        foreach (var id in await db.Dialogues.Select(d => d.Id).ToListAsync(ct))
            if (await MineAsync(id, userId, ct) is { } mine) found.Add(mine);
        return found;
    }

    private static byte[] Context(Guid participantId) => Encoding.UTF8.GetBytes($"DialogueParticipants/Owner/{participantId:D}");
}
