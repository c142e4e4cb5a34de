using System.Collections.Concurrent;
using System.Text;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.TestKit.Processes;
using Xunit.Abstractions;

namespace HighPerf.Xmpp.Cluster.Tests.Store;

/// <summary>
/// The cluster's durability rule, shown on the engine process: writers on 16 tasks write accounts, roster items,
/// offline messages and documents as fast as the engine acknowledges them; the Garnet process is killed with SIGKILL
/// in the middle; after a restart (recovery from its AOF) every acknowledged write must be there, intact. Rounds reuse
/// the engine's folder, so later rounds crash an engine that has recovered before.
/// </summary>
public sealed class ClusterStoreCrashTests(ITestOutputHelper output)
{
    private const int Rounds = 3;
    private const int Writers = 16;
    private const int AcknowledgedBeforeKill = 400;

    private readonly ConcurrentBag<(string User, int Seed)> _accounts = [];
    private readonly ConcurrentBag<(string User, string Contact)> _rosterItems = [];
    private readonly ConcurrentBag<(string User, string Id)> _offline = [];
    private readonly ConcurrentBag<(string User, string Key, string Value)> _documents = [];

    [Fact]
    public async Task Every_acknowledged_write_survives_SIGKILL_of_the_engine()
    {
        await using var garnet = await GarnetProcess.StartAsync();
        var random = new Random(18);
        for (var round = 0; round < Rounds; round++)
        {
            var acknowledged = await WriteAndKillAsync(garnet, round, random.Next(0, 300));
            await garnet.RestartAsync();
            await using var store = await GarnetDataStore.ConnectAsync(Options(garnet));
            var checkedWrites = Verify(store);
            output.WriteLine($"round {round}: {acknowledged} writes acknowledged before and after the kill, {checkedWrites} verified after recovery");
        }

        Assert.True(!_accounts.IsEmpty && !_rosterItems.IsEmpty && !_offline.IsEmpty && !_documents.IsEmpty, "too little was acknowledged to test");
    }

    private async Task<int> WriteAndKillAsync(GarnetProcess garnet, int round, int extraWrites)
    {
        await using var store = await GarnetDataStore.ConnectAsync(Options(garnet));
        var acknowledged = 0;
        var stop = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; Volatile.Read(ref stop) == 0 && i < 100_000; i++)
            {
                try
                {
                    await WriteOneAsync(store, round, writer, i);
                }
                catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
                {
                    return; // the engine died under this write: not acknowledged, so nothing to check
                }

                if (Interlocked.Increment(ref acknowledged) >= AcknowledgedBeforeKill + extraWrites)
                {
                    enough.TrySetResult();
                }
            }
        })).ToArray();

        await enough.Task.WaitAsync(TimeSpan.FromSeconds(120));
        await garnet.KillAsync();
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        return Volatile.Read(ref acknowledged);
    }

    // Each write records itself only after its task completed, i.e. after the engine acknowledged it.
    private async Task WriteOneAsync(GarnetDataStore store, int round, int writer, int i)
    {
        var seed = (round * 1_000_000) + (writer * 10_000) + i;
        switch (i % 4)
        {
            case 0:
                var user = $"u{round}-{writer}-{i}@crash.lit";
                Assert.True(await store.Accounts.CreateAsync(B(user), MakeAccount(seed)));
                _accounts.Add((user, seed));
                break;
            case 1:
                var owner = $"r{writer}@crash.lit";
                var contact = $"c{round}-{i}@crash.lit";
                await store.Rosters.SetAsync(B(owner), new RosterItemRecord { Jid = B(contact), Name = B(contact), Subscription = SubscriptionState.Both });
                _rosterItems.Add((owner, contact));
                break;
            case 2:
                var recipient = $"o{writer}@crash.lit";
                var id = $"{round}-{i}";
                Assert.Equal(OfflineAppendResult.Stored, await store.Offline.AppendAsync(B(recipient), B($"<message id='{id}'><body>{seed}</body></message>")));
                _offline.Add((recipient, id));
                break;
            default:
                var holder = $"d{writer}@crash.lit";
                var key = $"k{round}-{i}";
                var value = $"<vCard>{seed}</vCard>";
                await store.UserData.SetAsync(B(holder), B(key), B(value));
                _documents.Add((holder, key, value));
                break;
        }
    }

    private int Verify(GarnetDataStore store)
    {
        var count = 0;
        foreach (var (user, seed) in _accounts)
        {
            Assert.True(store.Accounts.TryGet(B(user), out var record), $"acknowledged account {user} is missing");
            Assert.Equal(MakeAccount(seed).Iterations, record.Iterations);
            Assert.Equal(MakeAccount(seed).CreatedUnixMs, record.CreatedUnixMs);
            count++;
        }

        foreach (var (owner, contact) in _rosterItems)
        {
            var item = store.Rosters.Get(B(owner), B(contact));
            Assert.True(item is not null, $"acknowledged roster item {owner} → {contact} is missing");
            Assert.Equal(contact, Encoding.UTF8.GetString(item!.Name!));
            count++;
        }

        foreach (var group in _offline.GroupBy(m => m.User))
        {
            var stored = store.Offline.ReadAll(B(group.Key)).Select(m => Encoding.UTF8.GetString(m.Stanza)).ToHashSet();
            foreach (var (_, id) in group)
            {
                Assert.Contains(stored, s => s.StartsWith($"<message id='{id}'>", StringComparison.Ordinal));
                count++;
            }
        }

        foreach (var (holder, key, value) in _documents)
        {
            Assert.Equal(value, Encoding.UTF8.GetString(store.UserData.Get(B(holder), B(key)) ?? []));
            count++;
        }

        return count;
    }

    private static GarnetStoreOptions Options(GarnetProcess garnet) => new() { Endpoints = [garnet.EndPoint], KeyPrefix = "crash:" };

    private static AccountRecord MakeAccount(int seed) => new() { Iterations = 4096 + seed, SaltLength = 16, CreatedUnixMs = 1_700_000_000_000 + seed };

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);
}
