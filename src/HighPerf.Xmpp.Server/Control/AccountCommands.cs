using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Server.Hosting;

namespace HighPerf.Xmpp.Server.Control;

/// <summary>
/// adduser / passwd / deluser inside the running server, which holds the store: the CLI sends them here when the
/// store is locked, so accounts change without stopping the server and without a second writer on the store.
/// </summary>
internal static class AccountCommands
{
    public static async Task<ControlReply> AddAsync(ServerHost host, string text, string password)
    {
        if (Check(host, text, password) is { } problem)
        {
            return problem;
        }

        var jid = Jid.Parse(text);
        var record = ScramCredentials.Derive(password, host.Config.Auth.ScramIterations);
        return await host.Server.Store.Accounts.CreateAsync(jid.Bare.ToArray(), record).ConfigureAwait(false)
            ? ControlReply.Ok($"Created {jid}.")
            : ControlReply.Failed($"{jid} already exists (use passwd to change its password).");
    }

    public static async Task<ControlReply> ChangePasswordAsync(ServerHost host, string text, string password)
    {
        if (Check(host, text, password) is { } problem)
        {
            return problem;
        }

        var jid = Jid.Parse(text);
        var record = ScramCredentials.Derive(password, host.Config.Auth.ScramIterations);
        return await host.Server.Store.Accounts.UpdateAsync(jid.Bare.ToArray(), record).ConfigureAwait(false)
            ? ControlReply.Ok($"Changed the password of {jid}.")
            : ControlReply.Failed($"{jid} does not exist.");
    }

    /// <summary>Ends the account's sessions (not-authorized) and deletes it with its roster, offline messages and private data.</summary>
    public static async Task<ControlReply> DeleteAsync(ServerHost host, string text)
    {
        if (Check(host, text, "-") is { } problem)
        {
            return problem;
        }

        var jid = Jid.Parse(text);
        var bare = jid.Bare.ToArray();
        var store = host.Server.Store;
        if (!await store.Accounts.DeleteAsync(bare).ConfigureAwait(false))
        {
            return ControlReply.Failed($"{jid} does not exist.");
        }

        foreach (var session in ControlCommands.SessionsOf(host, jid))
        {
            session.Kick(StreamErrorCondition.NotAuthorized);
        }

        await store.Rosters.DeleteAllAsync(bare).ConfigureAwait(false);
        await store.Offline.DeleteAllAsync(bare).ConfigureAwait(false);
        await store.UserData.DeleteAllAsync(bare).ConfigureAwait(false);
        await store.Archive.DeleteAllAsync(bare).ConfigureAwait(false);
        await store.Pep.DeleteAllAsync(bare).ConfigureAwait(false);
        return ControlReply.Ok($"Deleted {jid} with its roster, offline messages and private data.");
    }

    private static ControlReply? Check(ServerHost host, string text, string password)
    {
        if (!Jid.TryParse(text, out var jid) || jid.Local is null || jid.Resource is not null)
        {
            return ControlReply.Usage($"'{text}' is not a bare JID like user@{host.Config.Domains[0]}.");
        }

        if (!host.Config.Domains.Contains(jid.Domain, StringComparer.Ordinal))
        {
            return ControlReply.Usage($"{jid.Domain} is not served here (domains: {string.Join(", ", host.Config.Domains)}).");
        }

        return string.IsNullOrEmpty(password) ? ControlReply.Usage("An empty password is not allowed.") : null;
    }
}
