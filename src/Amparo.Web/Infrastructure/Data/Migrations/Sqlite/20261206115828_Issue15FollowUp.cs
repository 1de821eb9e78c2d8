using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue15FollowUp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Categories",
                table: "GrantRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateOnly>(
                name: "ReportDueOn",
                table: "GrantRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Day",
                table: "GrantRequestEntries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FileId",
                table: "GrantRequestEntries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "GrantReportReminders",
                columns: table => new
                {
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GrantReportReminders", x => new { x.RequestId, x.Stage, x.DueOn });
                    table.ForeignKey(
                        name: "FK_GrantReportReminders_GrantRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "GrantRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_State",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categories",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "SubmittedAt", "DecidedAt", "State", "Categories" });

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_State_ReportDueOn",
                table: "GrantRequests",
                columns: new[] { "State", "ReportDueOn" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GrantReportReminders");

            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_State",
                table: "GrantRequests");

            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categories",
                table: "GrantRequests");

            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_State_ReportDueOn",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "Categories",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "ReportDueOn",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "Day",
                table: "GrantRequestEntries");

            migrationBuilder.DropColumn(
                name: "FileId",
                table: "GrantRequestEntries");
        }
    }
}
