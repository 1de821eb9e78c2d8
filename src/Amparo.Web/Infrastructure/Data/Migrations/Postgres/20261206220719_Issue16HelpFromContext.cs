using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue16HelpFromContext : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Referrals_Networks_NetworkId",
                table: "Referrals");

            migrationBuilder.DropForeignKey(
                name: "FK_Referrals_Organizations_ProviderOrganizationId",
                table: "Referrals");

            migrationBuilder.AddColumn<int>(
                name: "SuggestedHelp",
                table: "GrantRequests",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "HelpSuggestions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: false),
                    Origin = table.Column<int>(type: "integer", nullable: false),
                    SourceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Need = table.Column<int>(type: "integer", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DismissedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HelpSuggestions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HelpSuggestions_AspNetUsers_PersonId",
                        column: x => x.PersonId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_HelpSuggestions_PersonId_Origin_SourceId",
                table: "HelpSuggestions",
                columns: new[] { "PersonId", "Origin", "SourceId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HelpSuggestions");

            migrationBuilder.DropColumn(
                name: "SuggestedHelp",
                table: "GrantRequests");

            migrationBuilder.AddForeignKey(
                name: "FK_Referrals_Networks_NetworkId",
                table: "Referrals",
                column: "NetworkId",
                principalTable: "Networks",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_Referrals_Organizations_ProviderOrganizationId",
                table: "Referrals",
                column: "ProviderOrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
