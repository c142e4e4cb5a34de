using Microsoft.AspNetCore.Http;

namespace HighPerf.Xmpp.Http.Hosting;

/// <summary>CORS for browser clients on other origins (BOSH POSTs with a text/xml body and upload PUTs need a preflight).</summary>
internal static class Cors
{
    /// <summary>Adds the CORS headers when the request's Origin is allowed. Returns false when the request was a
    /// preflight (OPTIONS), which is answered here.</summary>
    public static bool Apply(HttpContext context, IReadOnlyList<string> allowed)
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && IsAllowed(origin, allowed))
        {
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = allowed.Contains("*") ? "*" : origin;
            headers.Vary = "Origin";
            if (HttpMethods.IsOptions(request.Method))
            {
                headers.AccessControlAllowMethods = "GET, HEAD, POST, PUT, OPTIONS";
                headers.AccessControlAllowHeaders = "Content-Type";
                headers.AccessControlMaxAge = "86400";
            }
        }

        if (HttpMethods.IsOptions(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return false;
        }

        return true;
    }

    private static bool IsAllowed(string origin, IReadOnlyList<string> allowed)
    {
        foreach (var entry in allowed)
        {
            if (entry == "*" || string.Equals(entry, origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
