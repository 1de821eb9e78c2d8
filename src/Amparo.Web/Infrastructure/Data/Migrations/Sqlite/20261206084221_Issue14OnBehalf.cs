using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue14OnBehalf : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "BehalfNamedAt",
                table: "GrantRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "BehalfOfId",
                table: "GrantRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "OrganizationId",
                table: "GrantRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_BehalfOfId",
                table: "GrantRequests",
                column: "BehalfOfId");

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_OrganizationId",
                table: "GrantRequests",
                column: "OrganizationId");

            migrationBuilder.AddForeignKey(
                name: "FK_GrantRequests_AspNetUsers_BehalfOfId",
                table: "GrantRequests",
                column: "BehalfOfId",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_GrantRequests_Organizations_OrganizationId",
                table: "GrantRequests",
                column: "OrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_GrantRequests_AspNetUsers_BehalfOfId",
                table: "GrantRequests");

            migrationBuilder.DropForeignKey(
                name: "FK_GrantRequests_Organizations_OrganizationId",
                table: "GrantRequests");

            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_BehalfOfId",
                table: "GrantRequests");

            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_OrganizationId",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "BehalfNamedAt",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "BehalfOfId",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "GrantRequests");
        }
    }
}
