using System.Globalization;

namespace Amparo.Web.Infrastructure.Localization;

public static class Amounts
{
    /// <summary>
    /// An amount of money typed in a form: a decimal point only — the page language's or "." — and no thousands
    /// separators, which read differently from one language to another ("1.500" is 1500 in Spanish, 1.5 in English).
    /// </summary>
    public static bool TryParse(string? text, out decimal amount)
    {
        const NumberStyles style = NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;
        return decimal.TryParse(text, style, CultureInfo.CurrentCulture, out amount) || decimal.TryParse(text, style, CultureInfo.InvariantCulture, out amount);
    }
}
