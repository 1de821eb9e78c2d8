using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue10Plans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SecurityPlans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OwnerUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    OwnerOrganizationId = table.Column<Guid>(type: "uuid", nullable: true),
                    TitleIsSensitive = table.Column<bool>(type: "boolean", nullable: false),
                    TitleCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    PlainTitle = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    SharedWithAudience = table.Column<bool>(type: "boolean", nullable: false),
                    ContextCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    WellBeingCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    ExhaustionRisksCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    NextReviewAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReviewReason = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SecurityPlans", x => x.Id);
                    table.CheckConstraint("CK_SecurityPlans_OneOwner", "(\"OwnerUserId\" IS NULL) <> (\"OwnerOrganizationId\" IS NULL)");
                    table.ForeignKey(
                        name: "FK_SecurityPlans_AspNetUsers_OwnerUserId",
                        column: x => x.OwnerUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SecurityPlans_Organizations_OwnerOrganizationId",
                        column: x => x.OwnerOrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanActions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    WhatCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    OwnerUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    EstimatedCost = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    Domains = table.Column<int>(type: "integer", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanActions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanActions_AspNetUsers_OwnerUserId",
                        column: x => x.OwnerUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_PlanActions_SecurityPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "SecurityPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanActors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    Stance = table.Column<int>(type: "integer", nullable: false),
                    NameCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    InterestsCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    CapacityCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    Position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanActors", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanActors_SecurityPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "SecurityPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanProtocols",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    Situation = table.Column<int>(type: "integer", nullable: false),
                    NameCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    StepsCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    VisitCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    Position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanProtocols", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanProtocols_SecurityPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "SecurityPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RiskEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    ThreatCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    ByWhomCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    IndicatorsCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    IsDirectThreat = table.Column<bool>(type: "boolean", nullable: false),
                    Domains = table.Column<int>(type: "integer", nullable: false),
                    ThreatLevel = table.Column<int>(type: "integer", nullable: false),
                    VulnerabilityLevel = table.Column<int>(type: "integer", nullable: false),
                    CapacityLevel = table.Column<int>(type: "integer", nullable: false),
                    VulnerabilitiesCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    CapacitiesCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    Likelihood = table.Column<int>(type: "integer", nullable: true),
                    Impact = table.Column<int>(type: "integer", nullable: true),
                    Position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RiskEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RiskEntries_SecurityPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "SecurityPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PlanActionEntries",
                columns: table => new
                {
                    ActionId = table.Column<Guid>(type: "uuid", nullable: false),
                    EntryId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanActionEntries", x => new { x.ActionId, x.EntryId });
                    table.ForeignKey(
                        name: "FK_PlanActionEntries_PlanActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "PlanActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PlanActionEntries_RiskEntries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "RiskEntries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PlanActionEntries_EntryId",
                table: "PlanActionEntries",
                column: "EntryId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanActions_OwnerUserId_DueAt",
                table: "PlanActions",
                columns: new[] { "OwnerUserId", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PlanActions_PlanId",
                table: "PlanActions",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanActors_PlanId",
                table: "PlanActors",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanProtocols_PlanId",
                table: "PlanProtocols",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_RiskEntries_PlanId",
                table: "RiskEntries",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_SecurityPlans_NextReviewAt",
                table: "SecurityPlans",
                column: "NextReviewAt");

            migrationBuilder.CreateIndex(
                name: "IX_SecurityPlans_OwnerOrganizationId",
                table: "SecurityPlans",
                column: "OwnerOrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_SecurityPlans_OwnerUserId",
                table: "SecurityPlans",
                column: "OwnerUserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PlanActionEntries");

            migrationBuilder.DropTable(
                name: "PlanActors");

            migrationBuilder.DropTable(
                name: "PlanProtocols");

            migrationBuilder.DropTable(
                name: "PlanActions");

            migrationBuilder.DropTable(
                name: "RiskEntries");

            migrationBuilder.DropTable(
                name: "SecurityPlans");
        }
    }
}
