using System.Diagnostics;
using System.Text;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.CrashWriter;
using HighPerf.Xmpp.Storage.Faster;
using Xunit.Abstractions;

namespace HighPerf.Xmpp.Storage.Tests;

/// <summary>
/// The guarantee users rely on: nothing acknowledged is ever lost. A child process writes as fast as it can
/// and prints each acknowledged write; it is killed with SIGKILL at a random moment (fixed seed), the store is
/// reopened, and every printed write must be there, intact. Rounds reuse the folder, so later rounds crash a
/// store that has already been recovered (and checkpointed) before.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int Rounds = 6;

    // The kill comes at a random moment after the writer is in full swing (its start-up time varies a lot on a busy machine).
    private const int MinimumWritesBeforeKill = 200;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new();
    private readonly Dictionary<string, int> _accounts = [];
    private readonly Dictionary<(string User, string Contact), int> _rosterItems = [];
    private readonly Dictionary<string, int> _rosterSets = [];
    private readonly Dictionary<string, List<string>> _offline = [];
    private readonly Dictionary<(string User, string Key), int> _documents = [];

    public CrashTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_acknowledged_write_survives_SIGKILL()
    {
        var random = new Random(20240607);
        for (var round = 0; round < Rounds; round++)
        {
            var killAfter = TimeSpan.FromMilliseconds(random.Next(0, 800));
            var lines = await RunAndKillAsync(round, killAfter);
            var acknowledged = Record(lines);
            _output.WriteLine($"round {round}: killed {killAfter.TotalMilliseconds} ms after {MinimumWritesBeforeKill} writes, {acknowledged} acknowledged writes");

            await using var store = FasterDataStore.Open(new StoreOptions { Directory = _folder.Path, IndexBuckets = 4096 });
            VerifyEverythingAcknowledged(store);
        }

        Assert.True(_accounts.Count > 0 && _rosterItems.Count > 0 && _offline.Count > 0 && _documents.Count > 0, "the writer acknowledged too little to test");
    }

    private async Task<List<string>> RunAndKillAsync(int round, TimeSpan killAfter)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "HighPerf.Xmpp.Storage.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(writer);
        start.ArgumentList.Add(_folder.Path);
        start.ArgumentList.Add(round.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                int count;
                lock (lines)
                {
                    lines.Add(line);
                    count = lines.Count;
                }
                if (count > MinimumWritesBeforeKill)
                    ready.TrySetResult();
            }
        });
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            var first = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(StartTimeout));
            if (first != ready.Task)
                Assert.Fail($"the writer did not get going: {(process.HasExited ? await errors : "timed out")}");
            await Task.Delay(killAfter);
            if (process.HasExited)
                Assert.Fail($"the writer stopped by itself: {await errors}");
        }
        finally
        {
            process.Kill(); // SIGKILL on Unix
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        lock (lines)
            return [.. lines];
    }

    // Only complete lines count: one cut by the kill has no '$' (and its write was not yet reported).
    private int Record(List<string> lines)
    {
        var count = 0;
        foreach (var raw in lines)
        {
            if (!raw.EndsWith('$') || raw == "READY$")
                continue;
            var line = raw[..^1];
            var parts = line.Split(' ', 3);
            count++;
            switch (parts[0])
            {
                case "A":
                    _accounts[parts[1]] = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "R":
                    var rest = parts[2].Split(' ');
                    _rosterItems[(parts[1], rest[0])] = int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture);
                    _rosterSets[parts[1]] = _rosterSets.GetValueOrDefault(parts[1]) + 1;
                    break;
                case "O":
                    if (!_offline.TryGetValue(parts[1], out var list))
                        _offline[parts[1]] = list = [];
                    list.Add(parts[2]);
                    break;
                case "D":
                    var document = parts[2].Split(' ');
                    _documents[(parts[1], document[0])] = int.Parse(document[1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    Assert.Fail($"unexpected writer output: {raw}");
                    break;
            }
        }
        return count;
    }

    private void VerifyEverythingAcknowledged(IDataStore store)
    {
        foreach (var (user, seed) in _accounts)
        {
            Assert.True(store.Accounts.TryGet(Encoding.UTF8.GetBytes(user), out var record), $"lost account {user}");
            Assert.True(Accounts.AreEqual(AccountFactory.Make(seed), record), $"damaged account {user}");
        }

        // A later write of the same record may have landed without being acknowledged, hence "at least".
        foreach (var ((user, contact), index) in _rosterItems)
        {
            var item = store.Rosters.Get(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(contact));
            Assert.True(item is not null, $"lost roster item {user}/{contact}");
            Assert.True(int.Parse(Encoding.UTF8.GetString(item.Name!).AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) >= index, $"stale roster item {user}/{contact}");
            Assert.Equal("G", Encoding.UTF8.GetString(Assert.Single(item.Groups)));
        }

        foreach (var (user, sets) in _rosterSets)
        {
            Assert.True(store.Rosters.GetVersion(Encoding.UTF8.GetBytes(user)) >= sets, $"roster version of {user} went back");
            var contacts = store.Rosters.GetAll(Encoding.UTF8.GetBytes(user)).Select(i => Encoding.UTF8.GetString(i.Jid)).ToHashSet();
            Assert.True(_rosterItems.Keys.Where(k => k.User == user).All(k => contacts.Contains(k.Contact)), $"roster index of {user} lost a contact");
        }

        // One worker appends to a user's queue sequentially, so the stored queue starts with exactly the acknowledged messages.
        foreach (var (user, acknowledged) in _offline)
        {
            var stored = store.Offline.ReadAll(Encoding.UTF8.GetBytes(user)).Select(m => Encoding.UTF8.GetString(m.Stanza)).ToList();
            Assert.True(stored.Count >= acknowledged.Count, $"lost offline messages of {user}: {stored.Count} < {acknowledged.Count}");
            Assert.Equal(acknowledged, stored.Take(acknowledged.Count));
        }

        foreach (var ((user, key), index) in _documents)
        {
            var value = store.UserData.Get(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(key));
            Assert.True(value is not null, $"lost document {user}/{key}");
            Assert.True(int.Parse(Encoding.UTF8.GetString(value), System.Globalization.CultureInfo.InvariantCulture) >= index, $"stale document {user}/{key}");
        }
    }
}
