using Amparo.Web.Features.Accounts;
using Amparo.Web.Infrastructure;

namespace Amparo.Web.Features.Learning;

/// <summary>Export: the person's progress and notes, decrypted. Delete: the row goes with the account (cascade).</summary>
public sealed class LearningPersonalData(LearningProgressService progress) : IPersonalData
{
    public string Section => "learningProgress";

    public async Task<object?> ExportAsync(User person, CancellationToken ct)
    {
        var book = await progress.ReadAsync(person.Id, ct);
        return book.Lessons.Count == 0 ? null : book.Lessons;
    }

    public Task DeleteAsync(User person, CancellationToken ct) => Task.CompletedTask;
}
