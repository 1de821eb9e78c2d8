using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue11Wellbeing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WellbeingBuddyPairs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InviterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InviteeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    InvitedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AcceptedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    InviterRemindsAfterAlerts = table.Column<bool>(type: "INTEGER", nullable: false),
                    InviteeRemindsAfterAlerts = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingBuddyPairs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WellbeingBuddyPairs_AspNetUsers_InviteeId",
                        column: x => x.InviteeId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_WellbeingBuddyPairs_AspNetUsers_InviterId",
                        column: x => x.InviterId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_WellbeingBuddyPairs_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WellbeingCarePlans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DrainsCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    RestoresCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    WarningSignsCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    BoundariesCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    PeopleCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    RestDaysCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReviewedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingCarePlans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WellbeingCarePlans_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WellbeingDebriefOffers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MarkId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    With = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    On = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    DetailCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingDebriefOffers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WellbeingDebriefOffers_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_WellbeingDebriefOffers_WellbeingMarks_MarkId",
                        column: x => x.MarkId,
                        principalTable: "WellbeingMarks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WellbeingOrgAssessments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TakenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TakenById = table.Column<Guid>(type: "TEXT", nullable: false),
                    AnswersCipher = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingOrgAssessments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WellbeingOrgAssessments_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WellbeingReminders",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Rhythm = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ByEmail = table.Column<bool>(type: "INTEGER", nullable: false),
                    NextEmailAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingReminders", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_WellbeingReminders_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WellbeingTeamContributions",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingTeamContributions", x => new { x.OrganizationId, x.UserId });
                    table.ForeignKey(
                        name: "FK_WellbeingTeamContributions_Memberships_OrganizationId_UserId",
                        columns: x => new { x.OrganizationId, x.UserId },
                        principalTable: "Memberships",
                        principalColumns: new[] { "OrganizationId", "UserId" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WellbeingTeamMonthBands",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Satisfaction = table.Column<int>(type: "INTEGER", nullable: false),
                    Burnout = table.Column<int>(type: "INTEGER", nullable: false),
                    SecondaryStress = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingTeamMonthBands", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WellbeingTeamMonthBands_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WellbeingTeamMonthsClosed",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WellbeingTeamMonthsClosed", x => new { x.OrganizationId, x.Month });
                    table.ForeignKey(
                        name: "FK_WellbeingTeamMonthsClosed_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingBuddyPairs_InviteeId_State",
                table: "WellbeingBuddyPairs",
                columns: new[] { "InviteeId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingBuddyPairs_InviterId_State",
                table: "WellbeingBuddyPairs",
                columns: new[] { "InviterId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingBuddyPairs_OrganizationId",
                table: "WellbeingBuddyPairs",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingCarePlans_UserId",
                table: "WellbeingCarePlans",
                column: "UserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingDebriefOffers_MarkId",
                table: "WellbeingDebriefOffers",
                column: "MarkId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingDebriefOffers_UserId_State",
                table: "WellbeingDebriefOffers",
                columns: new[] { "UserId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingOrgAssessments_OrganizationId_TakenAt",
                table: "WellbeingOrgAssessments",
                columns: new[] { "OrganizationId", "TakenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingReminders_NextEmailAt",
                table: "WellbeingReminders",
                column: "NextEmailAt");

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingTeamContributions_UserId",
                table: "WellbeingTeamContributions",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_WellbeingTeamMonthBands_OrganizationId_Month",
                table: "WellbeingTeamMonthBands",
                columns: new[] { "OrganizationId", "Month" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WellbeingBuddyPairs");

            migrationBuilder.DropTable(
                name: "WellbeingCarePlans");

            migrationBuilder.DropTable(
                name: "WellbeingDebriefOffers");

            migrationBuilder.DropTable(
                name: "WellbeingOrgAssessments");

            migrationBuilder.DropTable(
                name: "WellbeingReminders");

            migrationBuilder.DropTable(
                name: "WellbeingTeamContributions");

            migrationBuilder.DropTable(
                name: "WellbeingTeamMonthBands");

            migrationBuilder.DropTable(
                name: "WellbeingTeamMonthsClosed");
        }
    }
}
