using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue12LinksImport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "IncidentId",
                table: "WellbeingMarks",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "AwaitingReview",
                table: "Incidents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<byte[]>(
                name: "ContactCipher",
                table: "Incidents",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ImportedById",
                table: "Incidents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "LinkId",
                table: "Incidents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "PointCipher",
                table: "Incidents",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PointKeptUntil",
                table: "Incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "IncidentImports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ImportedById = table.Column<Guid>(type: "uuid", nullable: true),
                    Reports = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentImports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentImports_AspNetUsers_ImportedById",
                        column: x => x.ImportedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_IncidentImports_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentReportLinks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LabelCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    CreatedById = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentReportLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentReportLinks_AspNetUsers_CreatedById",
                        column: x => x.CreatedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_IncidentReportLinks_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentSettings",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    KeepPointDays = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentSettings", x => x.OrganizationId);
                    table.ForeignKey(
                        name: "FK_IncidentSettings_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_ImportedById",
                table: "Incidents",
                column: "ImportedById");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_LinkId_CreatedAt",
                table: "Incidents",
                columns: new[] { "LinkId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_PointKeptUntil",
                table: "Incidents",
                column: "PointKeptUntil");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentImports_ImportedById",
                table: "IncidentImports",
                column: "ImportedById");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentImports_OrganizationId",
                table: "IncidentImports",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentReportLinks_CreatedById",
                table: "IncidentReportLinks",
                column: "CreatedById");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentReportLinks_OrganizationId",
                table: "IncidentReportLinks",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentReportLinks_TokenHash",
                table: "IncidentReportLinks",
                column: "TokenHash",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Incidents_AspNetUsers_ImportedById",
                table: "Incidents",
                column: "ImportedById",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_Incidents_IncidentReportLinks_LinkId",
                table: "Incidents",
                column: "LinkId",
                principalTable: "IncidentReportLinks",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Incidents_AspNetUsers_ImportedById",
                table: "Incidents");

            migrationBuilder.DropForeignKey(
                name: "FK_Incidents_IncidentReportLinks_LinkId",
                table: "Incidents");

            migrationBuilder.DropTable(
                name: "IncidentImports");

            migrationBuilder.DropTable(
                name: "IncidentReportLinks");

            migrationBuilder.DropTable(
                name: "IncidentSettings");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_ImportedById",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_LinkId_CreatedAt",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_PointKeptUntil",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "IncidentId",
                table: "WellbeingMarks");

            migrationBuilder.DropColumn(
                name: "AwaitingReview",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "ContactCipher",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "ImportedById",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "LinkId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "PointCipher",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "PointKeptUntil",
                table: "Incidents");
        }
    }
}
