using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Tests;

public class OfflineStoreTests : StoreTestBase
{
    private static readonly byte[] Juliet = B("juliet@capulet.lit");

    protected override StoreOptions CreateOptions() => base.CreateOptions() with { OfflineMessagesPerUser = 10 };

    [Fact]
    public async Task Messages_come_back_in_arrival_order_until_deleted()
    {
        for (var i = 0; i < 5; i++)
            Assert.Equal(OfflineAppendResult.Stored, await Store.Offline.AppendAsync(Juliet, B($"<message id='{i}'/>")));

        Assert.Equal(5, Store.Offline.Count(Juliet));
        var messages = Store.Offline.ReadAll(Juliet);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"<message id='{i}'/>"), messages.Select(m => System.Text.Encoding.UTF8.GetString(m.Stanza)));
        Assert.True(messages.Zip(messages.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence));

        await Store.Offline.DeleteThroughAsync(Juliet, messages[2].Sequence);

        Assert.Equal(2, Store.Offline.Count(Juliet));
        Assert.Equal([messages[3].Sequence, messages[4].Sequence], Store.Offline.ReadAll(Juliet).Select(m => m.Sequence));
    }

    [Fact]
    public async Task Empty_queue_reads_empty()
    {
        Assert.Equal(0, Store.Offline.Count(Juliet));
        Assert.Empty(Store.Offline.ReadAll(Juliet));
        await Store.Offline.DeleteThroughAsync(Juliet, 100);
        await Store.Offline.DeleteAllAsync(Juliet);
        Assert.Empty(Store.Offline.ReadAll(Juliet));
    }

    [Fact]
    public async Task Cap_returns_Full_and_stores_nothing_more()
    {
        for (var i = 0; i < 10; i++)
            Assert.Equal(OfflineAppendResult.Stored, await Store.Offline.AppendAsync(Juliet, B($"m{i}")));

        Assert.Equal(OfflineAppendResult.Full, await Store.Offline.AppendAsync(Juliet, B("one too many")));
        Assert.Equal(10, Store.Offline.Count(Juliet));

        var all = Store.Offline.ReadAll(Juliet);
        await Store.Offline.DeleteThroughAsync(Juliet, all[0].Sequence);
        Assert.Equal(OfflineAppendResult.Stored, await Store.Offline.AppendAsync(Juliet, B("room again")));
    }

    [Fact]
    public async Task Concurrent_appends_never_exceed_the_cap_nor_lose_a_stored_message()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () => (i, await Store.Offline.AppendAsync(Juliet, B($"m{i}"))))));

        var stored = results.Where(r => r.Item2 == OfflineAppendResult.Stored).Select(r => $"m{r.i}").ToHashSet();
        Assert.Equal(10, stored.Count);
        Assert.Equal(stored, Store.Offline.ReadAll(Juliet).Select(m => System.Text.Encoding.UTF8.GetString(m.Stanza)).ToHashSet());
    }

    [Fact]
    public async Task Concurrent_appends_for_many_users_all_arrive_in_order()
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (user, _) =>
        {
            for (var i = 0; i < 10; i++)
                Assert.Equal(OfflineAppendResult.Stored, await Store.Offline.AppendAsync(B($"u{user}@x"), B($"{user}:{i}")));
        });

        for (var user = 0; user < 8; user++)
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{user}:{i}"), Store.Offline.ReadAll(B($"u{user}@x")).Select(m => System.Text.Encoding.UTF8.GetString(m.Stanza)));
    }

    [Fact]
    public async Task DeleteAll_empties_the_queue()
    {
        for (var i = 0; i < 4; i++)
            await Store.Offline.AppendAsync(Juliet, B($"m{i}"));

        await Store.Offline.DeleteAllAsync(Juliet);

        Assert.Equal(0, Store.Offline.Count(Juliet));
        Assert.Empty(Store.Offline.ReadAll(Juliet));
    }

    [Fact]
    public async Task Messages_survive_a_restart_and_sequences_keep_growing()
    {
        for (var i = 0; i < 6; i++)
            await Store.Offline.AppendAsync(Juliet, B($"m{i}"));
        var before = Store.Offline.ReadAll(Juliet);
        await Store.Offline.DeleteThroughAsync(Juliet, before[1].Sequence);

        await ReopenAsync();

        var after = Store.Offline.ReadAll(Juliet);
        Assert.Equal(before.Skip(2).Select(m => m.Sequence), after.Select(m => m.Sequence));
        Assert.Equal(before.Skip(2).Select(m => m.Stanza), after.Select(m => m.Stanza));
        await Store.Offline.AppendAsync(Juliet, B("later"));
        Assert.True(Store.Offline.ReadAll(Juliet)[^1].Sequence > before[^1].Sequence);
    }
}
