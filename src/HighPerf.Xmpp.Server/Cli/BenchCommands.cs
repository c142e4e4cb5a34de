using System.Diagnostics;
using System.Globalization;
using System.Text;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Hosting;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Server.Cli;

/// <summary>
/// Hidden, benchmark-only: <c>adduser-bulk PREFIX COUNT PASSWORD [--first N] [--shared-salt]</c> creates
/// PREFIX{first}..PREFIX{first+COUNT-1} at the first domain for perf/ (load generator accounts). Each account gets its
/// own salt by default, the derivations (two PBKDF2 each) spread over all cores; --shared-salt derives once and gives
/// every account the same salt: fast, and acceptable only for throw-away benchmark accounts, never for real users.
/// Existing accounts are kept. Like adduser, it runs while the server is stopped (with cluster.enabled, into the engine).
/// </summary>
internal static class BenchCommands
{
    private const int Batch = 1024;

    public static async Task<int> AddUsersAsync(ServerConfig config, string prefix, int count, string password, int first, bool sharedSalt)
    {
        if (count <= 0 || first < 0 || string.IsNullOrEmpty(password))
        {
            await Console.Error.WriteLineAsync("adduser-bulk PREFIX COUNT PASSWORD [--first N] [--shared-salt]: COUNT > 0 and a password are required.");
            return 2;
        }

        IDataStore store;
        try
        {
            store = await StoreSetup.OpenAsync(config);
        }
        catch (StoreLockedException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message} Stop the server first.");
            return 1;
        }

        var clock = Stopwatch.StartNew();
        var iterations = config.Auth.ScramIterations;
        AccountRecord? shared = sharedSalt ? ScramCredentials.Derive(password, iterations) : null;
        var domain = config.Domains[0];
        var created = 0;
        await using (store)
        {
            var records = new AccountRecord[Batch];
            var exists = new bool[Batch];
            var names = new byte[Batch][];
            var pending = new ValueTask<bool>[Batch];
            for (var start = 0; start < count; start += Batch)
            {
                var size = Math.Min(Batch, count - start);
                // The existence checks run on this thread: a Garnet store's reads are synchronous round trips, and
                // many at once on thread-pool threads starve the client's own completions (timeouts).
                for (var i = 0; i < size; i++)
                {
                    names[i] = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{prefix}{first + start + i}@{domain}"));
                    exists[i] = store.Accounts.TryGet(names[i], out _);
                }

                Parallel.For(0, size, i => records[i] = exists[i] ? default : shared ?? ScramCredentials.Derive(password, iterations));

                // Issued together so that one group commit covers the batch.
                for (var i = 0; i < size; i++)
                {
#pragma warning disable CA2012 // Each ValueTask is awaited exactly once, below.
                    pending[i] = exists[i] ? ValueTask.FromResult(false) : store.Accounts.CreateAsync(names[i], records[i]);
#pragma warning restore CA2012
                }

                for (var i = 0; i < size; i++)
                {
                    created += await pending[i] ? 1 : 0;
                }
            }

            await store.CommitAsync();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Created {created} of {count} accounts {prefix}{first}..{prefix}{first + count - 1}@{domain} in {clock.Elapsed.TotalSeconds:F1} s{(sharedSalt ? " (shared salt: benchmark accounts only)" : "")}."));
        return 0;
    }
}
