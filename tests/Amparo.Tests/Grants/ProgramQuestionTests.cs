using System.Net;
using System.Text;
using Amparo.Tests.Incidents;
using Amparo.Tests.Infrastructure;
using Amparo.Tests.Organizations;
using Amparo.Web.Features.Grants;
using Amparo.Web.Features.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Amparo.Tests.Grants;

/// <summary>
/// A program's own questions (the small form builder: words, a choice, an amount, a date, a file — each required or
/// optional) and the emergency form's shortest shape (what happened, how much, how to reach you), on both databases
/// (issue 14): what the admin may build, what the applicant must answer before sending, a file kept encrypted and
/// cleaned and opened only by the request's two sides, and the pages without JavaScript.
/// </summary>
public abstract class ProgramQuestionTests(AppFixture app)
{
    private sealed record Fund(OrgKit.Person Admin, OrgKit.Person Officer, Guid Org);

    private async Task<Fund> FundAsync()
    {
        var admin = await app.PersonAsync("pqadmin");
        var officer = await app.PersonAsync("pqofficer");
        var org = await app.OrganizationAsync(admin, "Fondo " + Guid.NewGuid().ToString("N")[..6]);
        await app.AddMemberAsync(org, officer);
        await app.WithDbAsync(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.Kind, OrganizationKind.Grantmaker)));
        return new Fund(admin, officer, org);
    }

    private static ProgramInput Protection(IReadOnlyList<ProgramQuestion>? questions) =>
        new("Protección integral", ProgramKind.ProtectionAndCapacity, "Medidas de protección.", "Organizaciones de defensoras.", "USD", 20000m,
            [CostCategories.PhysicalSecurity, CostCategories.Legal], ["es", "en"], "", ProgramStatus.Rolling, null, null, questions);

    private static readonly ProgramQuestion[] FourQuestions =
    [
        new("", QuestionKind.Choice, "¿Cuántas personas integran la organización?", true, ["1–5", "6–20", "Más de 20"]),
        new("", QuestionKind.Date, "¿Desde cuándo existe el riesgo?", true, []),
        new("", QuestionKind.Amount, "¿Cuánto aporta la organización?", false, []),
        new("", QuestionKind.File, "Carta de aval de una organización aliada", true, []),
    ];

    private static readonly RequestAnswers Answers = new("Cerraduras y abogada", "Allanamiento de la oficina; reforzar la puerta y asesoría legal.",
        "Correo seguro a la coordinadora", [new BudgetLine(CostCategories.PhysicalSecurity, "Cerradura y puerta", 900m)]);

    private Task<T> Programs<T>(Func<GrantPrograms, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantPrograms>()));
    private Task<T> Requests<T>(Func<GrantRequests, Task<T>> act) => app.WithServicesAsync(sp => act(sp.GetRequiredService<GrantRequests>()));
    private Task<GrantProgram> ProgramAsync(Guid id) => app.WithDbAsync(db => db.GrantPrograms.AsNoTracking().SingleAsync(p => p.Id == id));

    [Fact]
    public async Task Questions_AreBuiltByTheAdmin_AnsweredBeforeSending_AndAFileIsKeptCleanEncryptedAndOnlyForTheRequestsSides()
    {
        var f = await FundAsync();
        // What cannot be a question is refused by field, and nothing is saved.
        var bad = await Programs(g => g.CreateAsync(f.Admin.Id, f.Org, Protection([
            new("", QuestionKind.Choice, "¿Tiene personería jurídica?", true, ["Sí"]),
            new("", QuestionKind.Text, "", false, []),
            new("", (QuestionKind)99, "¿Qué?", false, []),
        ])));
        Assert.Equal(ProgramWriteStatus.Invalid, bad.Status);
        Assert.Equal(["Questions[0].Choices", "Questions[1].Label", "Questions[2].Kind"], bad.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Grants.Error.Questions", (await Programs(g => g.CreateAsync(f.Admin.Id, f.Org,
            Protection([.. Enumerable.Range(1, ProgramQuestions.Max + 1).Select(i => new ProgramQuestion("", QuestionKind.Text, $"Pregunta {i}", false, []))])))).Errors!["Questions"]);
        Assert.False(await app.WithDbAsync(db => db.GrantPrograms.AnyAsync(p => p.OrganizationId == f.Org)));

        var program = (await Programs(g => g.CreateAsync(f.Admin.Id, f.Org, Protection(FourQuestions)))).Id!.Value;
        Assert.Equal(AssignmentResult.Done, await Programs(g => g.AssignAsync(f.Admin.Id, program, f.Officer.Id, ProgramRole.ProgramOfficer, true)));
        var asked = ProgramQuestions.Read((await ProgramAsync(program)).Questions);
        Assert.Equal(4, asked.Select(q => q.Id).Distinct().Count());
        // Reworded and reordered, a question keeps its id (and so its answers); an update without questions keeps them.
        var reordered = asked.AsEnumerable().Reverse().Select((q, i) => i == 0 ? q with { Label = "Carta de aval (PDF o foto)" } : q).ToList();
        Assert.Equal(ProgramWriteStatus.Done, (await Programs(g => g.UpdateAsync(f.Admin.Id, program, Protection(reordered)))).Status);
        Assert.Equal(ProgramWriteStatus.Done, (await Programs(g => g.UpdateAsync(f.Admin.Id, program, Protection(null)))).Status);
        var questions = ProgramQuestions.Read((await ProgramAsync(program)).Questions);
        Assert.Equal(reordered.Select(q => (q.Id, q.Label)), questions.Select(q => (q.Id, q.Label)));
        var (file, amount, date, choice) = (questions[0], questions[1], questions[2], questions[3]);

        var defender = await app.PersonAsync("pqdefender");
        var id = (await Requests(r => r.StartAsync(defender.Id, program))).Id!.Value;
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(defender.Id, id, Answers, null))).Status);
        // Three required questions unanswered: the checklist says so and sending is refused.
        Assert.Equal([MissingItem.Questions], (await Requests(r => r.GetAsync(defender.Id, id)))!.Missing);
        Assert.Equal("Grants.Request.Error.Incomplete", (await Requests(r => r.MoveAsync(defender.Id, id, RequestState.Submitted, null, null, null))).Errors!["Answers"]);

        // Answers that do not fit their question are refused by field, with nothing written.
        var version = (await Requests(r => r.GetAsync(defender.Id, id)))!.Request.Version;
        var wrong = await Requests(r => r.SaveAsync(defender.Id, id, Answers with
        {
            Questions = new Dictionary<string, string> { [choice.Id] = "Unas 7", [date.Id] = "31/12/2025", [amount.Id] = "1.500,00", [file.Id] = Guid.NewGuid().ToString("N") },
        }, null, [new QuestionFile(file.Id, "aval.exe", Encoding.ASCII.GetBytes("MZ not a document"))]));
        Assert.Equal(RequestWriteStatus.Invalid, wrong.Status);
        Assert.Equal(new Dictionary<string, string>
        {
            [ProgramQuestions.Field(choice.Id)] = "Grants.Request.Error.Question.Choice",
            [ProgramQuestions.Field(date.Id)] = "Grants.Request.Error.Question.Date",
            [ProgramQuestions.Field(amount.Id)] = "Grants.Request.Error.Question.Amount",
            [ProgramQuestions.Field(file.Id)] = "Grants.Request.Error.File.UnknownType",
        }, wrong.Errors);
        Assert.Equal(version, (await Requests(r => r.GetAsync(defender.Id, id)))!.Request.Version);
        Assert.False(await app.WithDbAsync(db => db.GrantRequestFiles.AnyAsync(x => x.RequestId == id)));

        // Answered: a photo is kept without its metadata, name and bytes encrypted with the request's key; the file answer is its id.
        var photo = EvidenceFiles.JpegWithExif();
        var saved = await Requests(r => r.SaveAsync(defender.Id, id, Answers with
        {
            Questions = new Dictionary<string, string> { [choice.Id] = "6–20", [date.Id] = "2025-11-03", [amount.Id] = "250.50", [file.Id] = "ignored: files come as files" },
        }, null, [new QuestionFile(file.Id, "aval-colectivo.jpg", photo)]));
        Assert.Equal(RequestWriteStatus.Done, saved.Status);
        var view = (await Requests(r => r.GetAsync(defender.Id, id)))!;
        Assert.Empty(view.Missing);
        var given = view.FileFor(file.Id)!;
        Assert.Equal("aval-colectivo.jpg", given.Name);
        var row = await app.WithDbAsync(db => db.GrantRequestFiles.AsNoTracking().SingleAsync(x => x.RequestId == id));
        Assert.Equal(-1, row.DataCipher.AsSpan().IndexOf(Encoding.ASCII.GetBytes(EvidenceFiles.Camera)));
        Assert.Equal(-1, row.NameCipher!.AsSpan().IndexOf(Encoding.UTF8.GetBytes("aval-colectivo")));
        var answersCipher = await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == id).Select(r => r.AnswersCipher).SingleAsync());
        Assert.Equal(-1, answersCipher!.AsSpan().IndexOf(Encoding.UTF8.GetBytes("2025-11-03")));

        // A later save without a file keeps it; a new file replaces it (the old one is gone in the same commit).
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(defender.Id, id, view.Answers with { Need = Answers.Need + " Urgente." }, null))).Status);
        Assert.Equal(given.Id, (await Requests(r => r.GetAsync(defender.Id, id)))!.FileFor(file.Id)!.Id);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(defender.Id, id, view.Answers, null,
            [new QuestionFile(file.Id, "aval.png", EvidenceFiles.Png())]))).Status);
        var replaced = (await Requests(r => r.GetAsync(defender.Id, id)))!.FileFor(file.Id)!;
        Assert.NotEqual(given.Id, replaced.Id);
        Assert.Equal(1, await app.WithDbAsync(db => db.GrantRequestFiles.CountAsync(x => x.RequestId == id)));
        Assert.Null(await Requests(r => r.ReadFileAsync(defender.Id, id, given.Id)));

        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(defender.Id, id, RequestState.Submitted, null, null, null))).Status);
        // The program officer reads the answers and the file; another grantmaker's admin and a stranger find nothing.
        var staffView = (await Requests(r => r.GetAsync(f.Officer.Id, id)))!;
        Assert.Equal("250.50", staffView.Answers.Given[amount.Id]);
        Assert.Equal("image/png", (await Requests(r => r.ReadFileAsync(f.Officer.Id, id, replaced.Id)))!.Value.ContentType);
        var other = await FundAsync();
        foreach (var someone in new[] { other.Admin, await app.PersonAsync("pqstranger"), f.Admin })
            Assert.Null(await Requests(r => r.ReadFileAsync(someone.Id, id, replaced.Id)));
        // The API shows each question with its answer.
        using var api = app.NewClient();
        using var read = await api.SendAsync(HttpMethod.Get, $"/api/v1/grants/requests/{id}", await app.ApiTokenAsync(defender));
        var json = await read.Content.ReadAsStringAsync();
        Assert.Contains($"\"id\":\"{choice.Id}\",\"kind\":\"choice\"", json, StringComparison.Ordinal);
        Assert.Contains("\"answer\":\"6–20\"", json, StringComparison.Ordinal);

        // A question asked again as another kind is a new question (its old answers do not pass for it); the others keep their ids.
        var rekinded = questions.Select(q => q.Id == choice.Id ? q with { Kind = QuestionKind.Text, Choices = [] } : q).ToList();
        Assert.Equal(ProgramWriteStatus.Done, (await Programs(g => g.UpdateAsync(f.Admin.Id, program, Protection(rekinded)))).Status);
        var after = ProgramQuestions.Read((await ProgramAsync(program)).Questions);
        Assert.Equal(questions.Select(q => q.Id != choice.Id), after.Select(q => questions.Any(old => old.Id == q.Id)));
    }

    [Fact]
    public async Task TheEmergencyForm_AsksWhatHappened_HowMuch_AndHowToReach_NothingMore()
    {
        var f = await FundAsync();
        var program = (await Programs(g => g.CreateAsync(f.Admin.Id, f.Org, new ProgramInput("Respuesta rápida", ProgramKind.Emergency, "Apoyo urgente.",
            "Defensoras en riesgo.", "USD", 3000m, [CostCategories.Relocation, CostCategories.PhysicalSecurity], ["es"], "", ProgramStatus.Rolling, 72)))).Id!.Value;
        var defender = await app.PersonAsync("pqemergency");
        var id = (await Requests(r => r.StartAsync(defender.Id, program))).Id!.Value;
        var empty = (await Requests(r => r.GetAsync(defender.Id, id)))!;
        Assert.Equal([MissingItem.Need, MissingItem.Contact, MissingItem.Amount], empty.Missing); // no title, no budget lines
        Assert.Equal(CostCategories.PhysicalSecurity, empty.Reminder); // remind, never prescribe: the short form too

        var brief = new RequestAnswers("", "Nos siguieron hasta la casa; salir esta noche con dos hijos.", "Signal, solo de noche", [], 3500m);
        Assert.Equal([MissingItem.OverCeiling], RequestRules.Missing(brief, empty.Program));
        Assert.Equal("Grants.Request.Error.Asked", (await Requests(r => r.SaveAsync(defender.Id, id, brief with { Amount = 0.001m }, null))).Errors!["Asked"]);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(defender.Id, id, brief with { Amount = 1200m }, null))).Status);
        var ready = (await Requests(r => r.GetAsync(defender.Id, id)))!;
        Assert.Empty(ready.Missing);
        Assert.Equal(1200m, ready.Answers.Total);
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.MoveAsync(defender.Id, id, RequestState.Submitted, null, null, null))).Status);

        // A protection program still asks for a title and a budget: one figure given there (by the API) is not kept.
        var protection = (await Programs(g => g.CreateAsync(f.Admin.Id, f.Org, Protection(null)))).Id!.Value;
        var other = (await Requests(r => r.StartAsync(defender.Id, protection))).Id!.Value;
        Assert.Equal(RequestWriteStatus.Done, (await Requests(r => r.SaveAsync(defender.Id, other, brief with { Amount = 900m }, null))).Status);
        var protectionView = (await Requests(r => r.GetAsync(defender.Id, other)))!;
        Assert.Null(protectionView.Answers.Amount);
        Assert.Equal([MissingItem.Title, MissingItem.Budget], protectionView.Missing);

        // The page: the three parts first, the title and lines folded away; the officer reads the amount asked.
        using var client = await app.SignedInAsync(defender);
        var second = (await Requests(r => r.StartAsync(defender.Id, program))).Id!.Value;
        var (_, page) = await client.GetAsync(GrantRoutes.Request(second));
        Assert.True(page.IndexOf("id=\"Asked\"", StringComparison.Ordinal) < page.IndexOf("id=\"Contact\"", StringComparison.Ordinal));
        Assert.True(page.IndexOf("<details", StringComparison.Ordinal) < page.IndexOf("id=\"Title\"", StringComparison.Ordinal));
        var refused = await client.PostFormAsync(GrantRoutes.Request(second), new Dictionary<string, string>
        {
            ["Need"] = brief.Need, ["Contact"] = brief.Contact, ["Asked"] = "1.200,00", ["submit"] = "true",
        }, GrantRoutes.Request(second) + "?handler=Save");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("href=\"#Asked\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var sent = await client.PostFormAsync(GrantRoutes.Request(second), new Dictionary<string, string>
        {
            ["Need"] = brief.Need, ["Contact"] = brief.Contact, ["Asked"] = "1200", ["submit"] = "true",
        }, GrantRoutes.Request(second) + "?handler=Save");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(RequestState.Submitted, await app.WithDbAsync(db => db.GrantRequests.Where(r => r.Id == second).Select(r => r.State).SingleAsync()));
    }

    [Fact]
    public async Task ThePages_BuildQuestions_AndAnswerThem_FileIncluded_WithoutJavaScript()
    {
        var f = await FundAsync();
        using var admin = await app.SignedInAsync(f.Admin);
        var create = GrantRoutes.NewProgram(f.Org);
        var fields = new Dictionary<string, string>
        {
            ["Name"] = "Seguridad digital", ["Kind"] = "DigitalSecurity", ["Description"] = "Equipos y formación.", ["Eligibility"] = "Colectivos de periodistas.",
            ["Currency"] = "EUR", ["Ceiling"] = "", ["Categories"] = "DigitalSecurity", ["Languages"] = "es", ["Regions"] = "", ["Status"] = "Rolling",
            ["Questions[0].Label"] = "¿Qué equipos usan?", ["Questions[0].Kind"] = "Choice", ["Questions[0].Choices"] = "Android\nWindows",
            // Row 1 left blank (as the form sends it): not a question. Row 2 is a choice with one choice: refused on its own row.
            ["Questions[1].Label"] = "", ["Questions[1].Kind"] = "Text", ["Questions[1].Choices"] = "",
            ["Questions[2].Label"] = "¿Tienen respaldo?", ["Questions[2].Kind"] = "Choice", ["Questions[2].Choices"] = "Sí",
        };
        var refused = await admin.PostFormAsync(create, fields);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("href=\"#Questions_2__Choices\"", html, StringComparison.Ordinal);
        Assert.Contains("¿Qué equipos usan?", html, StringComparison.Ordinal); // what was typed stays
        fields["Questions[2].Label"] = "Plan de respaldo firmado";
        fields["Questions[2].Kind"] = "File";
        fields["Questions[2].Required"] = "true";
        var created = await admin.PostFormAsync(create, fields);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var program = await app.WithDbAsync(db => db.GrantPrograms.AsNoTracking().SingleAsync(p => p.OrganizationId == f.Org));
        var questions = ProgramQuestions.Read(program.Questions);
        Assert.Equal([(QuestionKind.Choice, false), (QuestionKind.File, true)], questions.Select(q => (q.Kind, q.Required)));
        // The edit page gives the questions back with their ids (so a save keeps them) and empty rows to add more.
        var (_, edit) = await admin.GetAsync(GrantRoutes.EditProgram(program.Id));
        Assert.Contains($"value=\"{questions[1].Id}\"", edit, StringComparison.Ordinal);
        Assert.Contains("name=\"Questions[3].Label\"", edit, StringComparison.Ordinal);

        var defender = await app.PersonAsync("pqpagedefender");
        using var client = await app.SignedInAsync(defender);
        var (_, programPage) = await client.GetAsync(GrantRoutes.Program(program.Id));
        Assert.Contains("Plan de respaldo firmado", programPage, StringComparison.Ordinal);
        var id = (await Requests(r => r.StartAsync(defender.Id, program.Id))).Id!.Value;
        var (_, form) = await client.GetAsync(GrantRoutes.Request(id));
        Assert.Contains("enctype=\"multipart/form-data\"", form, StringComparison.Ordinal);
        Assert.Contains($"name=\"{RequestModelFileField(questions[1].Id)}\"", form, StringComparison.Ordinal);

        using var content = new MultipartFormDataContent
        {
            { new StringContent(TestClient.AntiforgeryToken(form)!), "__af" },
            { new StringContent("Portátiles"), "Title" }, { new StringContent("Cifrar los equipos de la redacción."), "Need" },
            { new StringContent("Correo cifrado"), "Contact" },
            { new StringContent("DigitalSecurity"), "Lines[0].Category" }, { new StringContent("Licencias y discos"), "Lines[0].Description" },
            { new StringContent("700"), "Lines[0].Amount" },
            { new StringContent("Android"), $"Questions[{questions[0].Id}]" },
            { new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4 plan de respaldo")), RequestModelFileField(questions[1].Id), "plan.pdf" },
            { new StringContent("false"), "submit" },
        };
        using var posted = await client.SendAsync(HttpMethod.Post, GrantRoutes.Request(id) + "?handler=Save", null, content);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var (_, after) = await client.GetAsync(GrantRoutes.Request(id));
        Assert.Contains("plan.pdf", after, StringComparison.Ordinal);
        Assert.DoesNotContain("An answer to the program", after, StringComparison.Ordinal); // nothing required left unanswered
        var fileId = (await Requests(r => r.GetAsync(defender.Id, id)))!.FileFor(questions[1].Id)!.Id;
        Assert.Contains($"name=\"RemoveFile\" value=\"{questions[1].Id}\"", after, StringComparison.Ordinal);
        using var download = await client.SendAsync(HttpMethod.Get, GrantRoutes.RequestFile(id, fileId));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.StartsWith("%PDF-1.4", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Someone else gets 404 for the file, even with its address.
        using var stranger = await app.SignedInAsync(await app.PersonAsync("pqpagestranger"));
        using var theirs = await stranger.SendAsync(HttpMethod.Get, GrantRoutes.RequestFile(id, fileId));
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);

        // Removed on request (the box by the file): the answer and the file are gone, and the required question is missing again.
        var (_, again) = await client.GetAsync(GrantRoutes.Request(id));
        using (var removal = new MultipartFormDataContent
        {
            { new StringContent(TestClient.AntiforgeryToken(again)!), "__af" },
            { new StringContent("Portátiles"), "Title" }, { new StringContent("Cifrar los equipos de la redacción."), "Need" },
            { new StringContent("Correo cifrado"), "Contact" },
            { new StringContent("DigitalSecurity"), "Lines[0].Category" }, { new StringContent("Licencias y discos"), "Lines[0].Description" },
            { new StringContent("700"), "Lines[0].Amount" },
            { new StringContent("Android"), $"Questions[{questions[0].Id}]" },
            { new StringContent(questions[1].Id), "RemoveFile" },
            { new StringContent("false"), "submit" },
        })
        using (var removed = await client.SendAsync(HttpMethod.Post, GrantRoutes.Request(id) + "?handler=Save", null, removal))
            Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.GrantRequestFiles.AnyAsync(x => x.RequestId == id)));
        Assert.Equal([MissingItem.Questions], (await Requests(r => r.GetAsync(defender.Id, id)))!.Missing);
    }

    private static string RequestModelFileField(string questionId) => Amparo.Web.Pages.Grants.RequestModel.FileField(questionId);
}

[Collection(nameof(SharedHosts.OrganizationsOnSqlite))]
public sealed class ProgramQuestionTestsSqlite(SqliteApp app) : ProgramQuestionTests(app);

[Collection(nameof(SharedHosts.OrganizationsOnPostgres))]
public sealed class ProgramQuestionTestsPostgres(PostgresApp app) : ProgramQuestionTests(app);
