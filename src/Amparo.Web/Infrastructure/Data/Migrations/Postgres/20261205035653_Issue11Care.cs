using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue11Care : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WellbeingBuddyPairs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    InviterId = table.Column<Guid>(type: "uuid", nullable: false),
                    InviteeId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    InvitedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AcceptedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    InviterRemindsAfterAlerts = table.Column<bool>(type: "boolean", nullable: false),
                    InviteeRemindsAfterAlerts = table.Column<bool>(type: "boolean", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    DrainsCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    RestoresCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    WarningSignsCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    BoundariesCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    PeopleCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    RestDaysCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReviewedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    MarkId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    With = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    On = table.Column<DateOnly>(type: "date", nullable: true),
                    DetailCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
        }
    }
}
