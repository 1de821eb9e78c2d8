using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue7Access : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "PlannedById",
                table: "Visits",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Visits_PlannedById",
                table: "Visits",
                column: "PlannedById");

            migrationBuilder.AddForeignKey(
                name: "FK_Visits_AspNetUsers_PlannedById",
                table: "Visits",
                column: "PlannedById",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Visits_AspNetUsers_PlannedById",
                table: "Visits");

            migrationBuilder.DropIndex(
                name: "IX_Visits_PlannedById",
                table: "Visits");

            migrationBuilder.DropColumn(
                name: "PlannedById",
                table: "Visits");
        }
    }
}
