using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Amparo.Web.Infrastructure.Web;

/// <summary>
/// A request naming a handler the page does not have (<c>?handler=x</c>), or a POST to a page with no handler for it,
/// is answered 404. Without this Razor Pages renders the page anyway, with none of the data its handler would have
/// loaded, and the page fails (500). A name the page knows for another method (GET /contacts?handler=Add after a
/// re-rendered form, reloaded) still shows the page, as before. Pages without handlers still render for GET; the
/// error and status pages, re-executed with the failed request's method, are left alone.
/// </summary>
public sealed class UnknownHandlerFilter : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context) { }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        var http = context.HttpContext;
        if (http.Features.Get<IStatusCodeReExecuteFeature>() is not null || http.Features.Get<IExceptionHandlerFeature>() is not null) return;
        // The name as Razor Pages reads it: the route value, else the first query value.
        var name = context.RouteData.Values["handler"] as string;
        if (string.IsNullOrEmpty(name) && http.Request.Query.TryGetValue("handler", out var query)) name = query[0];
        var unknownName = !string.IsNullOrEmpty(name) && !context.ActionDescriptor.HandlerMethods.Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
        var showOnly = context.HandlerMethod is null && !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
        if (unknownName || showOnly) context.Result = new NotFoundResult();
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context) { }
}
