using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue15Retention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categor~",
                table: "GrantRequests");

            migrationBuilder.AddColumn<DateTime>(
                name: "EndedAt",
                table: "GrantRequests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "KeptAmount",
                table: "GrantRequests",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublicDescription",
                table: "GrantRequests",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "PublicExcluded",
                table: "GrantRequests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "PublicLocation",
                table: "GrantRequests",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "PublicRecipient",
                table: "GrantRequests",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "PurgeNoticeAt",
                table: "GrantRequests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PurgedAt",
                table: "GrantRequests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Region",
                table: "GrantRequests",
                type: "character varying(3)",
                maxLength: 3,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Kept",
                table: "GrantPrograms",
                type: "integer",
                nullable: false,
                defaultValue: 7);

            migrationBuilder.AddColumn<int>(
                name: "PurgeAfterMonths",
                table: "GrantPrograms",
                type: "integer",
                nullable: false,
                defaultValue: 12);

            migrationBuilder.AddColumn<int>(
                name: "RestrictedYears",
                table: "GrantPrograms",
                type: "integer",
                nullable: false,
                defaultValue: 7);

            // Requests that had already ended (declined, withdrawn, closed) count their purge months from their last change.
            migrationBuilder.Sql("UPDATE \"GrantRequests\" SET \"EndedAt\" = \"UpdatedAt\" WHERE \"State\" IN (6, 7, 11)");

            migrationBuilder.CreateTable(
                name: "GrantRestrictedRecords",
                columns: table => new
                {
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    FactsCipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedById = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GrantRestrictedRecords", x => x.RequestId);
                    table.ForeignKey(
                        name: "FK_GrantRestrictedRecords_AspNetUsers_UpdatedById",
                        column: x => x.UpdatedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_GrantRestrictedRecords_GrantRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "GrantRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PublishedPractices",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Practices = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    AssessedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    PublishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PublishedPractices", x => x.OrganizationId);
                    table.ForeignKey(
                        name: "FK_PublishedPractices_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SecurityAssessments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AuthorId = table.Column<Guid>(type: "uuid", nullable: true),
                    AnswersCipher = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SecurityAssessments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SecurityAssessments_AspNetUsers_AuthorId",
                        column: x => x.AuthorId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_SecurityAssessments_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_EndedAt",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "EndedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categor~",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "SubmittedAt", "DecidedAt", "State", "Categories", "Region" });

            migrationBuilder.CreateIndex(
                name: "IX_GrantRestrictedRecords_UpdatedById",
                table: "GrantRestrictedRecords",
                column: "UpdatedById");

            migrationBuilder.CreateIndex(
                name: "IX_SecurityAssessments_AuthorId",
                table: "SecurityAssessments",
                column: "AuthorId");

            migrationBuilder.CreateIndex(
                name: "IX_SecurityAssessments_OrganizationId_At",
                table: "SecurityAssessments",
                columns: new[] { "OrganizationId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GrantRestrictedRecords");

            migrationBuilder.DropTable(
                name: "PublishedPractices");

            migrationBuilder.DropTable(
                name: "SecurityAssessments");

            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_EndedAt",
                table: "GrantRequests");

            migrationBuilder.DropIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categor~",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "EndedAt",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "KeptAmount",
                table: "GrantRequests");

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

            migrationBuilder.DropColumn(
                name: "PurgeNoticeAt",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "PurgedAt",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "Region",
                table: "GrantRequests");

            migrationBuilder.DropColumn(
                name: "Kept",
                table: "GrantPrograms");

            migrationBuilder.DropColumn(
                name: "PurgeAfterMonths",
                table: "GrantPrograms");

            migrationBuilder.DropColumn(
                name: "RestrictedYears",
                table: "GrantPrograms");

            migrationBuilder.CreateIndex(
                name: "IX_GrantRequests_ProgramId_SubmittedAt_DecidedAt_State_Categor~",
                table: "GrantRequests",
                columns: new[] { "ProgramId", "SubmittedAt", "DecidedAt", "State", "Categories" });
        }
    }
}
