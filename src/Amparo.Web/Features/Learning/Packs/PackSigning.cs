using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Amparo.Web.Infrastructure.Data;
using Amparo.Web.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace Amparo.Web.Features.Learning.Packs;

/// <summary>
/// An installation's pack-signing key: ECDSA on P-256, its private scalar derived from a 32-byte secret (the system
/// key <see cref="PackKeys.KeyPurpose"/>, wrapped by the master key in the database — so it is in backups and
/// re-wrapped when the master key rotates). .NET derives the public point from the scalar alone.
/// </summary>
public sealed class PackSigningKey : IDisposable
{
    // The order n of P-256 (FIPS 186-4, D.1.2.3).
    private static readonly BigInteger Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    private static readonly byte[] Info = "amparo learning pack signing v1"u8.ToArray();

    private readonly ECDsa _key;

    private PackSigningKey(ECDsa key)
    {
        _key = key;
        PublicKey = key.ExportSubjectPublicKeyInfo();
        KeyId = PackSignatures.KeyIdOf(PublicKey);
    }

    /// <summary>SubjectPublicKeyInfo (DER).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The first 16 hex digits of SHA-256 of <see cref="PublicKey"/>.</summary>
    public string KeyId { get; }

    public string PublicKeyBase64 => Convert.ToBase64String(PublicKey);

    /// <summary>The same secret always gives the same key: 48 bytes of HKDF reduced into [1, n-1] (bias below 2^-128).</summary>
    public static PackSigningKey FromSecret(byte[] secret)
    {
        var wide = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 48, salt: null, info: Info);
        var scalar = (new BigInteger(wide, isUnsigned: true, isBigEndian: true) % (Order - 1)) + 1;
        var d = new byte[32];
        var raw = scalar.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(d, 32 - raw.Length);
        var key = ECDsa.Create();
        try
        {
            key.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
            CryptographicOperations.ZeroMemory(wide);
        }
        return new PackSigningKey(key);
    }

    /// <summary>ECDSA P-256 with SHA-256, the signature as r||s (64 bytes, IEEE P1363).</summary>
    public byte[] Sign(byte[] data) => _key.SignData(data, HashAlgorithmName.SHA256);

    public void Dispose() => _key.Dispose();
}

public static class PackSignatures
{
    public static string KeyIdOf(byte[] subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

    /// <summary>A P-256 public key from base64 SubjectPublicKeyInfo, or null when it is not one.</summary>
    public static byte[]? ParsePublicKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64)) return null;
        byte[] bytes;
        try { bytes = Convert.FromBase64String(base64.Trim()); }
        catch (FormatException) { return null; }
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(bytes, out var read);
            if (read != bytes.Length || key.KeySize != 256) return null;
            var curve = key.ExportParameters(false).Curve;
            return curve.IsNamed && curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value ? bytes : null;
        }
        catch (CryptographicException) { return null; }
    }

    public static bool Verify(byte[] subjectPublicKeyInfo, byte[] data, byte[] signature)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException) { return false; }
    }
}

/// <summary>Another installation whose packs this one imports (configuration <c>Learning:TrustedPackSigners</c>).</summary>
public sealed class TrustedPackSigner
{
    [Required, StringLength(100, MinimumLength = 1)] public string Name { get; set; } = "";
    /// <summary>Base64 SubjectPublicKeyInfo of a P-256 key, as <c>amparo content key</c> prints it.</summary>
    [Required] public string PublicKey { get; set; } = "";
}

/// <summary>Section <c>Learning</c>: the packs this installation trusts, and the name it signs its own with.</summary>
public sealed class LearningPackOptions : IValidatableObject
{
    public const string Section = "Learning";

    public List<TrustedPackSigner> TrustedPackSigners { get; set; } = [];

    /// <summary>The name written into the packs this installation builds (shown to whoever imports them). Empty: "Amparo".</summary>
    [StringLength(100)] public string? InstallationName { get; set; }

    public string Name => string.IsNullOrWhiteSpace(InstallationName) ? "Amparo" : InstallationName.Trim();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < TrustedPackSigners.Count; i++)
        {
            var s = TrustedPackSigners[i];
            if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 100)
                yield return new($"Learning:TrustedPackSigners:{i}:Name must be 1 to 100 characters.");
            if (PackSignatures.ParsePublicKey(s.PublicKey) is null)
                yield return new($"Learning:TrustedPackSigners:{i}:PublicKey is not a base64 P-256 public key (SubjectPublicKeyInfo), as `amparo content key` prints it.");
        }
    }
}

public sealed record PackSigner(string Name, string KeyId, byte[] PublicKey, bool IsThisInstallation);

/// <summary>This installation's signing key and the signers it trusts (its own key always).</summary>
public sealed class PackKeys(AmparoDbContext db, FieldCipher cipher, IOptions<LearningPackOptions> options)
{
    /// <summary>The system key the signing key is derived from (20 characters at most: the DataKeys column).</summary>
    public const string KeyPurpose = "learning-pack-sign";

    public string InstallationName => options.Value.Name;

    public async Task<PackSigningKey> SigningKeyAsync(CancellationToken ct = default) =>
        PackSigningKey.FromSecret(await cipher.SystemKeyAsync(db, KeyPurpose, ct));

    /// <summary>Key id → signer: this installation's own key, then the configured ones.</summary>
    public async Task<IReadOnlyDictionary<string, PackSigner>> TrustedAsync(CancellationToken ct = default)
    {
        var trusted = new Dictionary<string, PackSigner>(StringComparer.Ordinal);
        using (var own = await SigningKeyAsync(ct)) trusted[own.KeyId] = new(InstallationName, own.KeyId, own.PublicKey, true);
        foreach (var s in options.Value.TrustedPackSigners)
            if (PackSignatures.ParsePublicKey(s.PublicKey) is { } spki && PackSignatures.KeyIdOf(spki) is var id && !trusted.ContainsKey(id))
                trusted[id] = new(s.Name.Trim(), id, spki, false);
        return trusted;
    }
}
