using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Amparo.Web.Infrastructure.Data;

/// <summary>Every instant is stored and read back as UTC, whatever the provider returns.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
