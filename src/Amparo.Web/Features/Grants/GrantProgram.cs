using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Amparo.Web.Features.Grants;

/// <summary>What a program funds (issue 14).</summary>
public enum ProgramKind
{
    Emergency = 1,
    ProtectionAndCapacity = 2,
    LongTermSecurity = 3,
    PsychosocialAndWellbeing = 4,
    DigitalSecurity = 5,
    TemporaryRelocation = 6,
    Other = 7,
}

/// <summary>The costs a program may fund (several at once).</summary>
[Flags]
public enum CostCategories
{
    None = 0,
    PhysicalSecurity = 1,
    DigitalSecurity = 2,
    Communications = 4,
    SecurityTraining = 8,
    SecureTransport = 16,
    Legal = 32,
    MedicalAndPsychosocial = 64,
    FamilyAndHumanitarian = 128,
    Relocation = 256,
    MonitoringAndAdvocacy = 512,
    Other = 1024,
}

/// <summary>
/// What a request keeps in the clear once it is purged, besides its program, currency, year and state (issue 15): the
/// amount approved, the coarse region, the kinds of cost. The rest — the answers, files, comments, reviews, who asked —
/// goes with the request's data key.
/// </summary>
[Flags]
public enum KeptFacts { None = 0, Amount = 1, Region = 2, Categories = 4, All = Amount | Region | Categories }

/// <summary>Whether a program takes requests: open (in a call), rolling (any time), or closed.</summary>
public enum ProgramStatus { Open = 1, Rolling = 2, Closed = 3 }

/// <summary>What a member of a grantmaker organization does for one program — not an organization role.</summary>
public enum ProgramRole { ProgramOfficer = 1, Reviewer = 2, Finance = 3, DutyOfficer = 4 }

/// <summary>
/// A grantmaker organization's program: what it funds, for whom, in which languages and regions, up to how much, and —
/// for an emergency program — how many hours it promises to an answer. What a program says is meant for applicants to
/// read, so it is not encrypted; requests, their answers and files are (each with its own key, later parts of issue 14).
/// </summary>
public sealed class GrantProgram
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";
    public ProgramKind Kind { get; set; }
    public string Description { get; set; } = "";
    /// <summary>Who may apply, in plain words.</summary>
    public string Eligibility { get; set; } = "";
    /// <summary>ISO 4217 code of <see cref="Ceiling"/>.</summary>
    public string Currency { get; set; } = "";
    /// <summary>The most one request may ask for; null: no ceiling stated.</summary>
    public decimal? Ceiling { get; set; }
    public CostCategories Categories { get; set; }
    /// <summary>The languages requests are accepted in (the installation's language codes, space-separated).</summary>
    public string Languages { get; set; } = "";
    /// <summary>Coarse regions the program funds in (ISO 3166 alpha-2, space-separated); empty: anywhere.</summary>
    public string Regions { get; set; } = "";
    public ProgramStatus Status { get; set; }
    /// <summary>For an emergency program, the hours it promises to an answer (e.g. 72); null for the others.</summary>
    public int? ResponseHours { get; set; }
    /// <summary>
    /// The scoring rubric content reviewers score each request against: criteria one per line (at most
    /// <see cref="GrantRules.RubricMax"/>), each scored from <see cref="GrantRules.ScoreMin"/> to <see cref="GrantRules.ScoreMax"/>;
    /// empty: no scores, a review is a verdict and a note.
    /// </summary>
    public string Rubric { get; set; } = "";
    /// <summary>
    /// For an emergency program, the word that starts a request by SMS after the grants keyword ("FUND RRF"): letters
    /// and digits, kept normalized (<see cref="Notifications.SmsKeywords.Normalize"/>), one program per word; null: none.
    /// </summary>
    public string? SmsWord { get; set; }
    /// <summary>The program's own questions (<see cref="ProgramQuestions"/>, as JSON); empty: none.</summary>
    public string Questions { get; set; } = "";
    /// <summary>
    /// How many months after a request ends (closed, declined or withdrawn) its grantee data is purged
    /// (<see cref="GrantPurge"/>); the applicant is told <see cref="GrantPurge.NoticeDays"/> days before.
    /// </summary>
    public int PurgeAfterMonths { get; set; } = GrantRules.DefaultPurgeMonths;
    /// <summary>What a purged request keeps of its facts (<see cref="KeptFacts"/>).</summary>
    public KeptFacts Kept { get; set; } = KeptFacts.All;
    /// <summary>
    /// How many years after a grant ends its restricted record (<see cref="GrantRestrictedRecord"/>: what a regulator
    /// requires, under the grantmaker's key) is kept: its own retention, apart from the request's purge.
    /// </summary>
    public int RestrictedYears { get; set; } = GrantRules.DefaultRestrictedYears;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public const string Table = "GrantPrograms";
}

/// <summary>A member of the program's grantmaker organization given a role for the program by its admins.</summary>
public sealed class ProgramAssignment
{
    public Guid ProgramId { get; set; }
    public Guid UserId { get; set; }
    public ProgramRole Role { get; set; }
    public DateTime AssignedAt { get; set; }

    public const string Table = "GrantProgramAssignments";
}

/// <summary>Who works on programs: the one rule of a role's life, shared by programs and requests.</summary>
public static class ProgramStaff
{
    /// <summary>The viewer's program roles held while a member of the program's organization (leaving it ends them).</summary>
    public static IQueryable<ProgramAssignment> CurrentAssignments(AmparoDbContext db, Guid viewer) =>
        from a in db.ProgramAssignments
        where a.UserId == viewer
        join p in db.GrantPrograms on a.ProgramId equals p.Id
        where db.Memberships.Any(m => m.OrganizationId == p.OrganizationId && m.UserId == viewer)
        select a;

    /// <summary>A program's roles held today: by members of its organization only.</summary>
    public static IQueryable<ProgramAssignment> Current(AmparoDbContext db, Guid programId) =>
        from a in db.ProgramAssignments
        where a.ProgramId == programId
        join p in db.GrantPrograms on a.ProgramId equals p.Id
        where db.Memberships.Any(m => m.OrganizationId == p.OrganizationId && m.UserId == a.UserId)
        select a;
}

public sealed class GrantProgramConfiguration : IEntityTypeConfiguration<GrantProgram>
{
    public void Configure(EntityTypeBuilder<GrantProgram> builder)
    {
        builder.ToTable(GrantProgram.Table);
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(GrantRules.NameMax);
        builder.Property(p => p.Description).HasMaxLength(GrantRules.TextMax);
        builder.Property(p => p.Eligibility).HasMaxLength(GrantRules.TextMax);
        builder.Property(p => p.Currency).HasMaxLength(3);
        builder.Property(p => p.Ceiling).HasPrecision(18, 2);
        builder.Property(p => p.Languages).HasMaxLength(64);
        builder.Property(p => p.Regions).HasMaxLength(1000);
        builder.Property(p => p.Rubric).HasMaxLength(GrantRules.RubricMax * (GrantRules.CriterionMax + 1));
        builder.Property(p => p.Questions).HasMaxLength(32_000);
        builder.Property(p => p.SmsWord).HasMaxLength(GrantRules.SmsWordMax);
        builder.HasIndex(p => p.SmsWord).IsUnique();
        builder.HasIndex(p => p.OrganizationId);
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ProgramAssignmentConfiguration : IEntityTypeConfiguration<ProgramAssignment>
{
    public void Configure(EntityTypeBuilder<ProgramAssignment> builder)
    {
        builder.ToTable(ProgramAssignment.Table);
        builder.HasKey(a => new { a.ProgramId, a.UserId, a.Role });
        builder.HasIndex(a => a.UserId);
        builder.HasOne<GrantProgram>().WithMany().HasForeignKey(a => a.ProgramId).OnDelete(DeleteBehavior.Cascade);
        // An account deleted takes its assignments with it.
        builder.HasOne<User>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
