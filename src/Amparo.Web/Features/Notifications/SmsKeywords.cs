using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Amparo.Web.Features.Notifications;

/// <summary>An inbound SMS handed to the feature that registered its first word(s). <see cref="SenderLookup"/>: the sender's phone lookup.</summary>
public sealed record InboundText(Guid Id, string SenderLookup, string From, string Text);

/// <summary>A reply to the sender, written in <see cref="Language"/> (the sender's, when Amparo knows them).</summary>
public sealed record SmsReply(string Language, string Text);

/// <summary>
/// A feature's handler of its SMS keywords. It decides who may command what (Amparo does not answer strangers: return
/// null for a number it does not know) and returns the reply, or null for none. Scoped: one per SMS.
/// </summary>
public interface ISmsKeywordHandler
{
    Task<SmsReply?> HandleAsync(InboundText sms, CancellationToken ct);
}

/// <summary>
/// A handler that reads a person's own words (the feature that takes unmatched texts) and so must be asked first: a
/// person's code word may be any word, another feature's keyword included, and a check-in or panic must never be read
/// as something else.
/// </summary>
public interface ISmsPersonalWords
{
    /// <summary>Whether the text is one of the sender's own commands.</summary>
    Task<bool> IsPersonalAsync(InboundText sms, CancellationToken ct);
}

/// <summary>One feature's keywords. <paramref name="TakesUnmatched"/>: it also reads texts no keyword claims (one feature at most).</summary>
public sealed record SmsKeywordRegistration(string Feature, Type Handler, IReadOnlyList<string> Words, bool TakesUnmatched = false);

/// <summary>
/// The one place where SMS keywords are known. Each feature adds its keywords in its <c>Add&lt;Feature&gt;()</c> with
/// <see cref="SmsKeywordSetup.AddSmsKeywords{THandler}"/>; an inbound SMS goes to the feature whose keyword it starts
/// with (the longest one that matches, then a space or the end). Two features claiming the same keyword (after
/// <see cref="Normalize"/>: case, accents and spacing do not count) is refused when the app starts.
/// </summary>
public sealed class SmsKeywords
{
    private readonly Dictionary<string, SmsKeywordRegistration> _byWord = new(StringComparer.Ordinal);
    private readonly SmsKeywordRegistration? _unmatched;

    public SmsKeywords(IEnumerable<SmsKeywordRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            if (registration.TakesUnmatched)
            {
                if (_unmatched is not null && _unmatched.Feature != registration.Feature)
                    throw new InvalidOperationException(
                        $"SMS texts without a keyword are claimed by both '{_unmatched.Feature}' and '{registration.Feature}'; only one feature may read them.");
                _unmatched = registration;
            }
            foreach (var word in registration.Words)
            {
                var key = Normalize(word);
                if (key.Length == 0) throw new InvalidOperationException($"Feature '{registration.Feature}' registers an empty SMS keyword.");
                if (_byWord.TryGetValue(key, out var other) && other.Feature != registration.Feature)
                    throw new InvalidOperationException(
                        $"SMS keyword '{key}' is registered by both '{other.Feature}' and '{registration.Feature}'. Each keyword belongs to one feature: choose another word.");
                _byWord[key] = registration;
            }
        }
    }

    /// <summary>The feature that reads texts no keyword claims (and a person's own words), if any.</summary>
    public SmsKeywordRegistration? Unmatched => _unmatched;

    /// <summary>Every registered keyword (normalized) and its feature.</summary>
    public IReadOnlyDictionary<string, string> Words => _byWord.ToDictionary(p => p.Key, p => p.Value.Feature, StringComparer.Ordinal);

    /// <summary>The registration whose keyword the text starts with, else the one that takes unmatched texts; null: none.</summary>
    public SmsKeywordRegistration? HandlerFor(string? text)
    {
        var normalized = Normalize(text ?? "");
        // Longest first: "CHECK IN 1234" belongs to "CHECK IN", not to a shorter "CHECK".
        for (var end = normalized.Length; end > 0; end = normalized.LastIndexOf(' ', end - 1))
            if (_byWord.TryGetValue(normalized[..end], out var registration)) return registration;
        return _unmatched;
    }

    /// <summary>
    /// Upper case, accents and Arabic vowel marks removed, Arabic and Persian digits as ASCII, the alef forms and Ё
    /// unified, hyphens and spaces collapsed to one space, trailing punctuation dropped.
    /// </summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format) continue;
            var ch = c switch
            {
                >= '\u0660' and <= '\u0669' => (char)('0' + (c - '\u0660')),
                >= '\u06F0' and <= '\u06F9' => (char)('0' + (c - '\u06F0')),
                'أ' or 'إ' or 'آ' or 'ٱ' => 'ا',
                'ى' => 'ي',
                'ـ' => '\0', // tatweel
                '-' or '_' or ',' or ';' or ':' or '\u00A0' => ' ',
                _ => char.IsWhiteSpace(c) ? ' ' : char.ToUpperInvariant(c),
            };
            if (ch == 'Ё') ch = 'Е';
            if (ch != '\0') sb.Append(ch);
        }
        var collapsed = string.Join(' ', sb.ToString().Normalize(NormalizationForm.FormC).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return collapsed.TrimEnd('.', '!', '…').TrimEnd();
    }
}

public static class SmsKeywordSetup
{
    /// <summary>
    /// Registers <paramref name="words"/> for <paramref name="feature"/>, handled by <typeparamref name="THandler"/>
    /// (scoped). With <paramref name="takesUnmatched"/>, the feature also reads texts that start with no keyword (e.g. a
    /// person's own code words); one feature at most.
    /// </summary>
    public static IServiceCollection AddSmsKeywords<THandler>(this IServiceCollection services, string feature, IEnumerable<string> words, bool takesUnmatched = false)
        where THandler : class, ISmsKeywordHandler
    {
        services.TryAddScoped<THandler>();
        services.AddSingleton(new SmsKeywordRegistration(feature, typeof(THandler), words.ToList(), takesUnmatched));
        return services;
    }
}
