using System.CommandLine;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Control;

namespace HighPerf.Xmpp.Server.Cli;

/// <summary>status, sessions, kick, broadcast, reload: commands for a running server, over its control socket.</summary>
internal static class AdminCommands
{
    public static void AddTo(RootCommand root, Option<string?> config)
    {
        var status = new Command("status", "Show a running server's uptime, sessions, memory and version");
        status.SetAction((result, cancel) => SendAsync(result.GetValue(config), "status"));

        var filter = new Argument<string?>("filter") { Description = "show only sessions whose line contains this text", Arity = ArgumentArity.ZeroOrOne };
        var sessions = new Command("sessions", "List a running server's bound sessions (JID, address, tls/zlib)") { filter };
        sessions.SetAction((result, cancel) => result.GetValue(filter) is { } text
            ? SendAsync(result.GetValue(config), "sessions", text)
            : SendAsync(result.GetValue(config), "sessions"));

        var jid = new Argument<string>("jid") { Description = "a full JID (one session) or a bare JID (all its sessions)" };
        var kick = new Command("kick", "End sessions with a policy-violation stream error") { jid };
        kick.SetAction((result, cancel) => SendAsync(result.GetValue(config), "kick", result.GetValue(jid)!));

        var text = new Argument<string>("text") { Description = "the message body" };
        var broadcast = new Command("broadcast", "Send a headline message from the server to every online session") { text };
        broadcast.SetAction((result, cancel) => SendAsync(result.GetValue(config), "broadcast", result.GetValue(text)!));

        var reload = new Command("reload", "Re-read the configuration and TLS certificates without dropping sessions (also on SIGHUP)");
        reload.SetAction((result, cancel) => SendAsync(result.GetValue(config), "reload"));

        foreach (var command in new[] { status, sessions, kick, broadcast, reload })
        {
            root.Subcommands.Add(command);
        }
    }

    /// <summary>Prints the reply (stdout on success, stderr otherwise) and returns its exit code.</summary>
    public static async Task<int> PrintAsync(ControlReply reply)
    {
        var output = reply.ExitCode == 0 ? Console.Out : Console.Error;
        await output.WriteAsync(reply.Text);
        return reply.ExitCode;
    }

    private static async Task<int> SendAsync(string? configPath, string command, params string[] args)
    {
        ServerConfig config;
        try
        {
            config = ConfigLoader.Load(configPath);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"highperf-xmpp: {ex.Message}");
            return 2;
        }

        var path = config.ControlSocketPath();
        var reply = await ControlClient.TrySendAsync(path, command, args);
        if (reply is null)
        {
            await Console.Error.WriteLineAsync($"highperf-xmpp: no server is running with control socket {path}.");
            return 1;
        }

        return await PrintAsync(reply.Value);
    }
}
