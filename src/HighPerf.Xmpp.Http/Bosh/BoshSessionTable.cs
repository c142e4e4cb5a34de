using HighPerf.Xmpp.Http.Hosting;
using Microsoft.AspNetCore.Http;

namespace HighPerf.Xmpp.Http.Bosh;

/// <summary>The BOSH sessions by sid (XEP-0124).</summary>
internal sealed class BoshSessionTable(HttpTransportHost host)
{
    public void Start() => _ = host;

    public void Stop() => _ = host;

    public Task HandleAsync(HttpContext context)
    {
        _ = host;
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
