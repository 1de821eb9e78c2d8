using System.Net;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Audit;
using Amparo.Web.Features.Dialogues;
using Amparo.Web.Features.Networks;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure;
using Amparo.Web.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Networks;

/// <summary>
/// Dialogues (issue 17), on both databases: a dialogue from draft threads to a published summary and the archive, each
/// role in its place and everyone else answered "not found"; opening and closing times kept by the server on the fake
/// clock; a public dialogue that shows the public only what a moderator let through; and a pseudonym that no other
/// participant and no organization admin can trace to its person through the pages, the digests, the audit trail or the
/// exports.
/// </summary>
public abstract class DialogueTests(AppFixture app)
{
    private Task<T> D<T>(Func<Dialogues, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<Dialogues>()));
    private Task<T> V<T>(Func<DialogueViews, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<DialogueViews>()));

    private sealed record World(Guid NetworkId, Guid DefenderOrg, OrgKit.Person Coordinator, OrgKit.Person Leader, OrgKit.Person Facilitator,
        OrgKit.Person Moderator, OrgKit.Person Defender, OrgKit.Person OrgAdmin, OrgKit.Person Member, OrgKit.Person Outsider);

    /// <summary>
    /// A network (the coordinator's organization and the defender's, whose admin and another member are there too); a
    /// leader from outside the network (invited); a facilitator and a moderator; someone in no network at all.
    /// </summary>
    private async Task<World> WorldAsync()
    {
        var coordinator = await app.PersonAsync("dlgcoord", name: "Carmen Coordinadora");
        var leader = await app.PersonAsync("dlglead", name: "Lucía Líder");
        var facilitator = await app.PersonAsync("dlgfacil", name: "Fabio Facilitador");
        var moderator = await app.PersonAsync("dlgmod", name: "Mora Moderadora");
        var defender = await app.PersonAsync("dlgdef", name: "Dolores Defensora");
        var orgAdmin = await app.PersonAsync("dlgadmin", name: "Adán Administrador");
        var member = await app.PersonAsync("dlgmember", name: "Marta Miembro");
        var outsider = await app.PersonAsync("dlgout", name: "Olga Otra");
        var coordOrg = await app.OrganizationAsync(coordinator);
        await app.AddMemberAsync(coordOrg, facilitator);
        await app.AddMemberAsync(coordOrg, moderator);
        var defenderOrg = await app.OrganizationAsync(orgAdmin);
        await app.AddMemberAsync(defenderOrg, defender);
        await app.AddMemberAsync(defenderOrg, member);
        await app.OrganizationAsync(leader);
        await app.OrganizationAsync(outsider);
        var networkId = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<NetworkService>();
            var network = (await networks.CreateAsync("Red Mesoamericana " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, coordOrg, null));
            Assert.True(await networks.AddOrganizationAsync(network.Id, defenderOrg, null));
            Assert.True(await networks.AddCoordinatorAsync(network.Id, coordinator.Id, null));
            return network.Id;
        });
        return new World(networkId, defenderOrg, coordinator, leader, facilitator, moderator, defender, orgAdmin, member, outsider);
    }

    private DateTime Now => app.Clock.GetUtcNow().UtcDateTime;

    /// <summary>A dialogue starting in an hour for two hours, with two threads (the second members-only, opening an hour in).</summary>
    private async Task<(Guid Dialogue, Guid Thread, Guid MembersThread)> DraftAsync(World w, bool isPublic)
    {
        var starts = Now.AddHours(1);
        var created = await D(d => d.CreateAsync(w.Coordinator.Id, w.NetworkId,
            new DialogueInput("Cuidarse para cuidar", "Compartir prácticas de cuidado y seguridad.", ["es", "en"], starts, starts.AddHours(2), "America/Guatemala", isPublic, [])));
        Assert.Equal(DialogueWriteStatus.Done, created.Status);
        var id = created.Id!.Value;
        var first = await D(d => d.AddThreadAsync(w.Coordinator.Id, id, new ThreadInput("¿Qué nos mantiene a salvo?", "Cuenten una práctica que les funcione.", "Digital\nFísica", null, null, false)));
        var second = await D(d => d.AddThreadAsync(w.Coordinator.Id, id, new ThreadInput("Lo que no decimos", "¿Qué cuesta nombrar?", "", starts.AddHours(1), null, true)));
        return (id, first.Id!.Value, second.Id!.Value);
    }

    private async Task<Guid> JoinByInvitationAsync(World w, Guid dialogue, OrgKit.Person who, DialogueRole role, string pseudonym)
    {
        var invitation = await D(d => d.InviteAsync(w.Coordinator.Id, dialogue, role));
        var joined = await D(d => d.JoinAsync(who.Id, dialogue, new JoinInput(pseudonym, invitation.Secret, 2, true)));
        Assert.Equal(DialogueWriteStatus.Done, joined.Status);
        return joined.Id!.Value;
    }

    private Task<DialogueWrite> PostAsync(OrgKit.Person who, Guid thread, string text, Guid? parent = null, Guid? quote = null) =>
        D(d => d.PostAsync(who.Id, thread, new PostInput(text, parent, quote, null)));

    [Fact]
    public async Task ADialogue_RunsFromDraftThreadsToAPublishedSummary_EachRoleInItsPlace_OnTheServersClock()
    {
        var w = await WorldAsync();

        // Only a coordinator of the network starts one; a draft is theirs alone.
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.CreateAsync(w.Defender.Id, w.NetworkId,
            new DialogueInput("x", "y", ["es"], Now.AddHours(1), Now.AddHours(2), "UTC", false, [])))).Status);
        var (id, thread, membersThread) = await DraftAsync(w, isPublic: false);
        Assert.Null(await D(d => d.AccessAsync(id, w.Defender.Id)));
        Assert.Equal(DialogueWriteStatus.MovedOn, (await D(d => d.MoveAsync(w.Coordinator.Id, id, StageMove.Open, null))).Status);
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.MoveAsync(w.Defender.Id, id, StageMove.Prepare, null))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.MoveAsync(w.Coordinator.Id, id, StageMove.Prepare, null))).Status);

        // Preparation: leaders (even from outside the network, by invitation), facilitators and moderators join and comment
        // on the draft threads; a member of the audience may join, but does not read the drafts.
        await JoinByInvitationAsync(w, id, w.Leader, DialogueRole.Leader, "Ceiba");
        await JoinByInvitationAsync(w, id, w.Facilitator, DialogueRole.Facilitator, "Quetzal");
        await JoinByInvitationAsync(w, id, w.Moderator, DialogueRole.Moderator, "Jaguar");
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.JoinAsync(w.Outsider.Id, id, new JoinInput("Intrusa", null, 0, false)))).Status);
        // A role's link works once: forwarded after use, it lets nobody in.
        var moderatorsLink = (await D(d => d.InviteAsync(w.Coordinator.Id, id, DialogueRole.Moderator))).Secret;
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.JoinAsync(w.Member.Id, id, new JoinInput("Puma", moderatorsLink, 0, false)))).Status);
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.JoinAsync(w.Outsider.Id, id, new JoinInput("Intrusa", moderatorsLink, 0, false)))).Status);
        Assert.Equal(DialogueWriteStatus.Invalid, (await D(d => d.InviteAsync(w.Coordinator.Id, id, 0))).Status);
        Assert.Equal(DialogueWriteStatus.Invalid, (await D(d => d.JoinAsync(w.Defender.Id, id, new JoinInput("Dolores Defensora", null, 0, true)))).Status);
        Assert.Equal(DialogueWriteStatus.Invalid, (await D(d => d.JoinAsync(w.Defender.Id, id, new JoinInput("ceiba", null, 0, true)))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.JoinAsync(w.Defender.Id, id, new JoinInput("Garza Azul", null, 0, true)))).Status);
        var comment = await PostAsync(w.Leader, thread, "Propongo agregar una pregunta sobre el descanso.");
        Assert.Equal(DialogueWriteStatus.Done, comment.Status);
        Assert.Equal(DialogueWriteStatus.NotFound, (await PostAsync(w.Defender, thread, "¿Puedo comentar?")).Status);
        var defendersView = (await Access(w.Defender, id))!;
        Assert.Empty(await V(v => v.ThreadsAsync(defendersView)));

        // It opens only once a facilitator reviewed every thread; a leader cannot review.
        Assert.Equal(DialogueWriteStatus.Invalid, (await D(d => d.MoveAsync(w.Coordinator.Id, id, StageMove.Open, null))).Status);
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.ReviewThreadAsync(w.Leader.Id, thread))).Status);
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.ReviewThreadAsync(w.Coordinator.Id, thread))).Status); // a facilitator's review, not the coordinator's
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.ReviewThreadAsync(w.Facilitator.Id, thread))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.ReviewThreadAsync(w.Facilitator.Id, membersThread))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.MoveAsync(w.Coordinator.Id, id, StageMove.Open, null))).Status);

        // Open but not started: nobody posts yet, whatever their clock says.
        Assert.Equal(DialoguePhase.Upcoming, (await Access(w.Defender, id))!.Phase);
        // A thread not open yet: hidden from participants; the leaders, who read it, are refused by the server's clock.
        Assert.Equal(DialogueWriteStatus.NotFound, (await PostAsync(w.Defender, thread, "¿Ya empezó?")).Status);
        Assert.Equal(DialogueWriteStatus.MovedOn, (await PostAsync(w.Leader, thread, "¿Ya empezó?")).Status);

        // Live: the first thread is open, the second opens an hour later.
        app.Clock.Advance(TimeSpan.FromHours(1).Add(TimeSpan.FromMinutes(1)));
        var post = await PostAsync(w.Defender, thread, "Cambiamos de ruta cada semana y avisamos al llegar.");
        Assert.Equal(DialogueWriteStatus.Done, post.Status);
        Assert.Equal(DialogueWriteStatus.NotFound, (await PostAsync(w.Defender, membersThread, "¿Abierto?")).Status);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        // The comments on the draft stay with those who prepared it: a participant cannot open, report or quote one by its id.
        Assert.Null(await V(v => v.PostAsync(comment.Id!.Value, w.Defender.Id)));
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.ReportAsync(w.Defender.Id, comment.Id!.Value, ReportReason.Spam))).Status);
        Assert.Equal(DialogueWriteStatus.Invalid, (await PostAsync(w.Defender, thread, "Cito", quote: comment.Id)).Status);
        var reply = await PostAsync(w.Leader, thread, "¿Quién recibe el aviso?", parent: post.Id);
        Assert.Equal(DialogueWriteStatus.Done, reply.Status);
        // A reply to a reply answers the post at the top: one level.
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await PostAsync(w.Defender, thread, "Una compañera de confianza.", parent: reply.Id, quote: reply.Id);
        var page = (await V(v => v.ThreadAsync(thread, w.Member.Id, 1, false)))!;
        var top = Assert.Single(page.Posts);
        Assert.Equal([reply.Id!.Value, second.Id!.Value], top.Replies.Select(r => r.Id));
        Assert.Equal("Ceiba", top.Replies[1].Quote!.Author);
        // The leaders' daily page: Ceiba posted once of two promised; only the coordinator reads it.
        var access = (await Access(w.Coordinator, id))!;
        var today = DateOnly.FromDateTime(Amparo.Web.Infrastructure.Localization.LocalTimes.ToLocal(Now, "America/Guatemala"));
        Assert.Contains(today, DialogueViews.Days(access.Dialogue));
        Assert.Equal([("Ceiba", 2, 1)], (await V(v => v.LeadersOnAsync(access, today))).Select(l => (l.Pseudonym, l.Promised, l.Posted)));
        var leadersView = (await Access(w.Leader, id))!;
        Assert.Empty(await V(v => v.LeadersOnAsync(leadersView, today)));

        app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(DialogueWriteStatus.MovedOn, (await PostAsync(w.OrgAdmin, membersThread, "Nos cuesta hablar del miedo.")).Status); // not joined yet
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.JoinAsync(w.OrgAdmin.Id, id, new JoinInput("Ceibo Rojo", null, 0, false)))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await PostAsync(w.OrgAdmin, membersThread, "Nos cuesta hablar del miedo.")).Status);
        // Someone who joined from the audience and left it (here: their organization) keeps no place in the dialogue.
        await app.WithDbAsync(db => db.Memberships.Where(m => m.UserId == w.OrgAdmin.Id).ExecuteDeleteAsync());
        Assert.Null(await Access(w.OrgAdmin, id));
        Assert.Equal(DialogueWriteStatus.NotFound, (await PostAsync(w.OrgAdmin, membersThread, "¿Sigo aquí?")).Status);

        // Past the end: threads are closed by the server; the facilitator writes the summary; publishing an empty one is refused.
        app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(DialoguePhase.WrappingUp, (await Access(w.Defender, id))!.Phase);
        Assert.Equal(DialogueWriteStatus.MovedOn, (await PostAsync(w.Defender, thread, "¿Sigue abierto?")).Status);
        Assert.Equal(DialogueWriteStatus.Invalid, (await D(d => d.MoveAsync(w.Facilitator.Id, id, StageMove.PublishSummary, null))).Status);
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.SaveSummaryAsync(w.Leader.Id, id, "Resumen", 0))).Status);
        var version = (await Access(w.Facilitator, id))!.Dialogue.Version;
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.SaveSummaryAsync(w.Facilitator.Id, id, "Rutas cambiantes y avisos a personas de confianza.", version))).Status);
        // A second editor working from the old version is told, not overwritten silently.
        Assert.Equal(DialogueWriteStatus.MovedOn, (await D(d => d.SaveSummaryAsync(w.Coordinator.Id, id, "Otro texto", version))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.AddResourceAsync(w.Facilitator.Id, id, "Guía de rutas", "https://example.org/rutas", null))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.MoveAsync(w.Facilitator.Id, id, StageMove.PublishSummary, null))).Status);
        Assert.Equal(DialoguePhase.Closed, (await Access(w.Defender, id))!.Phase);

        // Closed, then archived: the summary and resources stay readable to the audience and exportable; nothing changes any more.
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.MoveAsync(w.Facilitator.Id, id, StageMove.Archive, null))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.MoveAsync(w.Coordinator.Id, id, StageMove.Archive, null))).Status);
        var record = await app.WithServicesAsync(sp => sp.GetRequiredService<DialogueExport>().RecordAsync(id, w.Member.Id, "https://amparo.example"));
        Assert.NotNull(record);
        Assert.Equal("Rutas cambiantes y avisos a personas de confianza.", record.Summary);
        Assert.Equal(["Guía de rutas"], record.Resources.Select(r => r.Title));
        var markdown = DialogueExport.ToMarkdown(record);
        Assert.Contains("Rutas cambiantes", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Garza", markdown, StringComparison.Ordinal); // no post, no pseudonym
        Assert.DoesNotContain("Cambiamos de ruta", DialogueExport.ToJson(record), StringComparison.Ordinal);
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<DialogueExport>().RecordAsync(id, w.Outsider.Id, "https://amparo.example")));
        var archived = (await Access(w.Facilitator, id))!;
        Assert.Equal(DialogueWriteStatus.MovedOn, (await D(d => d.SaveSummaryAsync(w.Facilitator.Id, id, "Cambio", archived.Dialogue.Version))).Status);
    }

    private Task<DialogueAccess?> Access(OrgKit.Person who, Guid dialogue) => D(d => d.AccessAsync(dialogue, who.Id));

    [Fact]
    public async Task APublicDialogue_ShowsThePublicOnlyWhatAModeratorLetThrough_AndNeverAMembersOnlyThread()
    {
        var w = await WorldAsync();
        var (id, thread, membersThread) = await DraftAsync(w, isPublic: true);
        await D(d => d.MoveAsync(w.Coordinator.Id, id, StageMove.Prepare, null));
        await JoinByInvitationAsync(w, id, w.Facilitator, DialogueRole.Facilitator, "Quetzal");
        await JoinByInvitationAsync(w, id, w.Moderator, DialogueRole.Moderator, "Jaguar");
        await D(d => d.ReviewThreadAsync(w.Facilitator.Id, thread));
        await D(d => d.ReviewThreadAsync(w.Facilitator.Id, membersThread));
        await D(d => d.MoveAsync(w.Coordinator.Id, id, StageMove.Open, null));
        await D(d => d.JoinAsync(w.Defender.Id, id, new JoinInput("Garza Azul", null, 0, false)));
        app.Clock.Advance(TimeSpan.FromHours(2).Add(TimeSpan.FromMinutes(1)));

        // A post on the public thread waits for a moderator: its author and the moderators read it, nobody else does.
        var post = await PostAsync(w.Defender, thread, "Nos reunimos en la casa azul de la calle 5 los martes.");
        var other = await PostAsync(w.Defender, thread, "Un insulto que no debe quedar.");
        var members = await PostAsync(w.Defender, membersThread, "Solo para miembros.");
        var ids = new[] { post.Id, other.Id, members.Id };
        var states = await app.WithDbAsync(db => db.DialoguePosts.Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.State));
        Assert.Equal([PostState.Pending, PostState.Pending, PostState.Shown], ids.Select(i => states[i!.Value]));
        using var anonymous = app.NewClient();
        var (status, html) = await anonymous.GetAsync(DialogueRoutesFor.Thread(thread));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("casa azul", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Garza Azul", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(DialogueRoutesFor.Thread(membersThread))).Status);
        Assert.Null((await V(v => v.ThreadAsync(thread, w.Member.Id, 1, false)))!.Posts.Single(p => p.Id == post.Id).Text);
        Assert.NotNull((await V(v => v.ThreadAsync(thread, w.Defender.Id, 1, false)))!.Posts.Single(p => p.Id == post.Id).Text);

        // Only a moderator acts: the moderator takes the place out and lets it through; the author is told it changed.
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.ModerateAsync(w.Facilitator.Id, post.Id!.Value, ModerationAct.Approve, null, null))).Status);
        var moderatorsView = (await Access(w.Moderator, id))!;
        var queue = await V(v => v.ModerationAsync(moderatorsView));
        Assert.Equal(2, queue.Count);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.ModerateAsync(w.Moderator.Id, post.Id!.Value, ModerationAct.Redact, null, "Nos reunimos en [lugar] los martes."))).Status);
        Assert.Equal(DialogueWriteStatus.Invalid, (await D(d => d.ModerateAsync(w.Moderator.Id, other.Id!.Value, ModerationAct.Hide, null, null))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.ModerateAsync(w.Moderator.Id, other.Id!.Value, ModerationAct.Hide, HideReason.Hostile, null))).Status);
        html = (await anonymous.GetAsync(DialogueRoutesFor.Thread(thread))).Html;
        Assert.Contains("Nos reunimos en [lugar] los martes.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("casa azul", html, StringComparison.Ordinal);
        Assert.DoesNotContain("insulto", html, StringComparison.Ordinal);
        var mine = (await V(v => v.ThreadAsync(thread, w.Defender.Id, 1, false)))!;
        Assert.True(mine.Posts.Single(p => p.Id == post.Id).Redacted);
        Assert.Equal(HideReason.Hostile, mine.Posts.Single(p => p.Id == other.Id).Hidden);
        var theirs = (await V(v => v.ThreadAsync(thread, w.Member.Id, 1, false)))!.Posts.Single(p => p.Id == other.Id);
        Assert.Null(theirs.Text);

        // Reporting: a participant reports a shown post once; the moderators find it in their queue.
        Assert.Equal(DialogueWriteStatus.MovedOn, (await D(d => d.ReportAsync(w.Defender.Id, post.Id!.Value, ReportReason.Identifies))).Status);
        Assert.Equal(DialogueWriteStatus.NotFound, (await D(d => d.ReportAsync(w.Outsider.Id, post.Id!.Value, ReportReason.Identifies))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.ReportAsync(w.Facilitator.Id, post.Id!.Value, ReportReason.Identifies))).Status);
        Assert.Equal(DialogueWriteStatus.Done, (await D(d => d.ReportAsync(w.Facilitator.Id, post.Id!.Value, ReportReason.Identifies))).Status);
        Assert.Equal([ReportReason.Identifies], Assert.Single(await V(v => v.ModerationAsync(moderatorsView))).Reports);
    }

    [Fact]
    public async Task APseudonym_CannotBeTracedToItsPerson_ThroughPagesSearchDigestsAuditExportsOrTheDatabase()
    {
        var w = await WorldAsync();
        var (id, thread, _) = await DraftAsync(w, isPublic: false);
        await D(d => d.MoveAsync(w.Coordinator.Id, id, StageMove.Prepare, null));
        await JoinByInvitationAsync(w, id, w.Facilitator, DialogueRole.Facilitator, "Quetzal");
        await D(d => d.ReviewThreadAsync(w.Facilitator.Id, thread));
        var coordinatorsView = (await Access(w.Coordinator, id))!;
        var secondThread = (await V(v => v.ThreadsAsync(coordinatorsView)))[1].Id;
        await D(d => d.ReviewThreadAsync(w.Facilitator.Id, secondThread));
        await D(d => d.MoveAsync(w.Coordinator.Id, id, StageMove.Open, null));
        var participant = (await D(d => d.JoinAsync(w.Defender.Id, id, new JoinInput("Garza Azul", null, 0, true)))).Id!.Value;
        await D(d => d.JoinAsync(w.Member.Id, id, new JoinInput("Ceibo Rojo", null, 0, false)));
        app.Clock.Advance(TimeSpan.FromHours(1).Add(TimeSpan.FromMinutes(5)));
        var post = (await PostAsync(w.Defender, thread, "Me amenazaron frente a la oficina.")).Id!.Value;

        // Every page the organization's admin, another participant and the coordinator open names the pseudonym only (on
        // SQLite: the pages' markup is the same on both databases; the queries under them run on both in the tests above).
        var names = new[] { w.Defender.User.DisplayName, w.Defender.Email, w.Defender.Id.ToString() };
        foreach (var reader in app.Provider == "Sqlite" ? new[] { w.OrgAdmin, w.Member, w.Coordinator } : [])
        {
            using var client = await app.SignedInAsync(reader);
            foreach (var url in new[] { DialogueRoutesFor.Dialogue(id), DialogueRoutesFor.Thread(thread), $"/dialogues/{id}/people", $"/dialogues/{id}/people/{participant}",
                $"/dialogues/{id}/resources", "/dialogues", $"/dialogues/{id}/search?q=amenazaron", $"/dialogues/{id}/search?q=Dolores",
                $"/organizations/{w.DefenderOrg}" })
            {
                var (status, html) = await client.GetAsync(url);
                if (url.StartsWith("/organizations/", StringComparison.Ordinal))
                {
                    // The organization's page (its admin's) names its members, as it should, and nothing of the dialogue.
                    Assert.DoesNotContain("Garza Azul", html, StringComparison.Ordinal);
                    Assert.DoesNotContain("Cuidarse para cuidar", html, StringComparison.Ordinal);
                    continue;
                }
                Assert.True(status == HttpStatusCode.OK, $"{url}: {status}");
                foreach (var name in names) Assert.DoesNotContain(name, html, StringComparison.OrdinalIgnoreCase);
                if (url.Contains("/people", StringComparison.Ordinal) || url.Contains("/threads/", StringComparison.Ordinal) || url.EndsWith("amenazaron", StringComparison.Ordinal))
                    Assert.Contains("Garza Azul", html, StringComparison.Ordinal);
                if (url.EndsWith("Dolores", StringComparison.Ordinal)) Assert.DoesNotContain("Garza Azul", html, StringComparison.Ordinal); // her name finds nothing
            }
        }
        // The member list and the pseudonym's page are for members: the outsider gets 404.
        using (var outsider = await app.SignedInAsync(w.Outsider))
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/dialogues/{id}/people/{participant}")).Status);

        // The organization's audit trail, and the whole trail, hold nothing the defender did in the dialogue.
        var trail = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.SubjectId == id || e.ActorId == w.Defender.Id || e.SubjectId == participant).ToListAsync());
        Assert.DoesNotContain(trail, e => e.ActorId == w.Defender.Id && e.Type.StartsWith("dialogue", StringComparison.Ordinal));
        Assert.DoesNotContain(trail, e => e.SubjectId == participant);
        var orgTrail = await app.WithDbAsync(db => AuditQuery.RunAsync(db, w.DefenderOrg, null, 0, CancellationToken.None));
        Assert.DoesNotContain(orgTrail.Rows, r => r.Type.StartsWith("dialogue", StringComparison.Ordinal));

        // The database: the participant row holds no account id in any column, and the post's words are encrypted.
        var row = await app.WithDbAsync(db => db.DialogueParticipants.AsNoTracking().SingleAsync(p => p.Id == participant));
        var idBytes = w.Defender.Id.ToByteArray();
        Assert.False(row.OwnerTag.AsSpan().IndexOf(idBytes) >= 0 || (row.OwnerCipher ?? []).AsSpan().IndexOf(idBytes) >= 0);
        var cipherText = await app.WithDbAsync(db => db.DialoguePosts.Where(p => p.Id == post).Select(p => p.TextCipher).SingleAsync());
        Assert.DoesNotContain("amenazaron", System.Text.Encoding.UTF8.GetString(cipherText), StringComparison.Ordinal);

        // The digest: next morning in the defender's zone, the thread's title and a link; no words, no pseudonym; once.
        app.Clock.Advance(Now.Date.AddDays(1).AddHours(8) - Now);
        await app.WithServicesAsync(sp => sp.GetRequiredService<DialogueDigests>().RunOnceAsync(CancellationToken.None));
        await app.WithServicesAsync(sp => sp.GetRequiredService<DialogueDigests>().RunOnceAsync(CancellationToken.None));
        var digests = await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var rows = await db.Outbox.AsNoTracking().Where(m => m.NotificationKey.StartsWith("dialogue-digest:" + id.ToString("N"))).ToListAsync();
            var texts = new List<(Guid? To, NotificationPriority Priority, string Text)>();
            foreach (var r in rows) texts.Add((r.SourceId, r.Priority, (await sp.GetRequiredService<OutboxWriter>().ReadAsync(db, r)).Text));
            return texts;
        });
        Assert.Equal(2, digests.Count); // Garza Azul and Quetzal, once each; Ceibo Rojo asked for none
        Assert.DoesNotContain(digests, d => d.To == w.Member.Id);
        var digest = Assert.Single(digests, d => d.To == w.Defender.Id);
        Assert.Equal((w.Defender.Id, NotificationPriority.Digest), (digest.To!.Value, digest.Priority));
        Assert.Contains("¿Qué nos mantiene a salvo?", digest.Text, StringComparison.Ordinal);
        Assert.Contains("/dialogues/" + id, digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("amenazaron", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Garza", digest.Text, StringComparison.Ordinal);

        // The person's own export holds the pseudonym and the words; nobody else's does.
        var mine = (List<DialoguesPersonalData.ParticipationData>)(await app.WithServicesAsync(sp =>
            sp.GetServices<IPersonalData>().OfType<DialoguesPersonalData>().Single().ExportAsync(w.Defender.User, CancellationToken.None)))!;
        Assert.Equal("Garza Azul", Assert.Single(mine).Pseudonym);
        Assert.Equal("Me amenazaron frente a la oficina.", mine[0].Posts.Single().Text);
        var admins = (List<DialoguesPersonalData.ParticipationData>)(await app.WithServicesAsync(sp =>
            sp.GetServices<IPersonalData>().OfType<DialoguesPersonalData>().Single().ExportAsync(w.OrgAdmin.User, CancellationToken.None)))!;
        Assert.Empty(admins);

        // The link opens for the server (the digest worker, and the server admin's recorded command: OrgExportTests).
        Assert.Equal(w.Defender.Id, await app.WithServicesAsync(sp => sp.GetRequiredService<DialoguePseudonyms>().OwnerAsync(row)));

        // Leaving Amparo: the words are erased, the post shows as removed, and the pseudonym leads to no one any more.
        await app.WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<AmparoDbContext>();
            var part = sp.GetServices<IPersonalData>().OfType<DialoguesPersonalData>().Single();
            await part.DeleteAsync(w.Defender.User, CancellationToken.None);
            await db.SaveChangesAsync();
            return true;
        });
        var gone = await app.WithDbAsync(db => db.DialogueParticipants.AsNoTracking().SingleAsync(p => p.Id == participant));
        Assert.Null(gone.OwnerCipher);
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<DialoguePseudonyms>().MineAsync(id, w.Defender.Id)));
        var removed = (await V(v => v.ThreadAsync(thread, w.Member.Id, 1, false)))!.Posts.Single(p => p.Id == post);
        Assert.Equal((PostState.Removed, (string?)null), (removed.State, removed.Text));
    }
}

/// <summary>
/// The dialogues' API (SQLite only: the service under it runs on both databases above): a coordinator drafts, prepares
/// and opens through it; a member joins and posts; a thread not open yet is 409; the pseudonym's owner appears nowhere in
/// what another member reads; an outsider gets 404.
/// </summary>
[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class DialogueApiTests(SqliteApp app)
{
    private static readonly string[] Es = ["es"], Xx = ["xx"];

    [Fact]
    public async Task TheApi_RunsADialogue_WithTheSameRules_AndNamesPeopleByPseudonymOnly()
    {
        var coordinator = await app.PersonAsync("dlgapicoord");
        var member = await app.PersonAsync("dlgapimember", name: "Dolores Defensora");
        var other = await app.PersonAsync("dlgapiother");
        var outsider = await app.PersonAsync("dlgapiout");
        var org = await app.OrganizationAsync(coordinator);
        await app.AddMemberAsync(org, member);
        await app.AddMemberAsync(org, other);
        await app.OrganizationAsync(outsider);
        var networkId = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<NetworkService>();
            var network = (await networks.CreateAsync("Red API " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, org, null));
            Assert.True(await networks.AddCoordinatorAsync(network.Id, coordinator.Id, null));
            return network.Id;
        });
        var (c, m, o, x) = (await app.ApiTokenAsync(coordinator), await app.ApiTokenAsync(member), await app.ApiTokenAsync(other), await app.ApiTokenAsync(outsider));
        using var client = app.NewClient();
        async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Json)> Call(HttpMethod method, string url, string token, object? body = null)
        {
            using var r = await client.SendAsync(method, url, token, body is null ? null : System.Net.Http.Json.JsonContent.Create(body));
            var text = await r.Content.ReadAsStringAsync();
            // A 404 is the status page (HTML): no JSON to read.
            return (r.StatusCode, text.Length == 0 || text.StartsWith('<') ? default : System.Text.Json.JsonDocument.Parse(text).RootElement.Clone());
        }
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var bad = await Call(HttpMethod.Post, "/api/v1/dialogues", c, new { networkId, title = "", purpose = "p", languages = Xx, startsAt = now.AddHours(1), endsAt = now, timeZone = "Mars/Base" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.True(bad.Json.GetProperty("errors").TryGetProperty("timeZone", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Post, "/api/v1/dialogues", m, new { networkId, title = "t", purpose = "p", languages = Es,
            startsAt = now.AddHours(1), endsAt = now.AddHours(3), timeZone = "UTC" })).Status);
        var created = await Call(HttpMethod.Post, "/api/v1/dialogues", c, new { networkId, title = "Diálogo por API", purpose = "Probar.", languages = Es,
            startsAt = now.AddHours(1), endsAt = now.AddHours(3), timeZone = "UTC" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Json.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Get, $"/api/v1/dialogues/{id}", m)).Status); // a draft
        var thread = (await Call(HttpMethod.Post, $"/api/v1/dialogues/{id}/threads", c, new { title = "Hilo", question = "¿Qué funciona?" })).Json.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, $"/api/v1/dialogues/{id}/move", c, new { move = "sideways" })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Call(HttpMethod.Post, $"/api/v1/dialogues/{id}/move", c, new { move = "prepare" })).Status);
        var invitation = await Call(HttpMethod.Post, $"/api/v1/dialogues/{id}/invitations", c, new { role = "facilitator" });
        Assert.Equal("facilitator", invitation.Json.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.Created, (await Call(HttpMethod.Post, $"/api/v1/dialogues/{id}/join", o,
            new { pseudonym = "Quetzal", invitation = invitation.Json.GetProperty("secret").GetString() })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, $"/api/v1/dialogues/{id}/move", c, new { move = "open" })).Status); // not reviewed
        await app.WithServicesAsync(sp => sp.GetRequiredService<Dialogues>().ReviewThreadAsync(other.Id, thread));
        Assert.Equal(HttpStatusCode.NoContent, (await Call(HttpMethod.Post, $"/api/v1/dialogues/{id}/move", c, new { move = "open" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await Call(HttpMethod.Post, $"/api/v1/dialogues/{id}/join", m, new { pseudonym = "Garza Azul" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Post, $"/api/v1/dialogues/{id}/join", x, new { pseudonym = "Intrusa" })).Status);
        // Before the thread opens: the facilitator reads it but the server refuses the post.
        Assert.Equal(HttpStatusCode.Conflict, (await Call(HttpMethod.Post, $"/api/v1/dialogues/threads/{thread}/posts", o, new { text = "¿Ya?" })).Status);
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.Created, (await Call(HttpMethod.Post, $"/api/v1/dialogues/threads/{thread}/posts", m, new { text = "Cambiamos de ruta." })).Status);
        var read = await Call(HttpMethod.Get, $"/api/v1/dialogues/threads/{thread}/posts", o);
        var post = Assert.Single(read.Json.GetProperty("posts").EnumerateArray().ToList());
        Assert.Equal(("Garza Azul", "Cambiamos de ruta."), (post.GetProperty("author").GetString(), post.GetProperty("text").GetString()));
        Assert.DoesNotContain(member.Id.ToString(), read.Json.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Dolores", read.Json.GetRawText(), StringComparison.Ordinal);
        var dialogue = await Call(HttpMethod.Get, $"/api/v1/dialogues/{id}", m);
        Assert.Equal(("live", "Garza Azul", "participant"), (dialogue.Json.GetProperty("phase").GetString(), dialogue.Json.GetProperty("me").GetProperty("pseudonym").GetString(),
            dialogue.Json.GetProperty("me").GetProperty("role").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Get, $"/api/v1/dialogues/threads/{thread}/posts", x)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Post, $"/api/v1/dialogues/posts/{post.GetProperty("id").GetGuid()}/moderate", m, new { act = "hide", reason = "spam" })).Status);
    }
}

/// <summary>
/// The dialogue's other pages without JavaScript (SQLite only), as their users reach them from a thread: a member reports
/// a post on its own page; the moderator opens it from the thread and takes a place out; a member shares a link and a
/// file whose bytes, not its name, decide what it is; the leaders' page and the moderation queue are 404 to a member.
/// </summary>
[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class DialoguePagesTests(SqliteApp app)
{
    [Fact]
    public async Task ReportModerateAndShare_ThroughThePages_EachForItsRoleOnly()
    {
        var coordinator = await app.PersonAsync("dlgpgcoord");
        var moderator = await app.PersonAsync("dlgpgmod");
        var author = await app.PersonAsync("dlgpgauthor");
        var reader = await app.PersonAsync("dlgpgreader");
        var outsider = await app.PersonAsync("dlgpgout");
        var org = await app.OrganizationAsync(coordinator);
        foreach (var p in new[] { moderator, author, reader }) await app.AddMemberAsync(org, p);
        await app.OrganizationAsync(outsider);
        var (id, thread) = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<NetworkService>();
            var network = (await networks.CreateAsync("Red Páginas " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(network.Id, org, null));
            Assert.True(await networks.AddCoordinatorAsync(network.Id, coordinator.Id, null));
            var d = sp.GetRequiredService<Dialogues>();
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var id = (await d.CreateAsync(coordinator.Id, network.Id, new DialogueInput("Páginas", "Probar las páginas.", ["es"], now.AddMinutes(5), now.AddHours(2), "UTC", false, []))).Id!.Value;
            var thread = (await d.AddThreadAsync(coordinator.Id, id, new ThreadInput("Hilo", "¿Qué funciona?", "", null, null, false))).Id!.Value;
            await d.MoveAsync(coordinator.Id, id, StageMove.Prepare, null);
            var facilitator = await d.InviteAsync(coordinator.Id, id, DialogueRole.Facilitator);
            Assert.Equal(DialogueWriteStatus.Done, (await d.JoinAsync(coordinator.Id, id, new JoinInput("Coordinación", facilitator.Secret, 0, false))).Status);
            await d.ReviewThreadAsync(coordinator.Id, thread);
            await d.MoveAsync(coordinator.Id, id, StageMove.Open, null);
            var invitation = await d.InviteAsync(coordinator.Id, id, DialogueRole.Moderator);
            Assert.Equal(DialogueWriteStatus.Done, (await d.JoinAsync(moderator.Id, id, new JoinInput("Jaguar", invitation.Secret, 0, false))).Status);
            Assert.Equal(DialogueWriteStatus.Done, (await d.JoinAsync(author.Id, id, new JoinInput("Garza Azul", null, 0, false))).Status);
            Assert.Equal(DialogueWriteStatus.Done, (await d.JoinAsync(reader.Id, id, new JoinInput("Ceibo Rojo", null, 0, false))).Status);
            return (id, thread);
        });
        app.Clock.Advance(TimeSpan.FromMinutes(6));
        var post = (await app.WithServicesAsync(sp => sp.GetRequiredService<Dialogues>().PostAsync(author.Id, thread,
            new PostInput("Nos vemos en la plaza San Martín a las seis.", null, null, null)))).Id!.Value;

        // The reader reports it on its own page and is taken back to the post.
        using var readerClient = await app.SignedInAsync(reader);
        Assert.Contains($"/dialogues/posts/{post}/report", (await readerClient.GetAsync(DialogueRoutesFor.Thread(thread))).Html, StringComparison.Ordinal);
        var reported = await readerClient.PostFormAsync($"/dialogues/posts/{post}/report", new Dictionary<string, string> { ["reason"] = "PutsSomeoneAtRisk" });
        Assert.Equal(HttpStatusCode.Redirect, reported.StatusCode);
        Assert.Contains("done=reported", reported.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await readerClient.GetAsync($"/dialogues/{id}/moderation")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await readerClient.GetAsync($"/dialogues/{id}/leaders")).Status);
        using (var authorClient = await app.SignedInAsync(author)) // nobody reports their own post: the page says so, nothing is recorded
        {
            var own = await authorClient.PostFormAsync($"/dialogues/posts/{post}/report", new Dictionary<string, string> { ["reason"] = "Spam" });
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Contains("error-summary", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal([ReportReason.PutsSomeoneAtRisk], await app.WithDbAsync(db => db.DialogueReports.Where(r => r.PostId == post).Select(r => r.Reason).ToListAsync()));

        // The moderator finds it in the queue, opens it, and takes the place out; the thread then reads the edited words.
        using var moderatorClient = await app.SignedInAsync(moderator);
        var queue = (await moderatorClient.GetAsync($"/dialogues/{id}/moderation")).Html;
        Assert.Contains("plaza San Martín", queue, StringComparison.Ordinal);
        var redacted = await moderatorClient.PostFormAsync($"/dialogues/{id}/moderation?post={post}",
            new Dictionary<string, string> { ["post"] = post.ToString(), ["act"] = "Redact", ["Redacted"] = "Nos vemos en [un lugar] a las seis." });
        Assert.Equal(HttpStatusCode.Redirect, redacted.StatusCode);
        var page = (await readerClient.GetAsync(DialogueRoutesFor.Thread(thread))).Html;
        Assert.Contains("Nos vemos en [un lugar] a las seis.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("San Martín", page, StringComparison.Ordinal);
        Assert.Contains("id=\"queue-empty\"", (await moderatorClient.GetAsync($"/dialogues/{id}/moderation")).Html, StringComparison.Ordinal);

        // Sharing: a link through the form; a file by its bytes (a PDF is one, a program named .pdf is not).
        var shared = await readerClient.PostFormAsync($"/dialogues/{id}/resources", new Dictionary<string, string> { ["Title"] = "Guía de rutas", ["Url"] = "https://example.org/rutas" });
        Assert.Equal(HttpStatusCode.Redirect, shared.StatusCode);
        Assert.Contains("Guía de rutas", (await readerClient.GetAsync($"/dialogues/{id}/resources")).Html, StringComparison.Ordinal);
        var d = (Func<Dialogues, Task<DialogueWrite>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<Dialogues>()));
        Assert.Equal(DialogueWriteStatus.Invalid, (await d(x => x.AddResourceAsync(reader.Id, id, "Programa", null, ("guia.pdf", "application/pdf", [0x4D, 0x5A, 0x90, 0x00])))).Status);
        Assert.Equal(DialogueWriteStatus.Invalid, (await d(x => x.AddResourceAsync(reader.Id, id, "Enlace raro", "javascript:alert(1)", null))).Status);
        var pdf = "%PDF-1.4 guía"u8.ToArray();
        var file = (await d(x => x.AddResourceAsync(reader.Id, id, "Guía en PDF", null, ("guía de rutas.pdf", "text/html", pdf)))).Id!.Value;
        using (var response = await readerClient.Http.GetAsync(new Uri($"/dialogues/resources/{file}/file", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal(pdf, await response.Content.ReadAsByteArrayAsync());
        }
        using var outsiderClient = await app.SignedInAsync(outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderClient.GetAsync($"/dialogues/resources/{file}/file")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderClient.GetAsync($"/dialogues/{id}/resources")).Status);

        // Into the directory: only a curated link, only by a coordinator; the network's members then find it there.
        var link = await app.WithDbAsync(db => db.DialogueResources.Where(r => r.DialogueId == id && r.Url != null).Select(r => r.Id).SingleAsync());
        var links = (Func<Dialogues, Amparo.Web.Features.Networks.DirectoryLinks, Task<DialogueWrite>> act) =>
            app.WithServicesAsync(sp => act(sp.GetRequiredService<Dialogues>(), sp.GetRequiredService<Amparo.Web.Features.Networks.DirectoryLinks>()));
        Assert.Equal(DialogueWriteStatus.Invalid, (await links((x, l) => x.AddToDirectoryAsync(coordinator.Id, link, l))).Status); // not curated yet
        Assert.Equal(DialogueWriteStatus.Done, (await d(x => x.CurateAsync(coordinator.Id, link, true))).Status);
        Assert.Equal(DialogueWriteStatus.NotFound, (await links((x, l) => x.AddToDirectoryAsync(reader.Id, link, l))).Status);
        Assert.Equal(DialogueWriteStatus.Invalid, (await links((x, l) => x.AddToDirectoryAsync(coordinator.Id, file, l))).Status); // a file stays in the dialogue
        using var coordinatorClient = await app.SignedInAsync(coordinator);
        var added = await coordinatorClient.PostFormAsync($"/dialogues/{id}/resources", new Dictionary<string, string> { ["resource"] = link.ToString() },
            $"/dialogues/{id}/resources?handler=Directory");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains("https://example.org/rutas", (await readerClient.GetAsync("/directory")).Html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://example.org/rutas", (await outsiderClient.GetAsync("/directory")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADialogueOpenToSeveralNetworks_TakesOnlyThoseItsCoordinatorAlsoCoordinates()
    {
        var coordinator = await app.PersonAsync("dlgnetcoord");
        var neighbour = await app.PersonAsync("dlgnetneigh");
        var stranger = await app.PersonAsync("dlgnetstranger");
        var home = await app.OrganizationAsync(coordinator);
        var neighbours = await app.OrganizationAsync(neighbour);
        var strangers = await app.OrganizationAsync(stranger);
        var (id, other) = await app.WithServicesAsync(async sp =>
        {
            var networks = sp.GetRequiredService<NetworkService>();
            var own = (await networks.CreateAsync("Red A " + Guid.NewGuid().ToString("N")[..6], null))!;
            var second = (await networks.CreateAsync("Red B " + Guid.NewGuid().ToString("N")[..6], null))!;
            var third = (await networks.CreateAsync("Red C " + Guid.NewGuid().ToString("N")[..6], null))!;
            Assert.True(await networks.AddOrganizationAsync(own.Id, home, null));
            Assert.True(await networks.AddOrganizationAsync(second.Id, home, null));
            Assert.True(await networks.AddOrganizationAsync(second.Id, neighbours, null));
            Assert.True(await networks.AddOrganizationAsync(third.Id, strangers, null));
            Assert.True(await networks.AddCoordinatorAsync(own.Id, coordinator.Id, null));
            Assert.True(await networks.AddCoordinatorAsync(second.Id, coordinator.Id, null));
            var now = app.Clock.GetUtcNow().UtcDateTime;
            // Network C is asked for too, but its coordinator is someone else: it is left out.
            var created = await sp.GetRequiredService<Dialogues>().CreateAsync(coordinator.Id, own.Id,
                new DialogueInput("Entre redes", "Conversar entre dos redes.", ["es"], now.AddDays(1), now.AddDays(2), "UTC", false, [second.Id, third.Id]));
            return (created.Id!.Value, second.Id);
        });
        Assert.Equal([other], await app.WithDbAsync(db => db.DialogueNetworks.Where(n => n.DialogueId == id).Select(n => n.NetworkId).ToListAsync()));
        await app.WithServicesAsync(sp => sp.GetRequiredService<Dialogues>().AddThreadAsync(coordinator.Id, id, new ThreadInput("Hilo", "¿Qué compartimos?", "", null, null, false)));
        await app.WithServicesAsync(sp => sp.GetRequiredService<Dialogues>().MoveAsync(coordinator.Id, id, StageMove.Prepare, null));
        var joined = await app.WithServicesAsync(sp => sp.GetRequiredService<Dialogues>().JoinAsync(neighbour.Id, id, new JoinInput("Vecina", null, 0, false)));
        Assert.Equal(DialogueWriteStatus.Done, joined.Status);
        Assert.Null(await app.WithServicesAsync(sp => sp.GetRequiredService<Dialogues>().AccessAsync(id, stranger.Id)));
    }
}

/// <summary>The dialogue pages' addresses, as the tests open them.</summary>
internal static class DialogueRoutesFor
{
    public static string Dialogue(Guid id) => "/dialogues/" + id;
    public static string Thread(Guid id) => "/dialogues/threads/" + id;
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class DialogueTestsSqlite(SqliteApp app) : DialogueTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class DialogueTestsPostgres(PostgresApp app) : DialogueTests(app);
