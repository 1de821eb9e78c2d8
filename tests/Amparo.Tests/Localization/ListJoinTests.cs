using System.Globalization;
using Amparo.Web.Infrastructure.Localization;

namespace Amparo.Tests.Localization;

/// <summary>Words listed in a sentence: the Arabic comma in Arabic, the comma elsewhere.</summary>
public sealed class ListJoinTests
{
    [Theory]
    [InlineData("en", "legal, relocation")]
    [InlineData("es", "legal, relocation")]
    [InlineData("ar", "legal، relocation")]
    public void JoinList_UsesTheLanguagesComma(string language, string expected)
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
            Assert.Equal(expected, Cultures.JoinList(["legal", "relocation"]));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
