using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue14EmergencyAndPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "PlanShareId",
                table: "GrantRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "StartedFrom",
                table: "GrantRequests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "GrantClockReminders",
                columns: table => new
                {
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GrantClockReminders", x => new { x.RequestId, x.Stage });
                    table.ForeignKey(
                        name: "FK_GrantClockReminders_GrantRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "GrantRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GrantClockReminders");

            migrationBuilder.DropColumn(
                name: "PlanShareId",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "StartedFrom",
                table: "GrantRequests");
        }
    }
}
