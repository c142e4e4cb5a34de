using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Control;
using HighPerf.Xmpp.Server.Hosting;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Server.Cli;

/// <summary>
/// adduser / passwd / deluser. The store admits one process at a time: while a server runs, the command goes to
/// it over its control socket (it owns the store); otherwise the command opens the store itself.
/// </summary>
internal static class UserCommands
{
    public static async Task<int> AddUserAsync(ServerConfig config, string jidText, string? password)
    {
        if (!TryParseAccount(config, jidText, out var jid))
        {
            return 2;
        }

        password ??= ReadNewPassword();
        if (password is null)
        {
            return 2;
        }

        if (await ThroughServerAsync(config, "adduser", jidText, password) is { } exit)
        {
            return exit;
        }

        var record = ScramCredentials.Derive(password, config.Auth.ScramIterations);
        var bare = jid.Bare.ToArray();
        return await WithStoreAsync(config, async store =>
        {
            if (!await store.Accounts.CreateAsync(bare, record))
            {
                await Console.Error.WriteLineAsync($"{jid} already exists (use passwd to change its password).");
                return 1;
            }

            Console.WriteLine($"Created {jid}.");
            return 0;
        });
    }

    public static async Task<int> ChangePasswordAsync(ServerConfig config, string jidText, string? password)
    {
        if (!TryParseAccount(config, jidText, out var jid))
        {
            return 2;
        }

        password ??= ReadNewPassword();
        if (password is null)
        {
            return 2;
        }

        if (await ThroughServerAsync(config, "passwd", jidText, password) is { } exit)
        {
            return exit;
        }

        var record = ScramCredentials.Derive(password, config.Auth.ScramIterations);
        var bare = jid.Bare.ToArray();
        return await WithStoreAsync(config, async store =>
        {
            if (!await store.Accounts.UpdateAsync(bare, record))
            {
                await Console.Error.WriteLineAsync($"{jid} does not exist.");
                return 1;
            }

            Console.WriteLine($"Changed the password of {jid}.");
            return 0;
        });
    }

    public static async Task<int> DeleteUserAsync(ServerConfig config, string jidText)
    {
        if (!TryParseAccount(config, jidText, out var jid))
        {
            return 2;
        }

        if (await ThroughServerAsync(config, "deluser", jidText) is { } exit)
        {
            return exit;
        }

        var bare = jid.Bare.ToArray();
        return await WithStoreAsync(config, async store =>
        {
            if (!await store.Accounts.DeleteAsync(bare))
            {
                await Console.Error.WriteLineAsync($"{jid} does not exist.");
                return 1;
            }

            await store.Rosters.DeleteAllAsync(bare);
            await store.Offline.DeleteAllAsync(bare);
            await store.UserData.DeleteAllAsync(bare);
            await store.Archive.DeleteAllAsync(bare);
            Console.WriteLine($"Deleted {jid} with its roster, offline messages and private data.");
            return 0;
        });
    }

    /// <summary>Runs the command in the running server when one answers on the control socket; null when none does.</summary>
    private static async Task<int?> ThroughServerAsync(ServerConfig config, string command, params string[] args)
    {
        if (!config.Control.Enabled || await ControlClient.TrySendAsync(config.ControlSocketPath(), command, args) is not { } reply)
        {
            return null;
        }

        return await AdminCommands.PrintAsync(reply);
    }

    private static bool TryParseAccount(ServerConfig config, string text, out Jid jid)
    {
        if (!Jid.TryParse(text, out jid!) || jid.Local is null || jid.Resource is not null)
        {
            Console.Error.WriteLine($"'{text}' is not a bare JID like user@{config.Domains[0]}.");
            return false;
        }

        if (!config.Domains.Contains(jid.Domain, StringComparer.Ordinal))
        {
            Console.Error.WriteLine($"{jid.Domain} is not served here (domains: {string.Join(", ", config.Domains)}).");
            return false;
        }

        return true;
    }

    private static string? ReadNewPassword()
    {
        var first = PasswordPrompt.Read("Password: ");
        if (string.IsNullOrEmpty(first))
        {
            Console.Error.WriteLine("An empty password is not allowed.");
            return null;
        }

        if (!Console.IsInputRedirected && PasswordPrompt.Read("Again: ") != first)
        {
            Console.Error.WriteLine("The passwords differ.");
            return null;
        }

        return first;
    }

    private static async Task<int> WithStoreAsync(ServerConfig config, Func<IDataStore, Task<int>> action)
    {
        IDataStore store;
        try
        {
            store = await StoreSetup.OpenAsync(config);
        }
        catch (StoreLockedException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message} The running server does not answer on its control socket ({config.ControlSocketPath()}): enable control in its configuration, or stop it first.");
            return 1;
        }

        await using (store)
        {
            return await action(store);
        }
    }
}
