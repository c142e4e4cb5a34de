using System.Text;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Xmpp.Storage.Tests;

public class ArchiveStoreTests : StoreTestBase
{
    private static readonly byte[] Juliet = B("juliet@capulet.lit");
    private static readonly byte[] Romeo = B("romeo@montague.lit");
    private static readonly byte[] Nurse = B("nurse@capulet.lit");
    private const long T0 = 1_700_000_000_000_000;

    protected override StoreOptions CreateOptions() => base.CreateOptions() with { IndexBuckets = 4096, ArchiveSegmentBytes = 2L << 20 };

    private IArchiveStore Archive => Store.Archive;

    /// <summary>Appends m0..m(n-1) alternating between romeo (even) and the nurse (odd), one second apart; waits for durability.</summary>
    private async Task<List<ArchiveAppendResult>> AppendAsync(int count, byte[]? owner = null, int startAt = 0)
    {
        var results = new List<ArchiveAppendResult>();
        for (var i = startAt; i < startAt + count; i++)
        {
            var peer = i % 2 == 0 ? Romeo : Nurse;
            var detail = B(Encoding.UTF8.GetString(peer) + (i % 4 < 2 ? "/orchard" : "/balcony"));
            results.Add(Archive.Append(owner ?? Juliet, peer, detail, T0 + i * 1_000_000L, B($"<message id='m{i}'/>")));
        }

        await Archive.WhenDurableAsync(results[^1].Position);
        return results;
    }

    private async Task<ArchivePage> QueryAsync(ArchiveQuery query, byte[]? owner = null) => await Archive.QueryAsync(owner ?? Juliet, query);

    private static string[] Ids(ArchivePage page) => page.Messages.Select(m => Encoding.UTF8.GetString(m.Message.Span)).ToArray();

    private static string[] Range(int from, int count, int step = 1) => Enumerable.Range(0, count).Select(i => $"<message id='m{from + i * step}'/>").ToArray();

    [Fact]
    public async Task Entries_come_back_oldest_first_with_growing_ids_and_times()
    {
        var appended = await AppendAsync(5);
        var page = await QueryAsync(new ArchiveQuery());

        Assert.Equal(Range(0, 5), Ids(page));
        Assert.Equal(appended.Select(a => a.Id), page.Messages.Select(m => m.Id));
        Assert.Equal(appended.Select(a => a.TimestampUs), page.Messages.Select(m => m.TimestampUs));
        Assert.Equal(5, page.Count);
        Assert.True(page.Complete);
        Assert.True(appended.Zip(appended.Skip(1)).All(p => p.First.Id.Value < p.Second.Id.Value));
    }

    [Fact]
    public async Task A_timestamp_that_does_not_grow_is_raised_past_the_previous_one()
    {
        var first = Archive.Append(Juliet, Romeo, Romeo, T0, B("<message id='a'/>"));
        var second = Archive.Append(Juliet, Romeo, Romeo, T0 - 5, B("<message id='b'/>"));
        await Archive.WhenDurableAsync(second.Position);
        Assert.Equal(first.TimestampUs + 1, second.TimestampUs);
    }

    [Fact]
    public async Task Archives_of_different_owners_are_separate()
    {
        await AppendAsync(3);
        await AppendAsync(2, Romeo, startAt: 10);
        Assert.Equal(Range(0, 3), Ids(await QueryAsync(new ArchiveQuery())));
        Assert.Equal(Range(10, 2), Ids(await QueryAsync(new ArchiveQuery(), Romeo)));
        Assert.Empty((await QueryAsync(new ArchiveQuery(), Nurse)).Messages);
    }

    [Fact]
    public async Task A_peer_filter_returns_that_peers_entries_and_a_detail_filter_only_the_exact_detail()
    {
        await AppendAsync(12);
        var romeo = await QueryAsync(new ArchiveQuery { Peer = Romeo });
        Assert.Equal(Range(0, 6, 2), Ids(romeo));
        Assert.Equal(6, romeo.Count);

        var orchard = await QueryAsync(new ArchiveQuery { Peer = Romeo, PeerDetail = B("romeo@montague.lit/orchard") });
        Assert.Equal(["<message id='m0'/>", "<message id='m4'/>", "<message id='m8'/>"], Ids(orchard));
        Assert.Equal(3, orchard.Count);

        Assert.Empty((await QueryAsync(new ArchiveQuery { Peer = B("tybalt@capulet.lit") })).Messages);
    }

    [Fact]
    public async Task A_time_range_is_inclusive_at_both_ends()
    {
        await AppendAsync(10);
        var page = await QueryAsync(new ArchiveQuery { StartUs = T0 + 3_000_000, EndUs = T0 + 6_000_000 });
        Assert.Equal(Range(3, 4), Ids(page));
        var romeo = await QueryAsync(new ArchiveQuery { Peer = Romeo, StartUs = T0 + 3_000_000, EndUs = T0 + 6_000_000 });
        Assert.Equal(["<message id='m4'/>", "<message id='m6'/>"], Ids(romeo));
    }

    [Fact]
    public async Task After_and_before_id_filters_are_exclusive_and_unknown_ids_are_reported()
    {
        var appended = await AppendAsync(10);
        var page = await QueryAsync(new ArchiveQuery { AfterId = appended[2].Id, BeforeId = appended[7].Id });
        Assert.Equal(Range(3, 4), Ids(page));
        var romeo = await QueryAsync(new ArchiveQuery { Peer = Romeo, AfterId = appended[3].Id });
        Assert.Equal(Range(4, 3, 2), Ids(romeo));

        Assert.True((await QueryAsync(new ArchiveQuery { AfterId = new ArchiveId(appended[2].Id.Value + 1000) })).UnknownId);
        Assert.True((await QueryAsync(new ArchiveQuery { PageAfter = ArchiveId.From(appended[0].Id.Epoch + 1, 1) })).UnknownId);
        Assert.True((await QueryAsync(new ArchiveQuery { PageBefore = appended[0].Id }, Nurse)).UnknownId);
    }

    [Fact]
    public async Task Pages_go_forward_after_an_id_and_back_before_one_with_complete_and_index()
    {
        var appended = await AppendAsync(10);

        var first = await QueryAsync(new ArchiveQuery { Max = 4 });
        Assert.Equal(Range(0, 4), Ids(first));
        Assert.False(first.Complete);
        Assert.Equal(10, first.Count);
        var second = await QueryAsync(new ArchiveQuery { Max = 4, PageAfter = first.Messages[^1].Id });
        Assert.Equal(Range(4, 4), Ids(second));
        Assert.Equal(4, second.FirstIndex);
        var third = await QueryAsync(new ArchiveQuery { Max = 4, PageAfter = second.Messages[^1].Id });
        Assert.Equal(Range(8, 2), Ids(third));
        Assert.True(third.Complete);

        var last = await QueryAsync(new ArchiveQuery { Max = 3, LastPage = true });
        Assert.Equal(Range(7, 3), Ids(last));
        Assert.False(last.Complete);
        var before = await QueryAsync(new ArchiveQuery { Max = 3, PageBefore = last.Messages[0].Id });
        Assert.Equal(Range(4, 3), Ids(before));
        var start = await QueryAsync(new ArchiveQuery { Max = 5, PageBefore = appended[3].Id });
        Assert.Equal(Range(0, 3), Ids(start));
        Assert.True(start.Complete);
        Assert.Equal(0, start.FirstIndex);

        var countOnly = await QueryAsync(new ArchiveQuery { Max = 0 });
        Assert.Empty(countOnly.Messages);
        Assert.Equal(10, countOnly.Count);
    }

    [Fact]
    public async Task Pages_of_a_filtered_query_page_through_the_matches_only()
    {
        await AppendAsync(20);
        var first = await QueryAsync(new ArchiveQuery { Peer = Romeo, PeerDetail = B("romeo@montague.lit/orchard"), Max = 2 });
        Assert.Equal(["<message id='m0'/>", "<message id='m4'/>"], Ids(first));
        Assert.Equal(5, first.Count);
        var next = await QueryAsync(new ArchiveQuery { Peer = Romeo, PeerDetail = B("romeo@montague.lit/orchard"), Max = 2, PageAfter = first.Messages[^1].Id });
        Assert.Equal(["<message id='m8'/>", "<message id='m12'/>"], Ids(next));
        var back = await QueryAsync(new ArchiveQuery { Peer = Nurse, Max = 3, LastPage = true });
        Assert.Equal(Range(15, 3, 2), Ids(back));
    }

    [Fact]
    public async Task An_id_list_returns_those_entries_in_archive_order()
    {
        var appended = await AppendAsync(8);
        var page = await QueryAsync(new ArchiveQuery { Ids = [appended[5].Id, appended[1].Id, appended[5].Id] });
        Assert.Equal(["<message id='m1'/>", "<message id='m5'/>"], Ids(page));
        var romeo = await QueryAsync(new ArchiveQuery { Peer = Romeo, Ids = [appended[5].Id, appended[2].Id] });
        Assert.Equal(["<message id='m2'/>"], Ids(romeo));
        Assert.True((await QueryAsync(new ArchiveQuery { Ids = [new ArchiveId(12345)] })).UnknownId);
    }

    [Fact]
    public async Task Ids_round_trip_through_their_text_form()
    {
        var id = ArchiveId.From(0xABCDEF, 42);
        Span<byte> text = stackalloc byte[ArchiveId.TextLength];
        id.Format(text);
        Assert.Equal(id.ToString(), Encoding.ASCII.GetString(text));
        Assert.True(ArchiveId.TryParse(text, out var parsed));
        Assert.Equal(id, parsed);
        Assert.Equal(42, parsed.Sequence);
        Assert.Equal(0xABCDEFu, parsed.Epoch);
        Assert.False(ArchiveId.TryParse("abc"u8, out _));
        Assert.False(ArchiveId.TryParse("ABCDEF0000000000"u8, out _));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_archive_survives_a_clean_restart()
    {
        var appended = await AppendAsync(6);
        await ReopenAsync();
        var page = await QueryAsync(new ArchiveQuery { Peer = Romeo });
        Assert.Equal(Range(0, 3, 2), Ids(page));
        Assert.Equal(appended[0].Id, page.Messages[0].Id);
        var next = Archive.Append(Juliet, Romeo, Romeo, T0, B("<message id='after'/>"));
        Assert.Equal(appended[^1].Id.Sequence + 1, next.Id.Sequence);
        Assert.Equal(appended[0].Id.Epoch, next.Id.Epoch);
    }

    [Fact]
    public async Task Durable_entries_survive_a_stop_without_checkpoint_by_replaying_the_archive_log()
    {
        var options = CreateOptions() with { CheckpointLogBytes = 64 * 1024 };
        await Store.DisposeAsync();
        var store = (FasterStore)FasterDataStore.Open(options);
        var last = default(ArchiveAppendResult);
        var stanza = new string('x', 500);
        for (var i = 0; i < 400; i++)
            last = store.Archive.Append(B($"u{i % 4}@x"), B($"p{i % 7}@x"), B($"p{i % 7}@x/r"), T0 + i, B($"<message id='{i}'>{stanza}</message>"));
        await store.Archive.WhenDurableAsync(last.Position);
        for (var i = 0; i < 100 && store.Manifest.ArchiveReplayFrom == 0; i++)
            await Task.Delay(50);
        Assert.NotEqual(0, store.Manifest.ArchiveReplayFrom);
        for (var i = 400; i < 500; i++)
            last = store.Archive.Append(B($"u{i % 4}@x"), B($"p{i % 7}@x"), B($"p{i % 7}@x/r"), T0 + i, B($"<message id='{i}'>{stanza}</message>"));
        await store.Archive.WhenDurableAsync(last.Position);
        store.Abandon();

        Store = FasterDataStore.Open(options);
        var total = 0;
        for (var u = 0; u < 4; u++)
        {
            var page = await Store.Archive.QueryAsync(B($"u{u}@x"), new ArchiveQuery { Max = 1000 });
            Assert.Equal(125, page.Messages.Count);
            Assert.Equal(Enumerable.Range(0, 125).Select(k => $"<message id='{u + 4 * k}'>{stanza}</message>"), page.Messages.Select(m => Encoding.UTF8.GetString(m.Message.Span)));
            total += page.Messages.Count;
            var peer = await Store.Archive.QueryAsync(B($"u{u}@x"), new ArchiveQuery { Peer = B("p3@x"), Max = 1000 });
            Assert.All(peer.Messages, m => Assert.Equal(3, int.Parse(Encoding.UTF8.GetString(m.Message.Span)[13..].Split('\'')[0], System.Globalization.CultureInfo.InvariantCulture) % 7));
        }

        Assert.Equal(500, total);
    }

    [Fact]
    public async Task Deleting_an_archive_forgets_it_and_a_new_one_gets_new_ids()
    {
        var old = await AppendAsync(4);
        await Archive.DeleteAllAsync(Juliet);
        Assert.Empty((await QueryAsync(new ArchiveQuery())).Messages);
        Assert.Empty((await QueryAsync(new ArchiveQuery { Peer = Romeo })).Messages);
        Assert.True((await QueryAsync(new ArchiveQuery { PageAfter = old[0].Id })).UnknownId);

        var fresh = await AppendAsync(2, startAt: 50);
        Assert.NotEqual(old[0].Id.Epoch, fresh[0].Id.Epoch);
        Assert.Equal(0, fresh[0].Id.Sequence);

        ((FasterStore)Store).Abandon();
        Store = FasterDataStore.Open(CreateOptions());
        Assert.Equal(Range(50, 2), Ids(await QueryAsync(new ArchiveQuery())));
        Assert.Equal(["<message id='m50'/>"], Ids(await QueryAsync(new ArchiveQuery { Peer = Romeo })));
    }

    [Fact]
    public async Task Retention_forgets_older_entries_truncates_the_log_and_deletes_whole_segments()
    {
        var stanza = new string('y', 4000);
        var last = default(ArchiveAppendResult);
        for (var i = 0; i < 2000; i++)
            last = Archive.Append(i % 2 == 0 ? Juliet : Romeo, Nurse, Nurse, T0 + i * 1000L, B($"<message id='{i}'>{stanza}</message>"));
        await Archive.WhenDurableAsync(last.Position);
        var segmentsBefore = Directory.GetFiles(Path.Combine(Folder.Path, "archive"), "archive.log.*").Length;
        Assert.True(segmentsBefore >= 3, $"{segmentsBefore} segments");

        var expired = await Archive.ExpireBeforeAsync(DateTimeOffset.FromUnixTimeMilliseconds((T0 + 1500 * 1000L) / 1000));

        Assert.Equal(1500, expired);
        var page = await QueryAsync(new ArchiveQuery { Max = 1000 });
        Assert.Equal(250, page.Count);
        Assert.Equal($"<message id='1500'>{stanza}</message>", Encoding.UTF8.GetString(page.Messages[0].Message.Span));
        Assert.True(Archive.Space.BeginAddress > 0);
        Assert.True(Directory.GetFiles(Path.Combine(Folder.Path, "archive"), "archive.log.*").Length < segmentsBefore);

        await ReopenAsync();
        Assert.Equal(250, (await QueryAsync(new ArchiveQuery { Max = 1000 })).Messages.Count);
        Assert.Equal(250, (await QueryAsync(new ArchiveQuery { Peer = Nurse, Max = 1000 }, Romeo)).Messages.Count);
        Assert.Equal(0, await Archive.ExpireBeforeAsync(DateTimeOffset.FromUnixTimeMilliseconds((T0 + 1000 * 1000L) / 1000)));
    }

    [Fact]
    public async Task A_position_reports_its_durability_to_a_listener()
    {
        var append = Archive.Append(Juliet, Romeo, Romeo, T0, B("<message/>"));
        var listener = new Listener();
        if (Archive.NotifyWhenDurable(append.Position, listener))
            Assert.True(await listener.Told.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(Archive.IsDurable(append.Position));
        Assert.False(Archive.NotifyWhenDurable(append.Position, listener));
    }

    [Fact]
    public async Task Appending_allocates_nothing_once_warm()
    {
        var message = new byte[300];
        var last = default(ArchiveAppendResult);
        for (var i = 0; i < 2000; i++)
            last = Archive.Append(Juliet, Romeo, Romeo, T0 + i, message);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 2000; i++)
            last = Archive.Append(Juliet, Romeo, Romeo, T0 + i, message);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 2000, $"{allocated} bytes for 2000 appends");
        await Archive.WhenDurableAsync(last.Position);
    }

    private sealed class Listener : IDurabilityListener
    {
        public TaskCompletionSource<bool> Told { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnDurable() => Told.TrySetResult(true);
    }
}
