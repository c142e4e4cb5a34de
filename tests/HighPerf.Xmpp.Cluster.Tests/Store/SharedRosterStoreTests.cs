using System.Text;
using System.Threading.Channels;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Cluster.Tests.Store;

/// <summary>
/// The cluster side of the Garnet roster store: a change is a compare-and-set on the stored item (a node whose copy is
/// stale writes nothing), an item and the roster version are read together, and changes announced by one node reach
/// the others but not itself.
/// </summary>
public sealed class SharedRosterStoreTests : IAsyncLifetime
{
    private static readonly byte[] Alice = Encoding.UTF8.GetBytes("alice@localhost");
    private static readonly byte[] Bob = Encoding.UTF8.GetBytes("bob@localhost");
    private readonly string _prefix = SharedGarnet.NewPrefix();
    private GarnetDataStore _nodeA = null!;
    private GarnetDataStore _nodeB = null!;

    private ISharedRosterStore A => (ISharedRosterStore)_nodeA.Rosters;

    private ISharedRosterStore B => (ISharedRosterStore)_nodeB.Rosters;

    public async Task InitializeAsync()
    {
        var endpoint = (await SharedGarnet.GetAsync()).EndPoint;
        _nodeA = await GarnetDataStore.ConnectAsync(new GarnetStoreOptions { Endpoints = [endpoint], KeyPrefix = _prefix });
        _nodeB = await GarnetDataStore.ConnectAsync(new GarnetStoreOptions { Endpoints = [endpoint], KeyPrefix = _prefix });
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
    }

    [Fact]
    public async Task A_replace_from_a_stale_copy_writes_nothing_and_one_from_the_stored_item_applies()
    {
        var pending = new RosterItemRecord { Jid = Bob, PendingOut = true };
        var v1 = await A.ReplaceAsync(Alice, Bob, expected: null, pending);
        Assert.True(v1 > 0);

        // Node B still thinks the item is absent: its change is refused, the stored item is untouched.
        Assert.Equal(-1, await B.ReplaceAsync(Alice, Bob, expected: null, new RosterItemRecord { Jid = Bob, Name = Utf8("stale") }));
        var (item, version) = B.Read(Alice, Bob);
        Assert.Equal(v1, version);
        Assert.True(item!.PendingOut);
        Assert.Null(item.Name);

        // Redone on the stored item, it applies; a removal from the stored item too, and then reads back absent.
        var both = new RosterItemRecord { Jid = Bob, Subscription = SubscriptionState.Both, Name = Utf8("Bob") };
        var v2 = await B.ReplaceAsync(Alice, Bob, item, both);
        Assert.Equal(v1 + 1, v2);
        Assert.Equal(-1, await A.ReplaceAsync(Alice, Bob, pending, next: null));
        Assert.Equal(v2 + 1, await A.ReplaceAsync(Alice, Bob, A.Read(Alice, Bob).Item, next: null));
        var removed = A.Read(Alice, Bob);
        Assert.Null(removed.Item);
        Assert.Equal(v2 + 1, removed.Version);
        Assert.Equal(v2 + 1, await A.ReplaceAsync(Alice, Bob, expected: null, next: null)); // absent stays absent, version kept
    }

    [Fact]
    public async Task An_announced_change_reaches_the_other_nodes_but_not_its_sender()
    {
        var atA = Channel.CreateUnbounded<string>();
        var atB = Channel.CreateUnbounded<string>();
        A.OnChanged((user, contact, delivered) => atA.Writer.TryWrite(Text(user, contact, delivered)));
        B.OnChanged((user, contact, delivered) => atB.Writer.TryWrite(Text(user, contact, delivered)));

        A.Announce(Alice, Bob, "<presence type='subscribe'/>"u8);
        A.Announce(Bob, Alice, default);
        await _nodeA.CommitAsync(); // A's publishes are done: had they come back to A, they would come before B's
        B.Announce(Alice, Bob, default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.Equal("alice@localhost|bob@localhost|<presence type='subscribe'/>", await atB.Reader.ReadAsync(timeout.Token));
        Assert.Equal("bob@localhost|alice@localhost|", await atB.Reader.ReadAsync(timeout.Token));
        Assert.Equal("alice@localhost|bob@localhost|", await atA.Reader.ReadAsync(timeout.Token));

        // A's own announcements never came back to A: B's (published after them) is the only one there.
        Assert.False(atA.Reader.TryRead(out _));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact, ReadOnlySpan<byte> delivered)
        => $"{Encoding.UTF8.GetString(user)}|{Encoding.UTF8.GetString(contact)}|{Encoding.UTF8.GetString(delivered)}";
}
