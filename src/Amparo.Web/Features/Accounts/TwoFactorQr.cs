using QRCoder;

namespace Amparo.Web.Features.Accounts;

/// <summary>The authenticator-app QR code, drawn by Amparo itself so the secret never leaves the server.</summary>
public static class TwoFactorQr
{
    public static string OtpAuthUri(string email, string secret) =>
        $"otpauth://totp/Amparo:{Uri.EscapeDataString(email)}?secret={secret}&issuer=Amparo";

    public static byte[] Png(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(6);
    }

    /// <summary>The secret in groups of four, easier to type by hand.</summary>
    public static string Grouped(string secret) =>
        string.Join(' ', secret.Chunk(4).Select(c => new string(c)));
}
