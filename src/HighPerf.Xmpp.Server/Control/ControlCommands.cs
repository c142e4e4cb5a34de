using System.Globalization;
using System.Reflection;
using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Server.Hosting;

namespace HighPerf.Xmpp.Server.Control;

/// <summary>The admin commands a running server answers on its control socket.</summary>
internal sealed class ControlCommands
{
    private readonly ServerHost _host;

    public ControlCommands(ServerHost host)
    {
        _host = host;
    }

    public async Task<ControlReply> RunAsync(ControlRequest request)
    {
        var args = request.Args;
        return request.Command switch
        {
            "status" => Status(),
            "sessions" => Sessions(args.Count > 0 ? args[0] : null),
            "kick" when args.Count == 1 => Kick(args[0]),
            "broadcast" when args.Count == 1 => Broadcast(args[0]),
            "reload" => await _host.ReloadAsync("control socket").ConfigureAwait(false),
            "adduser" when args.Count == 2 => await AccountCommands.AddAsync(_host, args[0], args[1]).ConfigureAwait(false),
            "passwd" when args.Count == 2 => await AccountCommands.ChangePasswordAsync(_host, args[0], args[1]).ConfigureAwait(false),
            "deluser" when args.Count == 1 => await AccountCommands.DeleteAsync(_host, args[0]).ConfigureAwait(false),
            _ => ControlReply.Usage($"unknown command or wrong arguments: {request.Command}"),
        };
    }

    private ControlReply Status()
    {
        var server = _host.Server;
        var uptime = DateTimeOffset.UtcNow - server.StartedAt;
        var memory = GC.GetGCMemoryInfo();
        var version = typeof(ControlCommands).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"version: {version}\n");
        text.Append(CultureInfo.InvariantCulture, $"uptime: {(long)uptime.TotalSeconds} s\n");
        text.Append(CultureInfo.InvariantCulture, $"domains: {string.Join(", ", _host.Config.Domains)}\n");
        text.Append(CultureInfo.InvariantCulture, $"connections: {_host.ConnectionCount}\n");
        text.Append(CultureInfo.InvariantCulture, $"sessions: {server.Routes.SessionCount}\n");
        text.Append(CultureInfo.InvariantCulture, $"users online: {server.Routes.UserCount}\n");
        text.Append(CultureInfo.InvariantCulture, $"memory: working set {Environment.WorkingSet / 1024 / 1024} MiB, managed heap {memory.HeapSizeBytes / 1024 / 1024} MiB, allocated since start {GC.GetTotalAllocatedBytes() / 1024 / 1024} MiB\n");
        text.Append(CultureInfo.InvariantCulture, $"gc: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}\n");
        text.Append(CultureInfo.InvariantCulture, $"tls: {_host.Tls?.Engine.ToString() ?? "off"}\n");
        if (_host.MetricsEndPoint is { } metrics)
        {
            text.Append(CultureInfo.InvariantCulture, $"metrics: http://{metrics}/metrics\n");
        }

        return ControlReply.Ok(text.ToString());
    }

    /// <summary>Bound sessions, one per line (full JID, address, tls/zlib); <paramref name="filter"/> keeps lines containing it.</summary>
    private ControlReply Sessions(string? filter)
    {
        var lines = new List<string>();
        foreach (var user in _host.Server.Routes.Users)
        {
            foreach (var session in user.Sessions)
            {
                var transport = session.Transport;
                var line = $"{Encoding.UTF8.GetString(session.FullJid)}\t{transport.RemoteAddress}\t{(transport.IsSecure ? "tls" : "plain")}{(transport.IsCompressed ? "+zlib" : "")}";
                if (filter is null || line.Contains(filter, StringComparison.OrdinalIgnoreCase))
                {
                    lines.Add(line);
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        lines.Add($"{lines.Count} session(s)");
        return ControlReply.Ok(string.Join('\n', lines));
    }

    /// <summary>Ends a full JID's session, or every session of a bare JID, with a policy-violation stream error.</summary>
    private ControlReply Kick(string text)
    {
        if (!Jid.TryParse(text, out var jid) || !jid.HasLocal)
        {
            return ControlReply.Usage($"'{text}' is not a user's JID (user@domain or user@domain/resource)");
        }

        var kicked = 0;
        foreach (var session in SessionsOf(_host, jid))
        {
            session.Kick(StreamErrorCondition.PolicyViolation);
            kicked++;
        }

        return kicked == 0 ? ControlReply.Failed($"{jid} has no session") : ControlReply.Ok($"Kicked {kicked} session(s) of {jid}");
    }

    /// <summary>A headline message from the server's domain to every bound session.</summary>
    private ControlReply Broadcast(string body)
    {
        var escaped = Escape(body);
        var sent = 0;
        foreach (var user in _host.Server.Routes.Users)
        {
            foreach (var session in user.Sessions)
            {
                var stanza = $"<message type='headline' from='{Escape(Encoding.UTF8.GetString(session.Domain))}' to='{Escape(Encoding.UTF8.GetString(session.FullJid))}'><body>{escaped}</body></message>";
                if (session.Send(Encoding.UTF8.GetBytes(stanza)))
                {
                    sent++;
                }
            }
        }

        return ControlReply.Ok($"Sent to {sent} session(s)");
    }

    internal static List<XmppSession> SessionsOf(ServerHost host, Jid jid)
    {
        var found = new List<XmppSession>();
        if (!host.Server.Routes.TryGetUser(jid.Bare, out var user))
        {
            return found;
        }

        foreach (var session in user.Sessions)
        {
            if (!jid.HasResource || session.Resource.SequenceEqual(jid.Parts.Resource(jid.Full)))
            {
                found.Add(session);
            }
        }

        return found;
    }

    private static string Escape(string text)
        => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("'", "&apos;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
