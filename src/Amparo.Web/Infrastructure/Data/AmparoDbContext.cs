using Amparo.Web.Features.Accounts;
using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.HotZones;
using Amparo.Web.Features.Incidents;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Organizations;
using Amparo.Web.Features.Plans;
using Amparo.Web.Features.PlanShares;
using Amparo.Web.Features.Wellbeing;
using Amparo.Web.Features.Sharing;
using Amparo.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Amparo.Web.Infrastructure.Data;

/// <summary>
/// The one model. Each provider has a subclass only so that its migrations can be told apart
/// (see docs/adr/0001-migrations-per-provider.md).
/// </summary>
public abstract class AmparoDbContext(DbContextOptions options) : IdentityUserContext<User, Guid>(options)
{
    public DbSet<UserSession> Sessions => Set<UserSession>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Network> Networks => Set<Network>();
    public DbSet<NetworkOrganization> NetworkOrganizations => Set<NetworkOrganization>();
    public DbSet<NetworkCoordinator> NetworkCoordinators => Set<NetworkCoordinator>();
    public DbSet<DirectoryEntry> DirectoryEntries => Set<DirectoryEntry>();
    public DbSet<DirectoryService> DirectoryServices => Set<DirectoryService>();
    public DbSet<DirectoryContact> DirectoryContacts => Set<DirectoryContact>();
    public DbSet<DirectoryGap> DirectoryGaps => Set<DirectoryGap>();
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<HelpSuggestion> HelpSuggestions => Set<HelpSuggestion>();
    public DbSet<SharingRule> SharingRules => Set<SharingRule>();
    public DbSet<AccessGrant> AccessGrants => Set<AccessGrant>();
    public DbSet<AccessGrantAssignee> AccessGrantAssignees => Set<AccessGrantAssignee>();
    public DbSet<DataKey> DataKeys => Set<DataKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<ProtectionKey> ProtectionKeys => Set<ProtectionKey>();
    public DbSet<Visit> Visits => Set<Visit>();
    public DbSet<CheckIn> CheckIns => Set<CheckIn>();
    public DbSet<CheckInSettings> CheckInSettings => Set<CheckInSettings>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertRecipient> AlertRecipients => Set<AlertRecipient>();
    public DbSet<AlertEvent> AlertEvents => Set<AlertEvent>();
    public DbSet<TrustedContact> TrustedContacts => Set<TrustedContact>();
    public DbSet<ContactChannel> ContactChannels => Set<ContactChannel>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<InboundSms> InboundSms => Set<InboundSms>();
    public DbSet<ReplyCodeTries> ReplyCodeTries => Set<ReplyCodeTries>();
    // Security plans (issue 10)
    public DbSet<SecurityPlan> SecurityPlans => Set<SecurityPlan>();
    public DbSet<PlanActor> PlanActors => Set<PlanActor>();
    public DbSet<RiskEntry> RiskEntries => Set<RiskEntry>();
    public DbSet<PlanAction> PlanActions => Set<PlanAction>();
    public DbSet<PlanActionEntry> PlanActionEntries => Set<PlanActionEntry>();
    public DbSet<PlanProtocol> PlanProtocols => Set<PlanProtocol>();
    // Security plan versions (issue 10: versions, compare, restore)
    public DbSet<PlanVersion> PlanVersions => Set<PlanVersion>();
    // Plan snapshots shared with grantmakers (issue 10)
    public DbSet<PlanShare> PlanShares => Set<PlanShare>();
    public DbSet<PlanShareView> PlanShareViews => Set<PlanShareView>();
    // Plan reviews: reminders sent, calendar feeds (issue 10)
    public DbSet<PlanReviewReminder> PlanReviewReminders => Set<PlanReviewReminder>();
    public DbSet<PlanCalendarFeed> PlanCalendarFeeds => Set<PlanCalendarFeed>();
    // Well-being (issue 11): self-checks; each part adds its sets below this line
    public DbSet<SelfCheck> WellbeingSelfChecks => Set<SelfCheck>();
    public DbSet<WellbeingMark> WellbeingMarks => Set<WellbeingMark>();
    // Well-being, the self-check part (wbcheck): each person's reminder choice
    public DbSet<SelfCheckReminder> WellbeingReminders => Set<SelfCheckReminder>();
    // Well-being care (issue 11, wbcare): care plans, buddy pairs, debrief offers
    public DbSet<CarePlan> WellbeingCarePlans => Set<CarePlan>();
    public DbSet<BuddyPair> WellbeingBuddyPairs => Set<BuddyPair>();
    public DbSet<DebriefOffer> WellbeingDebriefOffers => Set<DebriefOffer>();
    // Well-being, team view and organizational assessment (issue 11, wbteam)
    public DbSet<TeamContribution> TeamContributions => Set<TeamContribution>();
    public DbSet<TeamMonthBands> TeamMonthBands => Set<TeamMonthBands>();
    public DbSet<TeamMonthClosed> TeamMonthsClosed => Set<TeamMonthClosed>();
    public DbSet<OrganizationAssessment> OrganizationAssessments => Set<OrganizationAssessment>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<IncidentNote> IncidentNotes => Set<IncidentNote>();
    public DbSet<IncidentAttachment> IncidentAttachments => Set<IncidentAttachment>();
    public DbSet<IncidentReportLink> IncidentReportLinks => Set<IncidentReportLink>();
    public DbSet<IncidentSettings> IncidentSettings => Set<IncidentSettings>();
    public DbSet<IncidentImportBatch> IncidentImports => Set<IncidentImportBatch>();
    // Hot zones (issue 13)
    public DbSet<HotZonePeriod> HotZonePeriods => Set<HotZonePeriod>();
    public DbSet<HotZoneCell> HotZoneCells => Set<HotZoneCell>();
    public DbSet<GrantmakerRegion> GrantmakerRegions => Set<GrantmakerRegion>();
    public DbSet<Features.Grants.GrantProgram> GrantPrograms => Set<Features.Grants.GrantProgram>();
    public DbSet<Features.Grants.ProgramAssignment> ProgramAssignments => Set<Features.Grants.ProgramAssignment>();
    public DbSet<Features.Grants.GrantRequest> GrantRequests => Set<Features.Grants.GrantRequest>();
    public DbSet<Features.Grants.GrantRequestEntry> GrantRequestEntries => Set<Features.Grants.GrantRequestEntry>();
    public DbSet<Features.Grants.GrantRequestDeclaration> GrantRequestDeclarations => Set<Features.Grants.GrantRequestDeclaration>();
    public DbSet<Features.Grants.GrantRequestFile> GrantRequestFiles => Set<Features.Grants.GrantRequestFile>();
    public DbSet<Features.Grants.GrantRequestReview> GrantRequestReviews => Set<Features.Grants.GrantRequestReview>();
    public DbSet<Features.Grants.GrantClockReminder> GrantClockReminders => Set<Features.Grants.GrantClockReminder>();
    public DbSet<Features.Grants.GrantReportReminder> GrantReportReminders => Set<Features.Grants.GrantReportReminder>();
    public DbSet<Features.Grants.GrantRestrictedRecord> GrantRestrictedRecords => Set<Features.Grants.GrantRestrictedRecord>();
    public DbSet<Features.Grants.SecurityAssessment> SecurityAssessments => Set<Features.Grants.SecurityAssessment>();
    public DbSet<Features.Grants.PublishedPractices> PublishedPractices => Set<Features.Grants.PublishedPractices>();
    public DbSet<HotZonePublicPage> HotZonePublicPages => Set<HotZonePublicPage>();
    public DbSet<Features.Networks.DirectoryLink> DirectoryLinks => Set<Features.Networks.DirectoryLink>();
    public DbSet<Features.Dialogues.Dialogue> Dialogues => Set<Features.Dialogues.Dialogue>();
    public DbSet<Features.Dialogues.DialogueNetwork> DialogueNetworks => Set<Features.Dialogues.DialogueNetwork>();
    public DbSet<Features.Dialogues.DialogueThread> DialogueThreads => Set<Features.Dialogues.DialogueThread>();
    public DbSet<Features.Dialogues.DialogueParticipant> DialogueParticipants => Set<Features.Dialogues.DialogueParticipant>();
    public DbSet<Features.Dialogues.DialogueInvitation> DialogueInvitations => Set<Features.Dialogues.DialogueInvitation>();
    public DbSet<Features.Dialogues.DialoguePost> DialoguePosts => Set<Features.Dialogues.DialoguePost>();
    public DbSet<Features.Dialogues.DialogueReport> DialogueReports => Set<Features.Dialogues.DialogueReport>();
    public DbSet<Features.Dialogues.DialogueResource> DialogueResources => Set<Features.Dialogues.DialogueResource>();
    public DbSet<Features.Learning.LearningProgress> LearningProgress => Set<Features.Learning.LearningProgress>();
    public DbSet<Features.Learning.OrganizationLesson> OrganizationLessons => Set<Features.Learning.OrganizationLesson>();
    public DbSet<Features.Trainings.Training> Trainings => Set<Features.Trainings.Training>();
    public DbSet<Features.Trainings.TrainingParticipant> TrainingParticipants => Set<Features.Trainings.TrainingParticipant>();
    public DbSet<Features.Trainings.TrainingFollowUp> TrainingFollowUps => Set<Features.Trainings.TrainingFollowUp>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AmparoDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }
}

public sealed class SqliteAmparoDbContext(DbContextOptions<SqliteAmparoDbContext> options) : AmparoDbContext(options);

public sealed class PostgresAmparoDbContext(DbContextOptions<PostgresAmparoDbContext> options) : AmparoDbContext(options);
