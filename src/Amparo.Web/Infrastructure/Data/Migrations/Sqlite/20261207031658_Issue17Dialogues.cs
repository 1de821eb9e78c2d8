using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Amparo.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue17Dialogues : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Dialogues",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    NetworkId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Languages = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    StartsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IsPublic = table.Column<bool>(type: "INTEGER", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: false),
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 40000, nullable: false),
                    SummaryPublishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Dialogues", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Dialogues_Networks_NetworkId",
                        column: x => x.NetworkId,
                        principalTable: "Networks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DirectoryLinks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    NetworkId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    DialogueId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AddedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DirectoryLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DirectoryLinks_Networks_NetworkId",
                        column: x => x.NetworkId,
                        principalTable: "Networks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DialogueInvitations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DialogueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Role = table.Column<int>(type: "INTEGER", nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UsedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DialogueInvitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DialogueInvitations_Dialogues_DialogueId",
                        column: x => x.DialogueId,
                        principalTable: "Dialogues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DialogueNetworks",
                columns: table => new
                {
                    DialogueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NetworkId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DialogueNetworks", x => new { x.DialogueId, x.NetworkId });
                    table.ForeignKey(
                        name: "FK_DialogueNetworks_Dialogues_DialogueId",
                        column: x => x.DialogueId,
                        principalTable: "Dialogues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_DialogueNetworks_Networks_NetworkId",
                        column: x => x.NetworkId,
                        principalTable: "Networks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DialogueParticipants",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DialogueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Pseudonym = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    PseudonymKey = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Role = table.Column<int>(type: "INTEGER", nullable: false),
                    OwnerTag = table.Column<byte[]>(type: "BLOB", nullable: false),
                    OwnerCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    PostsPromised = table.Column<int>(type: "INTEGER", nullable: false),
                    Digest = table.Column<bool>(type: "INTEGER", nullable: false),
                    DigestedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    JoinedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Invited = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DialogueParticipants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DialogueParticipants_Dialogues_DialogueId",
                        column: x => x.DialogueId,
                        principalTable: "Dialogues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DialogueResources",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DialogueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContributorId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FileCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    Curated = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DialogueResources", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DialogueResources_Dialogues_DialogueId",
                        column: x => x.DialogueId,
                        principalTable: "Dialogues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DialogueThreads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DialogueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Question = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Prompts = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    OpensAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClosesAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    MembersOnly = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReviewedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DialogueThreads", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DialogueThreads_Dialogues_DialogueId",
                        column: x => x.DialogueId,
                        principalTable: "Dialogues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DialoguePosts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DialogueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ThreadId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AuthorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ParentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    QuoteId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ResourceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Preparation = table.Column<bool>(type: "INTEGER", nullable: false),
                    TextCipher = table.Column<byte[]>(type: "BLOB", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Hidden = table.Column<int>(type: "INTEGER", nullable: true),
                    Redacted = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ShownAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DialoguePosts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DialoguePosts_DialogueParticipants_AuthorId",
                        column: x => x.AuthorId,
                        principalTable: "DialogueParticipants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_DialoguePosts_DialogueThreads_ThreadId",
                        column: x => x.ThreadId,
                        principalTable: "DialogueThreads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DialogueReports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DialogueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PostId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReporterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reason = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DialogueReports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DialogueReports_DialoguePosts_PostId",
                        column: x => x.PostId,
                        principalTable: "DialoguePosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DialogueInvitations_DialogueId",
                table: "DialogueInvitations",
                column: "DialogueId");

            migrationBuilder.CreateIndex(
                name: "IX_DialogueInvitations_TokenHash",
                table: "DialogueInvitations",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DialogueNetworks_NetworkId",
                table: "DialogueNetworks",
                column: "NetworkId");

            migrationBuilder.CreateIndex(
                name: "IX_DialogueParticipants_DialogueId_OwnerTag",
                table: "DialogueParticipants",
                columns: new[] { "DialogueId", "OwnerTag" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DialogueParticipants_DialogueId_PseudonymKey",
                table: "DialogueParticipants",
                columns: new[] { "DialogueId", "PseudonymKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DialoguePosts_AuthorId",
                table: "DialoguePosts",
                column: "AuthorId");

            migrationBuilder.CreateIndex(
                name: "IX_DialoguePosts_DialogueId_State",
                table: "DialoguePosts",
                columns: new[] { "DialogueId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_DialoguePosts_ThreadId_Preparation_CreatedAt",
                table: "DialoguePosts",
                columns: new[] { "ThreadId", "Preparation", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DialogueReports_DialogueId_ResolvedAt",
                table: "DialogueReports",
                columns: new[] { "DialogueId", "ResolvedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DialogueReports_PostId_ReporterId",
                table: "DialogueReports",
                columns: new[] { "PostId", "ReporterId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DialogueResources_DialogueId",
                table: "DialogueResources",
                column: "DialogueId");

            migrationBuilder.CreateIndex(
                name: "IX_Dialogues_NetworkId_Stage",
                table: "Dialogues",
                columns: new[] { "NetworkId", "Stage" });

            migrationBuilder.CreateIndex(
                name: "IX_DialogueThreads_DialogueId_Position",
                table: "DialogueThreads",
                columns: new[] { "DialogueId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_DirectoryLinks_NetworkId_Url",
                table: "DirectoryLinks",
                columns: new[] { "NetworkId", "Url" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DialogueInvitations");

            migrationBuilder.DropTable(
                name: "DialogueNetworks");

            migrationBuilder.DropTable(
                name: "DialogueReports");

            migrationBuilder.DropTable(
                name: "DialogueResources");

            migrationBuilder.DropTable(
                name: "DirectoryLinks");

            migrationBuilder.DropTable(
                name: "DialoguePosts");

            migrationBuilder.DropTable(
                name: "DialogueParticipants");

            migrationBuilder.DropTable(
                name: "DialogueThreads");

            migrationBuilder.DropTable(
                name: "Dialogues");
        }
    }
}
