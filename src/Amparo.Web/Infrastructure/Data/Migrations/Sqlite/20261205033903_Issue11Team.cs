using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue11Team : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                name: "IX_WellbeingOrgAssessments_OrganizationId_TakenAt",
                table: "WellbeingOrgAssessments",
                columns: new[] { "OrganizationId", "TakenAt" });

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
                name: "WellbeingOrgAssessments");

            migrationBuilder.DropTable(
                name: "WellbeingTeamContributions");

            migrationBuilder.DropTable(
                name: "WellbeingTeamMonthBands");

            migrationBuilder.DropTable(
                name: "WellbeingTeamMonthsClosed");
        }
    }
}
