using Amparo.Web.Features.Networks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Dialogues;

/// <summary>
/// Where a dialogue stands, as its coordinator moves it: drafted, prepared with its leaders and facilitators, open (live
/// between its dates, then wrapping up), closed once its summary is published, archived. See <see cref="DialoguePhase"/>
/// for what an open dialogue is at a given time.
/// </summary>
public enum DialogueStage { Draft = 1, Preparation = 2, Open = 3, Closed = 4, Archived = 5 }

/// <summary>What a dialogue is now: its stage, with an open one split by its dates (before, between, after).</summary>
public enum DialoguePhase { Draft = 1, Preparation = 2, Upcoming = 3, Live = 4, WrappingUp = 5, Closed = 6, Archived = 7 }

/// <summary>
/// What a person does in a dialogue. Leaders, facilitators and moderators join by an invitation link their coordinator
/// sent; anyone in the audience may join as a participant. Everyone posts under the name they chose (a pseudonym).
/// </summary>
public enum DialogueRole { Participant = 1, Leader = 2, Facilitator = 3, Moderator = 4 }

/// <summary>A post waits for a moderator (a thread the public reads), is shown, hidden by a moderator (with a reason its author reads), or removed (its author left Amparo).</summary>
public enum PostState { Pending = 1, Shown = 2, Hidden = 3, Removed = 4 }

/// <summary>Why a moderator hid a post (a short list: the author reads it).</summary>
public enum HideReason { PutsSomeoneAtRisk = 1, Identifies = 2, Hostile = 3, OffTopic = 4, Spam = 5, Other = 6 }

/// <summary>Why a participant reported a post.</summary>
public enum ReportReason { PutsSomeoneAtRisk = 1, Identifies = 2, Hostile = 3, Spam = 4, Other = 5 }

/// <summary>
/// A time-boxed conversation a network holds (issue 17, the seed's own format): a purpose, dates, languages, an audience
/// (the network's members and those of other networks; a public read-only page when <see cref="IsPublic"/>) and threads
/// of guiding questions opened on a schedule. It ends with a summary and a curated list of resources.
/// </summary>
public sealed class Dialogue
{
    public Guid Id { get; set; }
    /// <summary>The network that holds it: its coordinators run it.</summary>
    public Guid NetworkId { get; set; }
    public string Title { get; set; } = "";
    /// <summary>What this conversation should achieve.</summary>
    public string Purpose { get; set; } = "";
    /// <summary>Language codes, comma-separated, in the order given (e.g. "es,en").</summary>
    public string Languages { get; set; } = "en";
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    /// <summary>The zone its days are counted in (the leaders' daily page, the threads' schedule).</summary>
    public string TimeZone { get; set; } = "UTC";
    /// <summary>Threads not marked members-only are readable by anyone, without an account, and their posts are moderated before they are shown.</summary>
    public bool IsPublic { get; set; }
    public DialogueStage Stage { get; set; }
    /// <summary>The data key its posts and files are encrypted with (the dialogue's, not a person's: its posts outlive their authors' pseudonyms).</summary>
    public Guid KeyId { get; set; }
    /// <summary>The summary across all threads, edited by the facilitators; published (and readable by the audience) when the dialogue closes.</summary>
    public string Summary { get; set; } = "";
    public DateTime? SummaryPublishedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Raised by every edit of the dialogue or its summary: of two facilitators saving at once, the second is told and loses nothing.</summary>
    public int Version { get; set; }

    public const int TitleMax = 200, PurposeMax = 2000, SummaryMax = 40_000;
    /// <summary>How long a dialogue may last: the format is days, not months.</summary>
    public static readonly TimeSpan LongestRun = TimeSpan.FromDays(31);

    public IReadOnlyList<string> LanguageList => Languages.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public DialoguePhase PhaseAt(DateTime now) => Stage switch
    {
        DialogueStage.Draft => DialoguePhase.Draft,
        DialogueStage.Preparation => DialoguePhase.Preparation,
        DialogueStage.Open when now < StartsAt => DialoguePhase.Upcoming,
        DialogueStage.Open when now < EndsAt => DialoguePhase.Live,
        DialogueStage.Open => DialoguePhase.WrappingUp,
        DialogueStage.Closed => DialoguePhase.Closed,
        DialogueStage.Archived => DialoguePhase.Archived,
    };
}

/// <summary>Another network whose members are in a dialogue's audience (its own network's always are).</summary>
public sealed class DialogueNetwork
{
    public Guid DialogueId { get; set; }
    public Guid NetworkId { get; set; }
}

/// <summary>A guiding question, prepared in advance and opened at its time; posting is refused before it opens and after it closes.</summary>
public sealed class DialogueThread
{
    public Guid Id { get; set; }
    public Guid DialogueId { get; set; }
    public int Position { get; set; }
    public string Title { get; set; } = "";
    public string Question { get; set; } = "";
    /// <summary>Prompts that help people answer, one per line.</summary>
    public string Prompts { get; set; } = "";
    public DateTime OpensAt { get; set; }
    public DateTime ClosesAt { get; set; }
    /// <summary>Never on the public page, even in a public dialogue.</summary>
    public bool MembersOnly { get; set; }
    /// <summary>A facilitator read it before the dialogue opened (every thread must be).</summary>
    public DateTime? ReviewedAt { get; set; }

    public const int TitleMax = 200, QuestionMax = 2000, PromptsMax = 4000;

    public bool IsOpenAt(DateTime now) => OpensAt <= now && now < ClosesAt;
}

/// <summary>
/// A person in a dialogue, known to everyone there only by <see cref="Pseudonym"/>. The link to their account is kept in
/// two forms, neither readable by an organization or a coordinator: <see cref="OwnerTag"/>, a keyed hash of the dialogue
/// and the account (so their own requests find their row), and <see cref="OwnerCipher"/>, the account id encrypted with a
/// system key (so the server admin can resolve it, by a recorded command, when the law demands it). No foreign key, no
/// audit event and no outbox key ties this row to the account.
/// </summary>
public sealed class DialogueParticipant
{
    public Guid Id { get; set; }
    public Guid DialogueId { get; set; }
    public string Pseudonym { get; set; } = "";
    /// <summary>The pseudonym as compared (upper case, normalized): unique in the dialogue, so "Ana" and "ana" are one name.</summary>
    public string PseudonymKey { get; set; } = "";
    public DialogueRole Role { get; set; }
    /// <summary>HMAC(system key, dialogue id, account id); random once the person left Amparo.</summary>
    public byte[] OwnerTag { get; set; } = [];
    /// <summary>The account id, sealed with the system key and bound to this row; null once the person left Amparo.</summary>
    public byte[]? OwnerCipher { get; set; }
    /// <summary>A leader's promise: posts per live day (the coordinator's daily page counts against it).</summary>
    public int PostsPromised { get; set; }
    /// <summary>A daily e-mail with the titles of the threads that moved, and a link.</summary>
    public bool Digest { get; set; }
    /// <summary>The start of the last day (in the person's zone) a digest covered.</summary>
    public DateTime? DigestedUntil { get; set; }
    public DateTime JoinedAt { get; set; }
    /// <summary>Joined by an invitation link (keeps their place without being in the audience); else from the audience, while they are in it.</summary>
    public bool Invited { get; set; }

    public const int PseudonymMax = 40;

    public static string KeyOf(string pseudonym) => pseudonym.Trim().Normalize(System.Text.NormalizationForm.FormKC).ToUpperInvariant();
}

/// <summary>An invitation link to join a dialogue in a role; only the hash of its secret is kept.</summary>
public sealed class DialogueInvitation
{
    public Guid Id { get; set; }
    public Guid DialogueId { get; set; }
    public DialogueRole Role { get; set; }
    public string TokenHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>A role's link works once: whoever joins with it takes the role, and the link is spent.</summary>
    public DateTime? UsedAt { get; set; }
}

/// <summary>
/// A post in a thread (or, in preparation, a leader's comment on the draft thread): a reply to a post at the top of the
/// thread at most, and optionally quoting one. Its text is encrypted with the dialogue's key.
/// </summary>
public sealed class DialoguePost
{
    public Guid Id { get; set; }
    public Guid DialogueId { get; set; }
    public Guid ThreadId { get; set; }
    public Guid AuthorId { get; set; }
    public Guid? ParentId { get; set; }
    public Guid? QuoteId { get; set; }
    public Guid? ResourceId { get; set; }
    public bool Preparation { get; set; }
    public byte[] TextCipher { get; set; } = [];
    public PostState State { get; set; }
    public HideReason? Hidden { get; set; }
    /// <summary>A moderator took out what could tell where someone is before it was shown (the author is told).</summary>
    public bool Redacted { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When it was first shown (its place in the digests and the leaders' daily count).</summary>
    public DateTime? ShownAt { get; set; }
    /// <summary>Raised by every moderator's act (a concurrency token): of a hide and an approval at once, the second is refused, so a hidden post never ends up shown.</summary>
    public int Version { get; set; }

    public const int TextMax = 6000;
    public const string Table = "DialoguePosts";
}

/// <summary>A participant's report of a post, for the moderators.</summary>
public sealed class DialogueReport
{
    public Guid Id { get; set; }
    public Guid DialogueId { get; set; }
    public Guid PostId { get; set; }
    public Guid ReporterId { get; set; }
    public ReportReason Reason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
}

/// <summary>A link or a small file contributed during a dialogue; the curated ones are published with the summary.</summary>
public sealed class DialogueResource
{
    public Guid Id { get; set; }
    public Guid DialogueId { get; set; }
    public Guid? ContributorId { get; set; }
    public string Title { get; set; } = "";
    public string? Url { get; set; }
    public string? FileName { get; set; }
    public string? ContentType { get; set; }
    /// <summary>The file, encrypted with the dialogue's key.</summary>
    public byte[]? FileCipher { get; set; }
    public bool Curated { get; set; }
    public DateTime CreatedAt { get; set; }

    public const int TitleMax = 200, UrlMax = 1000, FileMax = 2 * 1024 * 1024;
    public const string Table = "DialogueResources";
}

public sealed class DialogueConfiguration :
    IEntityTypeConfiguration<Dialogue>, IEntityTypeConfiguration<DialogueNetwork>, IEntityTypeConfiguration<DialogueThread>,
    IEntityTypeConfiguration<DialogueParticipant>, IEntityTypeConfiguration<DialogueInvitation>, IEntityTypeConfiguration<DialoguePost>,
    IEntityTypeConfiguration<DialogueReport>, IEntityTypeConfiguration<DialogueResource>
{
    public void Configure(EntityTypeBuilder<Dialogue> builder)
    {
        builder.ToTable("Dialogues");
        builder.Property(d => d.Title).HasMaxLength(Dialogue.TitleMax);
        builder.Property(d => d.Purpose).HasMaxLength(Dialogue.PurposeMax);
        builder.Property(d => d.Languages).HasMaxLength(40);
        builder.Property(d => d.TimeZone).HasMaxLength(64);
        builder.Property(d => d.Summary).HasMaxLength(Dialogue.SummaryMax);
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.HasIndex(d => new { d.NetworkId, d.Stage });
        // A network's deletion takes its dialogues, with everything said in them.
        builder.HasOne<Network>().WithMany().HasForeignKey(d => d.NetworkId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DialogueNetwork> builder)
    {
        builder.ToTable("DialogueNetworks");
        builder.HasKey(n => new { n.DialogueId, n.NetworkId });
        builder.HasIndex(n => n.NetworkId);
        builder.HasOne<Dialogue>().WithMany().HasForeignKey(n => n.DialogueId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Network>().WithMany().HasForeignKey(n => n.NetworkId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DialogueThread> builder)
    {
        builder.ToTable("DialogueThreads");
        builder.Property(t => t.Title).HasMaxLength(DialogueThread.TitleMax);
        builder.Property(t => t.Question).HasMaxLength(DialogueThread.QuestionMax);
        builder.Property(t => t.Prompts).HasMaxLength(DialogueThread.PromptsMax);
        builder.HasIndex(t => new { t.DialogueId, t.Position });
        builder.HasOne<Dialogue>().WithMany().HasForeignKey(t => t.DialogueId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DialogueParticipant> builder)
    {
        builder.ToTable("DialogueParticipants");
        builder.Property(p => p.Pseudonym).HasMaxLength(DialogueParticipant.PseudonymMax);
        builder.HasIndex(p => new { p.DialogueId, p.OwnerTag }).IsUnique();
        builder.Property(p => p.PseudonymKey).HasMaxLength(DialogueParticipant.PseudonymMax * 2);
        builder.HasIndex(p => new { p.DialogueId, p.PseudonymKey }).IsUnique();
        builder.HasOne<Dialogue>().WithMany().HasForeignKey(p => p.DialogueId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DialogueInvitation> builder)
    {
        builder.ToTable("DialogueInvitations");
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasIndex(i => i.DialogueId);
        builder.HasOne<Dialogue>().WithMany().HasForeignKey(i => i.DialogueId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DialoguePost> builder)
    {
        builder.ToTable(DialoguePost.Table);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => new { p.ThreadId, p.Preparation, p.CreatedAt });
        builder.HasIndex(p => new { p.DialogueId, p.State });
        builder.HasIndex(p => p.AuthorId);
        builder.HasOne<DialogueThread>().WithMany().HasForeignKey(p => p.ThreadId).OnDelete(DeleteBehavior.Cascade);
        // The author and the posts replied to or quoted are plain ids: a post stays when its author leaves Amparo (shown
        // as removed), and a reply stays when what it answered is hidden.
        builder.HasOne<DialogueParticipant>().WithMany().HasForeignKey(p => p.AuthorId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DialogueReport> builder)
    {
        builder.ToTable("DialogueReports");
        builder.HasIndex(r => new { r.DialogueId, r.ResolvedAt });
        builder.HasIndex(r => new { r.PostId, r.ReporterId }).IsUnique();
        builder.HasOne<DialoguePost>().WithMany().HasForeignKey(r => r.PostId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DialogueResource> builder)
    {
        builder.ToTable(DialogueResource.Table);
        builder.Property(r => r.Title).HasMaxLength(DialogueResource.TitleMax);
        builder.Property(r => r.Url).HasMaxLength(DialogueResource.UrlMax);
        builder.Property(r => r.FileName).HasMaxLength(200);
        builder.Property(r => r.ContentType).HasMaxLength(100);
        builder.HasIndex(r => r.DialogueId);
        builder.HasOne<Dialogue>().WithMany().HasForeignKey(r => r.DialogueId).OnDelete(DeleteBehavior.Cascade);
    }
}
