using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue15PublicExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PublicDescription",
                table: "GrantRequests",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "PublicExcluded",
                table: "GrantRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "PublicLocation",
                table: "GrantRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "PublicRecipient",
                table: "GrantRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PublicDescription",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "PublicExcluded",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "PublicLocation",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "PublicRecipient",
                table: "GrantRequests");
        }
    }
}
