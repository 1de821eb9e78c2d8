using System.Xml.Linq;
using Amparo.Web.Infrastructure.Data;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Amparo.Web.Infrastructure.Security;

/// <summary>
/// Stores the Data Protection key ring in the database so every instance shares it. Each key is
/// encrypted with the master key first (MasterKeyXmlEncryptor), so a stolen database alone does not reveal it.
/// </summary>
public sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        return db.ProtectionKeys.AsEnumerable().Select(k => XElement.Parse(k.Xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AmparoDbContext>();
        db.ProtectionKeys.Add(new ProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}

public sealed class MasterKeyXmlEncryptor(MasterKey masterKey) : IXmlEncryptor
{
    public const string Context = "amparo:dataprotection";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var sealedBytes = masterKey.Seal(System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), Context);
        return new EncryptedXmlInfo(new XElement("sealed", Convert.ToBase64String(sealedBytes)), typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>Created by Data Protection through its IServiceProvider constructor.</summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var masterKey = services.GetRequiredService<MasterKey>();
        var plain = masterKey.Open(Convert.FromBase64String(encryptedElement.Value), MasterKeyXmlEncryptor.Context);
        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plain));
    }
}
