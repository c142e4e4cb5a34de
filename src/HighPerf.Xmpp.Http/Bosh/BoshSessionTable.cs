using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Http.Hosting;
using Microsoft.AspNetCore.Http;

namespace HighPerf.Xmpp.Http.Bosh;

/// <summary>
/// <c>POST /http-bind</c>: the BOSH sessions by sid (XEP-0124), and a once-a-second sweep that answers held requests
/// whose 'wait' ran out and ends sessions idle for longer than 'inactivity'.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The sweep timer is disposed by Stop, which the host's stop calls.")]
internal sealed class BoshSessionTable(HttpTransportHost host)
{
    private readonly ConcurrentDictionary<string, BoshSession> _sessions = new(StringComparer.Ordinal);
    private Timer? _sweep;
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    public int Count => _sessions.Count;

    public void Start() => _sweep = new Timer(static s => ((BoshSessionTable)s!).Sweep(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public void Stop()
    {
        _stopping = true;
        _sweep?.Dispose();
    }

    public void Remove(BoshSession session) => _sessions.TryRemove(new KeyValuePair<string, BoshSession>(session.Sid, session));

    public async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST, OPTIONS";
            return;
        }

        // The body wrapper and its attributes on top of at most one stanza-size of payload.
        var limit = host.Server.Options.XmlLimits.MaxStanzaBytes + 8 * 1024;
        byte[]? response;
        try
        {
            var (length, buffer) = await ReadBodyAsync(context, limit).ConfigureAwait(false);
            try
            {
                response = length < 0
                    ? Oversized(buffer)
                    : await RespondAsync(context, buffer.AsMemory(0, length)).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (response is null)
            {
                return; // the client went away while its request was held
            }

            context.Response.ContentType = "text/xml; charset=utf-8";
            context.Response.ContentLength = response.Length;
            await context.Response.Body.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The connection dropped: a held response stays cached for a retransmission of the same rid.
        }
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var session in _sessions.Values)
        {
            session.Sweep(now);
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes into a pooled array the caller returns; length -1 when
    /// the body is larger (the array then holds its start).</summary>
    private static async Task<(int Length, byte[] Buffer)> ReadBodyAsync(HttpContext context, int limit)
    {
        var body = context.Request.Body;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 16 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    return (length, buffer);
                }

                length += read;
                if (length > limit)
                {
                    return (-1, buffer);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>A body over the stanza-size limit: policy-violation, and the session it names ends.</summary>
    private byte[] Oversized(byte[] start)
    {
        var sid = SidInStartTag(start);
        if (sid is not null && _sessions.TryGetValue(sid, out var session))
        {
            return session.TerminateWith(StreamErrorCondition.PolicyViolation);
        }

        return BoshBodies.Terminate("policy-violation", default);
    }

    private async Task<byte[]?> RespondAsync(HttpContext context, ReadOnlyMemory<byte> raw)
    {
        Task<byte[]> pending;
        if (!BoshRequest.TryParse(raw.Span, out var request, out var condition))
        {
            // Not a usable <body/>: bad-request; a session it still names ends with it.
            var named = SidInStartTag(raw.Span);
            if (named is not null && _sessions.TryGetValue(named, out var broken))
            {
                broken.TerminateWith(StreamErrorCondition.BadFormat);
            }

            HttpLog.BoshRefused(host.Logger, HttpTransportHost.RemoteAddressOf(context), condition);
            return BoshBodies.Terminate(condition, default);
        }

        var sid = request.Sid;
        if (sid.IsEmpty)
        {
            return Create(context, request);
        }

        if (!_sessions.TryGetValue(Encoding.ASCII.GetString(sid), out var session))
        {
            // §7.3 / §14: an unknown (or already ended) session.
            HttpLog.BoshRefused(host.Logger, HttpTransportHost.RemoteAddressOf(context), "item-not-found");
            return BoshBodies.Terminate("item-not-found", default);
        }

        pending = session.Accept(request, raw.Span);
        try
        {
            return await pending.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private byte[] Create(HttpContext context, in BoshRequest request)
    {
        if (_stopping)
        {
            return BoshBodies.Terminate("system-shutdown", default);
        }

        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var sid = Convert.ToHexStringLower(random);
        var session = new BoshSession(host, this, sid, HttpTransportHost.RemoteAddressOf(context), host.IsSecure(context), request);
        _sessions[sid] = session;
        host.Add(session);
        return session.Start(request);
    }

    /// <summary>The sid attribute of the &lt;body&gt; start tag at the beginning of <paramref name="bytes"/>, if any
    /// (for bodies that cannot be parsed whole: too large, or malformed after the start tag).</summary>
    private static string? SidInStartTag(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)'>');
        var tag = end < 0 ? bytes : bytes[..(end + 1)];
        var at = tag.IndexOf(" sid="u8);
        if (at < 0 || at + 6 >= tag.Length)
        {
            return null;
        }

        var quote = tag[at + 5];
        var value = tag[(at + 6)..];
        var close = value.IndexOf(quote);
        return close is > 0 and <= 64 && (quote == (byte)'\'' || quote == (byte)'"') ? Encoding.ASCII.GetString(value[..close]) : null;
    }
}
