using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Networks;
using Amparo.Web.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Grants;

/// <summary>
/// Where a request stands. Draft → Submitted → InReview → Approved or Declined; InReview → Rework → Submitted again;
/// Withdrawn by the applicant from any state before a decision. What follows approval (tranches, reports, closure) is
/// part 2 of grants: new states after Approved, not changes to these.
/// </summary>
/// <remarks>
/// After an approval (issue 15): <see cref="Disbursed"/> once finance records a first tranche (recorded, not moved:
/// Amparo handles no money), <see cref="ReportDue"/> when the program officer asks for the report by a date,
/// <see cref="ReportReceived"/> when the applicant sends it, <see cref="Closed"/> when the officer closes the grant.
/// </remarks>
public enum RequestState { Draft = 1, Submitted = 2, InReview = 3, Rework = 4, Approved = 5, Declined = 6, Withdrawn = 7, Disbursed = 8, ReportDue = 9, ReportReceived = 10, Closed = 11 }

/// <summary>
/// What an emergency request was started from, with the applicant's consent: one of their own alerts, an incident
/// report they wrote, or an SMS from their verified number. Only the kind is kept (both sides read "started from an
/// alert"); what was copied is in the answers, where the applicant could change it before sending. A request started by
/// SMS is a draft the program's duty officers see from the start, to complete by talking with the person.
/// </summary>
public enum RequestOrigin { Alert = 1, Incident = 2, Sms = 3 }

/// <summary>What a review looks at: the request's content (need, fit, the rubric) or its budget (costs, amounts, currency).</summary>
public enum ReviewAspect { Content = 1, Budget = 2 }

/// <summary>A review's outcome: ready for the officer's decision, or back to the applicant for rework (with the reason).</summary>
public enum ReviewVerdict { Sound = 1, NeedsRework = 2 }

/// <summary>
/// A line of a request's history: a move between states, a comment, someone at the grantmaker opening it, a tranche
/// recorded by finance (its amount and the day it was paid), or the applicant's report (its words and file).
/// </summary>
public enum RequestEntryKind { Moved = 1, Comment = 2, Opened = 3, Tranche = 4, Report = 5 }

/// <summary>
/// A request to a program. Its answers are encrypted with a data key of its own (wrapped by the master key), readable by
/// the applicant and the program's assigned staff only; the state, the dates and the tracking reference are plain so
/// that lists and clocks need no key. The applicant's account may go (the link becomes null: the grantmaker's copy
/// lives on); a draft goes with the account.
/// </summary>
public sealed class GrantRequest
{
    public Guid Id { get; set; }
    public Guid ProgramId { get; set; }
    public Guid? ApplicantId { get; set; }
    public RequestState State { get; set; }
    /// <summary>Given at the first submission (e.g. "GR-7K3QX9FD"): what the applicant quotes by any channel.</summary>
    public string? Reference { get; set; }
    public Guid DataKeyId { get; set; }
    /// <summary>The answers (<see cref="RequestAnswers"/> as JSON), encrypted with <see cref="DataKeyId"/>.</summary>
    public byte[]? AnswersCipher { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? SubmittedAt { get; set; }
    public DateTime? DecidedAt { get; set; }
    /// <summary>
    /// Decided or withdrawn: it no longer waits on anyone. Stored (set with the state, by <see cref="GrantRequests"/>) so
    /// that a program's list — those still waiting first — reads an index instead of sorting every request.
    /// </summary>
    public bool Closed { get; set; }
    /// <summary>Null for a request started from a program's page.</summary>
    public RequestOrigin? StartedFrom { get; set; }
    /// <summary>
    /// An organization applying as itself: its admins and focal points of the day are the applicant side with the person
    /// who started it (<see cref="ApplicantId"/>). Null: a person's own request.
    /// </summary>
    public Guid? OrganizationId { get; set; }
    /// <summary>
    /// A request made on behalf of a defender who cannot make it (by a focal point or admin of one of their
    /// organizations, or a coordinator of a network one of them belongs to). The defender reads it; the grantmaker sees
    /// their name only from <see cref="BehalfNamedAt"/>, when they agree to it.
    /// </summary>
    public Guid? BehalfOfId { get; set; }
    public DateTime? BehalfNamedAt { get; set; }
    /// <summary>
    /// With a decline: the kind of help from the network's directory the officer suggested (issue 16). The applicant side
    /// reads it with a link to the directory; the person it was for also finds it on their home page
    /// (<see cref="GrantRequestDeclined"/>, heard by the network module).
    /// </summary>
    public ServiceKind? SuggestedHelp { get; set; }
    /// <summary>
    /// The read-only summary of the applicant's security plan they shared with the grantmaker for this request (a
    /// <c>PlanShare</c>'s id, also its access grant's): whether it may be opened is the audience rule's to say on every
    /// access — revoked or expired, it opens for nobody. No foreign key: the share goes with its plan.
    /// </summary>
    public Guid? PlanShareId { get; set; }
    /// <summary>
    /// The day the applicant's report is due, set when the program officer asks for it: plain, so that reminders and
    /// the program's list of overdue reports need no key. Kept after the report arrives (the history says when).
    /// </summary>
    public DateOnly? ReportDueOn { get; set; }
    /// <summary>
    /// The kinds of cost the budget asked for when it was last sent: plain, like the state and the program, so that the
    /// grantmaker's portfolio counts requests by category without opening one (issue 15). None: no budget lines.
    /// </summary>
    public CostCategories Categories { get; set; }
    /// <summary>
    /// The coarse region of the country the applicant named (a UN M49 sub-region code, e.g. "419"), set when the request
    /// is sent; null when they named none. Plain, for the portfolio and what a purge keeps; the country itself stays in
    /// the encrypted answers.
    /// </summary>
    public string? Region { get; set; }
    /// <summary>When the request ended (closed, declined or withdrawn): its program's purge months count from here.</summary>
    public DateTime? EndedAt { get; set; }
    /// <summary>When the applicant's side was told of the purge (<see cref="GrantPurge.NoticeDays"/> days before, at least).</summary>
    public DateTime? PurgeNoticeAt { get; set; }
    /// <summary>
    /// When its grantee data was purged (<see cref="GrantPurge"/>): the data key is destroyed and only the kept facts
    /// remain. Nothing can be written to it after.
    /// </summary>
    public DateTime? PurgedAt { get; set; }
    /// <summary>The amount approved, kept in the clear by the purge when the program keeps it (<see cref="KeptFacts.Amount"/>).</summary>
    public decimal? KeptAmount { get; set; }
    /// <summary>What the grantmaker's public reports show of the grant (<see cref="GrantExport"/>), chosen by its program officer; the defaults hide the most.</summary>
    public PublicRecipient PublicRecipient { get; set; }
    public PublicLocation PublicLocation { get; set; }
    /// <summary>A description written for publication; null: the program kind's generalized one.</summary>
    public string? PublicDescription { get; set; }
    /// <summary>Left out of public reports altogether.</summary>
    public bool PublicExcluded { get; set; }
    /// <summary>Bumped by every change: two officers deciding at once, the second is told and nothing is half-written.</summary>
    public int Version { get; set; }

    public const string Table = "GrantRequests";
    public const string DataKeyPurpose = "grant-request";
}

/// <summary>One line of a request's history; its words (a reason, conditions, a comment) and an approved amount are encrypted with the request's key.</summary>
public sealed class GrantRequestEntry
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public DateTime At { get; set; }
    /// <summary>Who did it; null once their account is deleted (the history stays).</summary>
    public Guid? ActorId { get; set; }
    public RequestEntryKind Kind { get; set; }
    public RequestState? From { get; set; }
    public RequestState? To { get; set; }
    public byte[]? TextCipher { get; set; }
    public byte[]? AmountCipher { get; set; }
    /// <summary>A tranche's day of payment, or the due day the officer set when asking for the report.</summary>
    public DateOnly? Day { get; set; }
    /// <summary>The file sent with a report (a <see cref="GrantRequestFile"/> of the request).</summary>
    public Guid? FileId { get; set; }

    public const string Table = "GrantRequestEntries";
}

/// <summary>
/// A member of the program's staff declaring, before they review or decide a request, whether they have a conflict of
/// interest with its applicant. A conflict stands: from then on the request is closed to them (404), as to anyone
/// outside it. Kept while the request lives; the applicant does not see declarations.
/// </summary>
public sealed class GrantRequestDeclaration
{
    public Guid RequestId { get; set; }
    public Guid UserId { get; set; }
    public bool HasConflict { get; set; }
    public DateTime At { get; set; }

    public const string Table = "GrantRequestDeclarations";
}

/// <summary>
/// A content or budget review of a request, by its program's staff, seen by the staff only. Its note and its scores
/// (one per rubric criterion, as the rubric stood when it was written) are encrypted with the request's key. A review
/// that asks for rework moves the request back to the applicant in the same commit, its note the reason they read.
/// </summary>
public sealed class GrantRequestReview
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    /// <summary>Null once the reviewer's account is deleted (the review stays with the request).</summary>
    public Guid? ReviewerId { get; set; }
    public ReviewAspect Aspect { get; set; }
    public ReviewVerdict Verdict { get; set; }
    public DateTime At { get; set; }
    /// <summary>The criteria and their scores (<see cref="RubricScore"/> list as JSON).</summary>
    public byte[]? ScoresCipher { get; set; }
    public byte[]? NoteCipher { get; set; }

    public const string Table = "GrantRequestReviews";
}

/// <summary>
/// A file given in answer to one of the program's file questions: its bytes and its name encrypted with the request's
/// key, a photo re-encoded without its metadata (the incident evidence rules). The answer holds its id; a new file for
/// the same question replaces it. A report's file has <see cref="ReportQuestion"/> for its question and is held by the
/// report's history entry.
/// </summary>
public sealed class GrantRequestFile
{
    /// <summary>The question id of a file sent with a report (no program question has it: theirs are 8 letters and digits).</summary>
    public const string ReportQuestion = "report";

    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public string QuestionId { get; set; } = "";
    public string ContentType { get; set; } = "";
    public int Size { get; set; }
    public byte[]? NameCipher { get; set; }
    public byte[] DataCipher { get; set; } = [];
    public DateTime At { get; set; }

    public const string Table = "GrantRequestFiles";
}

public sealed class GrantRequestFileConfiguration : IEntityTypeConfiguration<GrantRequestFile>
{
    public void Configure(EntityTypeBuilder<GrantRequestFile> builder)
    {
        builder.ToTable(GrantRequestFile.Table);
        builder.HasKey(f => f.Id);
        builder.HasIndex(f => f.RequestId);
        builder.Property(f => f.QuestionId).HasMaxLength(8);
        builder.Property(f => f.ContentType).HasMaxLength(100);
        builder.HasOne<GrantRequest>().WithMany().HasForeignKey(f => f.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>One rubric criterion as it was scored.</summary>
public sealed record RubricScore(string Criterion, int Score);

public sealed class GrantRequestDeclarationConfiguration : IEntityTypeConfiguration<GrantRequestDeclaration>
{
    public void Configure(EntityTypeBuilder<GrantRequestDeclaration> builder)
    {
        builder.ToTable(GrantRequestDeclaration.Table);
        builder.HasKey(d => new { d.RequestId, d.UserId });
        builder.HasIndex(d => d.UserId);
        builder.HasOne<GrantRequest>().WithMany().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class GrantRequestReviewConfiguration : IEntityTypeConfiguration<GrantRequestReview>
{
    public void Configure(EntityTypeBuilder<GrantRequestReview> builder)
    {
        builder.ToTable(GrantRequestReview.Table);
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.RequestId, r.At });
        builder.HasIndex(r => r.ReviewerId);
        builder.HasOne<GrantRequest>().WithMany().HasForeignKey(r => r.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.ReviewerId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class GrantRequestConfiguration : IEntityTypeConfiguration<GrantRequest>
{
    public void Configure(EntityTypeBuilder<GrantRequest> builder)
    {
        builder.ToTable(GrantRequest.Table);
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Reference).HasMaxLength(16);
        builder.Property(r => r.Region).HasMaxLength(3);
        builder.Property(r => r.KeptAmount).HasPrecision(18, 2);
        builder.Property(r => r.PublicDescription).HasMaxLength(PublicationInput.DescriptionMax);
        // The purge worker's round: a program's ended requests, by when they ended.
        builder.HasIndex(r => new { r.ProgramId, r.EndedAt });
        builder.HasIndex(r => r.Reference).IsUnique();
        // The program's list, in its order: still waiting first, then the others, each oldest first.
        builder.HasIndex(r => new { r.ProgramId, r.Closed, r.SubmittedAt, r.Id });
        builder.HasIndex(r => r.ApplicantId);
        // The report reminders' round: reports awaited, by their day.
        builder.HasIndex(r => new { r.State, r.ReportDueOn });
        // A program's grants waiting on its staff after the decision (a report received or overdue), by state.
        builder.HasIndex(r => new { r.ProgramId, r.State });
        // The portfolio's one pass: every column it reads, so that it reads the index alone.
        builder.HasIndex(r => new { r.ProgramId, r.SubmittedAt, r.DecidedAt, r.State, r.Categories, r.Region });
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasOne<GrantProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.ApplicantId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(r => r.OrganizationId);
        builder.HasIndex(r => r.BehalfOfId);
        builder.HasOne<Organizations.Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.BehalfOfId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class GrantRequestEntryConfiguration : IEntityTypeConfiguration<GrantRequestEntry>
{
    public void Configure(EntityTypeBuilder<GrantRequestEntry> builder)
    {
        builder.ToTable(GrantRequestEntry.Table);
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => new { e.RequestId, e.At });
        builder.HasOne<GrantRequest>().WithMany().HasForeignKey(e => e.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(e => e.ActorId).OnDelete(DeleteBehavior.SetNull);
    }
}

/// <summary>
/// A request was declined. <paramref name="OwnerId"/> is the person it was for (the defender it was made on behalf of,
/// else the applicant of a person's own request; an organization's request records no such fact); <paramref name="SuggestedHelp"/> the kind of help from the network its officer suggested, if any.
/// </summary>
public sealed record GrantRequestDeclined(Guid OwnerId, DateTime At, Guid RequestId, ServiceKind? SuggestedHelp) : Fact(OwnerId, At);
