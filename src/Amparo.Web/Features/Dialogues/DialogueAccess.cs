namespace Amparo.Web.Features.Dialogues;

/// <summary>
/// Who the viewer is to one dialogue and what that lets them read, in one place for the pages, the API and the exports.
/// A coordinator (of the network holding it) runs it; the audience are the people of the member organizations of its
/// networks; <see cref="Me"/> is the viewer's own pseudonymous row once they joined. Anyone, signed in or not, reads the
/// public threads of a public dialogue once they open, and of those only the posts a moderator let through.
/// </summary>
public sealed record DialogueAccess(Dialogue Dialogue, DateTime Now, Guid? UserId, bool Coordinator, bool InAudience, DialogueParticipant? Me)
{
    public DialoguePhase Phase => Dialogue.PhaseAt(Now);
    public bool IsModerator => Coordinator || Me?.Role == DialogueRole.Moderator;
    public bool IsFacilitator => Coordinator || Me?.Role == DialogueRole.Facilitator;
    /// <summary>Leaders, facilitators and moderators read and comment on the draft threads in preparation.</summary>
    public bool Prepares => Coordinator || Me?.Role is DialogueRole.Leader or DialogueRole.Facilitator or DialogueRole.Moderator;
    /// <summary>Reads the members-only threads and every post shown (not only those let through to the public).</summary>
    public bool IsMember => Coordinator || InAudience || Me is not null;

    public bool SeesDialogue => Phase switch
    {
        DialoguePhase.Draft => Coordinator,
        DialoguePhase.Preparation => IsMember,
        DialoguePhase.Upcoming or DialoguePhase.Live or DialoguePhase.WrappingUp or DialoguePhase.Closed or DialoguePhase.Archived => IsMember || Dialogue.IsPublic,
    };

    public bool SeesThread(DialogueThread thread) => Phase switch
    {
        DialoguePhase.Draft => Coordinator,
        DialoguePhase.Preparation => Prepares,
        DialoguePhase.Upcoming or DialoguePhase.Live or DialoguePhase.WrappingUp or DialoguePhase.Closed or DialoguePhase.Archived =>
            Prepares || (thread.OpensAt <= Now && (IsMember || (Dialogue.IsPublic && !thread.MembersOnly))),
    };

    /// <summary>Joining: while it is prepared or open and before its end; by invitation (a role) or from the audience (a participant).</summary>
    public bool MayJoin(bool invited) => UserId is not null && Me is null && (invited || InAudience || Coordinator)
        && Phase is DialoguePhase.Preparation or DialoguePhase.Upcoming or DialoguePhase.Live;

    /// <summary>A post in a thread: a participant, while the thread is open (server time; never before or after).</summary>
    public bool MayPost(DialogueThread thread) => Me is not null && Phase == DialoguePhase.Live && thread.IsOpenAt(Now);

    /// <summary>A comment on a draft thread: the leaders, facilitators and moderators who joined, in preparation.</summary>
    public bool MayComment => Me is not null && Me.Role != DialogueRole.Participant && Phase == DialoguePhase.Preparation;

    /// <summary>A post in this thread waits for a moderator before anyone else reads it: the public reads the thread, and the author is no moderator.</summary>
    public bool PreModerated(DialogueThread thread) => Dialogue.IsPublic && !thread.MembersOnly && Me?.Role != DialogueRole.Moderator;

    /// <summary>Whether the viewer reads this post's words (else a line saying it is waiting, hidden or removed).</summary>
    public bool ReadsPost(DialoguePost post) => post.State switch
    {
        PostState.Shown => true,
        PostState.Pending or PostState.Hidden => IsModerator || post.AuthorId == Me?.Id,
        PostState.Removed => false,
    };

    /// <summary>Whether the post is on the viewer's page at all (a public reader sees only what was let through).</summary>
    public bool ListsPost(DialoguePost post) => IsMember || post.State == PostState.Shown;
}
