using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OwnerOrganizationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TitleIsSensitive = table.Column<bool>(type: "INTEGER", nullable: false),
                    TitleCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    PlainTitle = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SharedWithAudience = table.Column<bool>(type: "INTEGER", nullable: false),
                    ContextCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    WellBeingCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    ExhaustionRisksCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    NextReviewAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReviewReason = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WhatCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    OwnerUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    EstimatedCost = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    Domains = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Stance = table.Column<int>(type: "INTEGER", nullable: false),
                    NameCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    InterestsCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    CapacityCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    Position = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Situation = table.Column<int>(type: "INTEGER", nullable: false),
                    NameCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    StepsCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    VisitCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    Position = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ThreatCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    ByWhomCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    IndicatorsCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    IsDirectThreat = table.Column<bool>(type: "INTEGER", nullable: false),
                    Domains = table.Column<int>(type: "INTEGER", nullable: false),
                    ThreatLevel = table.Column<int>(type: "INTEGER", nullable: false),
                    VulnerabilityLevel = table.Column<int>(type: "INTEGER", nullable: false),
                    CapacityLevel = table.Column<int>(type: "INTEGER", nullable: false),
                    VulnerabilitiesCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    CapacitiesCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    Likelihood = table.Column<int>(type: "INTEGER", nullable: true),
                    Impact = table.Column<int>(type: "INTEGER", nullable: true),
                    Position = table.Column<int>(type: "INTEGER", nullable: false)
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
                    ActionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: false)
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
