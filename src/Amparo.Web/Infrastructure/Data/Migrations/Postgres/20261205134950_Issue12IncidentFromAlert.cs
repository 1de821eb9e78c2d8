using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue12IncidentFromAlert : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AlertId",
                table: "Incidents",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_AlertId",
                table: "Incidents",
                column: "AlertId");

            migrationBuilder.AddForeignKey(
                name: "FK_Incidents_Alerts_AlertId",
                table: "Incidents",
                column: "AlertId",
                principalTable: "Alerts",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Incidents_Alerts_AlertId",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_AlertId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "AlertId",
                table: "Incidents");
        }
    }
}
