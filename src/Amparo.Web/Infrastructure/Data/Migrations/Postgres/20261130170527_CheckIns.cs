using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CheckIns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    VisitId = table.Column<Guid>(type: "uuid", nullable: true),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    IsDrill = table.Column<bool>(type: "boolean", nullable: false),
                    ShortCode = table.Column<int>(type: "integer", nullable: false),
                    Level = table.Column<int>(type: "integer", nullable: false),
                    Repeats = table.Column<int>(type: "integer", nullable: false),
                    NextStepAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Level2DelayMinutes = table.Column<int>(type: "integer", nullable: false),
                    Level3DelayMinutes = table.Column<int>(type: "integer", nullable: false),
                    AcknowledgedByRecipientId = table.Column<Guid>(type: "uuid", nullable: true),
                    AcknowledgedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolutionNoteCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    LocationCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    LocationAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    NoteCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Alerts_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CheckInSettings",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    PinHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    DuressPinHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    DefaultGraceMinutes = table.Column<int>(type: "integer", nullable: false),
                    ReminderMinutesBefore = table.Column<int>(type: "integer", nullable: false),
                    Level2DelayMinutes = table.Column<int>(type: "integer", nullable: false),
                    Level3DelayMinutes = table.Column<int>(type: "integer", nullable: false),
                    ReminderChannel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CodeWordsCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    ChangedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckInSettings", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_CheckInSettings_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InboundSms",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Adapter = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    SenderLookup = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PayloadCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ProcessedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundSms", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: true),
                    RecipientId = table.Column<Guid>(type: "uuid", nullable: true),
                    VisitId = table.Column<Guid>(type: "uuid", nullable: true),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ChannelIndex = table.Column<int>(type: "integer", nullable: false),
                    NotificationKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PayloadCipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FallbackAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FallbackQueued = table.Column<bool>(type: "boolean", nullable: false),
                    LeaseUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LeaseOwner = table.Column<Guid>(type: "uuid", nullable: true),
                    LastError = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    IsDrill = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TrustedContacts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    NameCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Consent = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ConsentTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConfirmedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LinkedUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrustedContacts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TrustedContacts_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Visits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    GroupId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                    IsDrill = table.Column<bool>(type: "boolean", nullable: false),
                    StartsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    OriginalDueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    GraceMinutes = table.Column<int>(type: "integer", nullable: false),
                    CheckInEveryMinutes = table.Column<int>(type: "integer", nullable: true),
                    DeadlineAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReminderMinutesBefore = table.Column<int>(type: "integer", nullable: false),
                    Level2DelayMinutes = table.Column<int>(type: "integer", nullable: false),
                    Level3DelayMinutes = table.Column<int>(type: "integer", nullable: false),
                    RemindersSent = table.Column<int>(type: "integer", nullable: false),
                    NextActionAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastCheckInAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    WrongPinCount = table.Column<int>(type: "integer", nullable: false),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: true),
                    PlaceCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    PurposeCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    NeedsCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    CoordinatesCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    MessageCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    ReminderTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Visits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Visits_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AlertEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    RecipientId = table.Column<Guid>(type: "uuid", nullable: true),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Level = table.Column<int>(type: "integer", nullable: true),
                    Detail = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlertEvents_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AlertRecipients",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: false),
                    Level = table.Column<int>(type: "integer", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: true),
                    ContactId = table.Column<Guid>(type: "uuid", nullable: true),
                    IsDutyContact = table.Column<bool>(type: "boolean", nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    LinkTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NotifiedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    OpenedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertRecipients", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlertRecipients_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ContactChannels",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ContactId = table.Column<Guid>(type: "uuid", nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AddressCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    AddressLookup = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SecretCipher = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ContactChannels", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ContactChannels_TrustedContacts_ContactId",
                        column: x => x.ContactId,
                        principalTable: "TrustedContacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CheckIns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    VisitId = table.Column<Guid>(type: "uuid", nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Via = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    NoteCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    CoordinatesCipher = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckIns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CheckIns_Visits_VisitId",
                        column: x => x.VisitId,
                        principalTable: "Visits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AlertEvents_AlertId_At",
                table: "AlertEvents",
                columns: new[] { "AlertId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AlertRecipients_AlertId_ContactId",
                table: "AlertRecipients",
                columns: new[] { "AlertId", "ContactId" });

            migrationBuilder.CreateIndex(
                name: "IX_AlertRecipients_AlertId_UserId",
                table: "AlertRecipients",
                columns: new[] { "AlertId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_AlertRecipients_LinkTokenHash",
                table: "AlertRecipients",
                column: "LinkTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AlertRecipients_UserId",
                table: "AlertRecipients",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_NextStepAt",
                table: "Alerts",
                column: "NextStepAt");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_OwnerId_State",
                table: "Alerts",
                columns: new[] { "OwnerId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_ShortCode_State",
                table: "Alerts",
                columns: new[] { "ShortCode", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_VisitId",
                table: "CheckIns",
                column: "VisitId");

            migrationBuilder.CreateIndex(
                name: "IX_ContactChannels_AddressLookup",
                table: "ContactChannels",
                column: "AddressLookup");

            migrationBuilder.CreateIndex(
                name: "IX_ContactChannels_ContactId",
                table: "ContactChannels",
                column: "ContactId");

            migrationBuilder.CreateIndex(
                name: "IX_InboundSms_Adapter_ExternalId",
                table: "InboundSms",
                columns: new[] { "Adapter", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboundSms_ProcessedAt",
                table: "InboundSms",
                column: "ProcessedAt");

            migrationBuilder.CreateIndex(
                name: "IX_InboundSms_ReceivedAt",
                table: "InboundSms",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_AlertId",
                table: "Outbox",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_IdempotencyKey",
                table: "Outbox",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_NotificationKey",
                table: "Outbox",
                column: "NotificationKey");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_State_FallbackAt",
                table: "Outbox",
                columns: new[] { "State", "FallbackAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_State_NextAttemptAt",
                table: "Outbox",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TrustedContacts_ConsentTokenHash",
                table: "TrustedContacts",
                column: "ConsentTokenHash");

            migrationBuilder.CreateIndex(
                name: "IX_TrustedContacts_OwnerId",
                table: "TrustedContacts",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_GroupId",
                table: "Visits",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_NextActionAt",
                table: "Visits",
                column: "NextActionAt");

            migrationBuilder.CreateIndex(
                name: "IX_Visits_OwnerId_State",
                table: "Visits",
                columns: new[] { "OwnerId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Visits_ReminderTokenHash",
                table: "Visits",
                column: "ReminderTokenHash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlertEvents");

            migrationBuilder.DropTable(
                name: "AlertRecipients");

            migrationBuilder.DropTable(
                name: "CheckIns");

            migrationBuilder.DropTable(
                name: "CheckInSettings");

            migrationBuilder.DropTable(
                name: "ContactChannels");

            migrationBuilder.DropTable(
                name: "InboundSms");

            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "Alerts");

            migrationBuilder.DropTable(
                name: "Visits");

            migrationBuilder.DropTable(
                name: "TrustedContacts");
        }
    }
}
