using Amparo.Web.Features.CheckIns;
using Amparo.Web.Features.Notifications;
using Amparo.Web.Infrastructure.Localization;
using Amparo.Web.Pages;

namespace Amparo.Tests.CheckIns;

public sealed class SmsCommandsTests
{
    [Theory]
    [InlineData("OK", SmsCommandKind.CheckIn, null, null, null)]
    [InlineData("ok 1234", SmsCommandKind.CheckIn, "1234", null, null)]
    [InlineData("  Ok   4821  ", SmsCommandKind.CheckIn, "4821", null, null)]
    [InlineData("check-in 1234", SmsCommandKind.CheckIn, "1234", null, null)]
    [InlineData("Check in", SmsCommandKind.CheckIn, null, null, null)]
    [InlineData("OK.", SmsCommandKind.CheckIn, null, null, null)]
    [InlineData("Llegué 1234", SmsCommandKind.CheckIn, "1234", null, null)]
    [InlineData("llegue", SmsCommandKind.CheckIn, null, null, null)]
    [InlineData("estoy bien 9999", SmsCommandKind.CheckIn, "9999", null, null)]
    [InlineData("BIEN", SmsCommandKind.CheckIn, null, null, null)]
    [InlineData("Arrivée 1234", SmsCommandKind.CheckIn, "1234", null, null)]
    [InlineData("ça va", SmsCommandKind.CheckIn, null, null, null)]
    [InlineData("وصلت ١٢٣٤", SmsCommandKind.CheckIn, "1234", null, null)]
    [InlineData("بخير", SmsCommandKind.CheckIn, null, null, null)]
    [InlineData("Прибыла 1234", SmsCommandKind.CheckIn, "1234", null, null)]
    [InlineData("всё хорошо", SmsCommandKind.CheckIn, null, null, null)]
    [InlineData("ок", SmsCommandKind.CheckIn, null, null, null)]
    [InlineData("EXTEND 30", SmsCommandKind.Extend, null, 30, null)]
    [InlineData("extend 45 1234", SmsCommandKind.Extend, "1234", 45, null)]
    [InlineData("Extend 30min", SmsCommandKind.Extend, null, 30, null)]
    [InlineData("más tiempo 20", SmsCommandKind.Extend, null, 20, null)]
    [InlineData("prolonger 15 1234", SmsCommandKind.Extend, "1234", 15, null)]
    [InlineData("تمديد ٣٠", SmsCommandKind.Extend, null, 30, null)]
    [InlineData("продлить 60", SmsCommandKind.Extend, null, 60, null)]
    [InlineData("CLOSE 1234", SmsCommandKind.Close, "1234", null, null)]
    [InlineData("cerrar 1234", SmsCommandKind.Close, "1234", null, null)]
    [InlineData("Fermer 1234", SmsCommandKind.Close, "1234", null, null)]
    [InlineData("إغلاق 1234", SmsCommandKind.Close, "1234", null, null)]
    [InlineData("закрыть 1234", SmsCommandKind.Close, "1234", null, null)]
    [InlineData("HELP", SmsCommandKind.Help, null, null, null)]
    [InlineData("?", SmsCommandKind.Help, null, null, null)]
    [InlineData("ayuda", SmsCommandKind.Help, null, null, null)]
    [InlineData("Aide", SmsCommandKind.Help, null, null, null)]
    [InlineData("مساعدة", SmsCommandKind.Help, null, null, null)]
    [InlineData("помощь", SmsCommandKind.Help, null, null, null)]
    [InlineData("ACK 48213975", SmsCommandKind.Ack, null, null, "48213975")]
    [InlineData("ack   4821 3975", SmsCommandKind.Ack, null, null, "48213975")]
    [InlineData("Recibido 4821-3975", SmsCommandKind.Ack, null, null, "48213975")]
    [InlineData("reçu 00000073", SmsCommandKind.Ack, null, null, "00000073")]
    [InlineData("принято ٤٨٢١٣٩٧٥", SmsCommandKind.Ack, null, null, "48213975")]
    [InlineData("YES 48213975", SmsCommandKind.Yes, null, null, "48213975")]
    [InlineData("sí 4821 3975", SmsCommandKind.Yes, null, null, "48213975")]
    [InlineData("YES", SmsCommandKind.Yes, null, null, null)]
    [InlineData("sí", SmsCommandKind.Yes, null, null, null)]
    [InlineData("oui", SmsCommandKind.Yes, null, null, null)]
    [InlineData("نعم", SmsCommandKind.Yes, null, null, null)]
    [InlineData("да", SmsCommandKind.Yes, null, null, null)]
    [InlineData("STOP", SmsCommandKind.Stop, null, null, null)]
    [InlineData("Stop!", SmsCommandKind.Stop, null, null, null)]
    [InlineData("baja", SmsCommandKind.Stop, null, null, null)]
    [InlineData("arrêt", SmsCommandKind.Stop, null, null, null)]
    [InlineData("توقف", SmsCommandKind.Stop, null, null, null)]
    [InlineData("стоп", SmsCommandKind.Stop, null, null, null)]
    [InlineData("SOS", SmsCommandKind.Panic, null, null, null)]
    [InlineData("socorro", SmsCommandKind.Panic, null, null, null)]
    public void DefaultWords_InEveryLanguage_AreCommands(string text, SmsCommandKind kind, string? pin, int? minutes, string? code)
    {
        var command = SmsCommands.Parse(text, null);
        Assert.NotNull(command);
        Assert.Equal(new SmsCommand(kind, pin, minutes, code), command);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("OK see you tomorrow")]
    [InlineData("ok thanks")]
    [InlineData("Is everything OK?")]
    [InlineData("I am OK")]
    [InlineData("Please help me with the report")]
    [InlineData("help me")]
    [InlineData("Stop by the office later")]
    [InlineData("yes I will come")]
    [InlineData("Close the door")]
    [InlineData("extend")]
    [InlineData("extend thirty")]
    [InlineData("extend 0")]
    [InlineData("extend 99999")]
    [InlineData("ACK")]
    [InlineData("ACK seventy")]
    [InlineData("ACK 73")]
    [InlineData("ACK 4821397")]
    [InlineData("ACK 482139751")]
    [InlineData("YES 1234")]
    [InlineData("OK 12")]
    [InlineData("OK 1234 5678")]
    [InlineData("Estoy bien, gracias por preguntar")]
    [InlineData("Ça va bien merci")]
    [InlineData("أنا بخير شكرا")]
    [InlineData("Да, конечно, приду завтра")]
    [InlineData("1234")]
    [InlineData("OKAY")]
    [InlineData("BOOK 1234")]
    public void OrdinarySentences_AreNotCommands(string text) => Assert.Null(SmsCommands.Parse(text, null));

    [Fact]
    public void PersonalWords_ReplaceTheDefaults_ForThatPerson()
    {
        var words = new PersonalCodeWords(CheckIn: "Mango", Extend: "later", Close: "Home");
        Assert.Equal(new SmsCommand(SmsCommandKind.CheckIn, "4821"), SmsCommands.Parse("mango 4821", words));
        Assert.Equal(new SmsCommand(SmsCommandKind.CheckIn), SmsCommands.Parse("MANGO", words));
        Assert.Equal(new SmsCommand(SmsCommandKind.Extend, null, 30), SmsCommands.Parse("Later 30", words));
        Assert.Equal(new SmsCommand(SmsCommandKind.Close, "1234"), SmsCommands.Parse("home 1234", words));
        // The defaults they replace no longer work for this person...
        Assert.Null(SmsCommands.Parse("OK 4821", words));
        Assert.Null(SmsCommands.Parse("EXTEND 30", words));
        Assert.Null(SmsCommands.Parse("CLOSE 1234", words));
        // ...but the ones not replaced do, and so do the answers to Amparo's messages.
        Assert.Equal(SmsCommandKind.Help, SmsCommands.Parse("HELP", words)?.Kind);
        Assert.Equal(SmsCommandKind.Ack, SmsCommands.Parse("ACK 48213975", words)?.Kind);
        Assert.Equal(SmsCommandKind.Stop, SmsCommands.Parse("STOP", words)?.Kind);
        // Nobody else is affected.
        Assert.Equal(SmsCommandKind.CheckIn, SmsCommands.Parse("OK 4821", null)?.Kind);
        Assert.Null(SmsCommands.Parse("mango 4821", null));
    }

    [Fact]
    public void PersonalWords_MayBeTwoWords_WithAccents()
    {
        var words = new PersonalCodeWords(CheckIn: "Café listo");
        Assert.Equal(new SmsCommand(SmsCommandKind.CheckIn, "1234"), SmsCommands.Parse("cafe   LISTO 1234", words));
        Assert.Null(SmsCommands.Parse("cafe listo para ti", words));
    }

    [Fact]
    public void PersonalWords_RoundTripAsJson_AndBadJsonMeansDefaults()
    {
        var words = new PersonalCodeWords(CheckIn: "mango", Panic: "storm");
        var json = words.ToJson();
        Assert.Equal("""{"checkIn":"mango","panic":"storm"}""", json);
        Assert.Equal(words, PersonalCodeWords.FromJson(json));
        Assert.Null(PersonalCodeWords.FromJson("{not json"));
        Assert.Null(PersonalCodeWords.FromJson(null));
    }

    [Theory]
    [InlineData("mango", true)]
    [InlineData("café listo", true)]
    [InlineData("1234", false)]
    [InlineData("a", false)]
    [InlineData("one two three", false)]
    [InlineData("<script>", false)]
    public void PersonalWords_Usable(string word, bool usable) => Assert.Equal(usable, PersonalCodeWords.IsUsable(word));

    /// <summary>The offline page's examples are commands Amparo carries out, in every language, and the same as "Sms.Help" says.</summary>
    [Fact]
    public void OfflinePageExamples_AreUnderstoodAsTheirCommand_InEveryLanguage()
    {
        var keywords = new SmsKeywords([new SmsKeywordRegistration("check-ins", typeof(CheckInSmsHandler), SmsCommands.DefaultWords.ToList())]);
        foreach (var language in Cultures.Supported)
        {
            var help = SmsKeywords.Normalize(Amparo.Tests.Localization.Repo.Load(language)["Sms.Help"]);
            foreach (var kind in SmsCommands.ShownCommands)
            {
                var word = SmsCommands.ShownWord(kind, language);
                var example = OfflineModel.Example(kind, word);
                Assert.True(SmsCommands.Parse(example, null)?.Kind == kind, $"{language}: '{example}' is not read as {kind}");
                Assert.Equal("check-ins", keywords.HandlerFor(example)?.Feature);
                if (kind != SmsCommandKind.Help) Assert.Contains(SmsKeywords.Normalize(word), help, StringComparison.Ordinal); // the help reply does not name itself
            }
        }
    }
}
