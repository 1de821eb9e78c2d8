using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
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
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "StartedFrom",
                table: "GrantRequests",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "GrantClockReminders",
                columns: table => new
                {
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    Stage = table.Column<int>(type: "integer", nullable: false),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
