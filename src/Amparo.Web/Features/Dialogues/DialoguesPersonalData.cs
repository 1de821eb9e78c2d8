using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Features.Dialogues;

/// <summary>
/// The person's pseudonyms and what they wrote under them, found by their keyed hashes (no column names the account).
/// Leaving Amparo: their words are erased (posts show as removed, so replies keep their place), the hashes are replaced
/// by random bytes and the sealed account id is dropped, so nothing links the pseudonym to anyone any more.
/// </summary>
public sealed class DialoguesPersonalData(AmparoDbContext db, DialoguePseudonyms pseudonyms, FieldCipher cipher) : IPersonalData
{
    public sealed record PostData(Guid Id, string Thread, DateTime CreatedAt, PostState State, string? Text);
    public sealed record ParticipationData(Guid DialogueId, string Dialogue, string Pseudonym, DialogueRole Role, DateTime JoinedAt, List<PostData> Posts);

    public string Section => "dialogues";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var result = new List<ParticipationData>();
        foreach (var me in await pseudonyms.AllMineAsync(person.Id, ct))
        {
            var dialogue = await db.Dialogues.AsNoTracking().SingleAsync(d => d.Id == me.DialogueId, ct);
            var threads = await db.DialogueThreads.AsNoTracking().Where(t => t.DialogueId == dialogue.Id).ToDictionaryAsync(t => t.Id, t => t.Title, ct);
            var posts = new List<PostData>();
            foreach (var p in await db.DialoguePosts.AsNoTracking().Where(p => p.AuthorId == me.Id).OrderBy(p => p.CreatedAt).ToListAsync(ct))
                posts.Add(new PostData(p.Id, threads.GetValueOrDefault(p.ThreadId, ""), p.CreatedAt, p.State,
                    p.State == PostState.Removed ? null : await cipher.DecryptAsync(db, dialogue.KeyId, p.TextCipher, DialoguePost.Table, "Text", p.Id, ct)));
            result.Add(new ParticipationData(dialogue.Id, dialogue.Title, me.Pseudonym, me.Role, me.JoinedAt, posts));
        }
        return result;
    }

    public async Task DeleteAsync(User person, CancellationToken ct)
    {
        foreach (var me in await pseudonyms.AllMineAsync(person.Id, ct))
        {
            foreach (var post in await db.DialoguePosts.Where(p => p.AuthorId == me.Id).ToListAsync(ct))
            {
                post.State = PostState.Removed;
                post.TextCipher = [];
            }
            me.OwnerTag = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            me.OwnerCipher = null;
            me.Digest = false;
        }
    }
}
