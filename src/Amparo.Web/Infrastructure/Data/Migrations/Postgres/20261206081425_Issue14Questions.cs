using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue14Questions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Questions",
                table: "GrantPrograms",
                type: "character varying(32000)",
                maxLength: 32000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "GrantRequestFiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    QuestionId = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Size = table.Column<int>(type: "integer", nullable: false),
                    NameCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    DataCipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GrantRequestFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_GrantRequestFiles_GrantRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "GrantRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequestFiles_RequestId",
                table: "GrantRequestFiles",
                column: "RequestId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GrantRequestFiles");

            migrationBuilder.DropColumn(
                name: "Questions",
                table: "GrantPrograms");
        }
    }
}
