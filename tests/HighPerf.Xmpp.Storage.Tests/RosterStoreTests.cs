using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Tests;

public class RosterStoreTests : StoreTestBase
{
    private static readonly byte[] Romeo = B("romeo@montague.lit");

    [Fact]
    public async Task Set_then_get_returns_every_field()
    {
        var item = new RosterItemRecord
        {
            Jid = B("juliet@capulet.lit"),
            Name = B("Juliet ♥"),
            Groups = [B("Friends"), B("Capulets")],
            Subscription = SubscriptionState.From,
            PendingOut = true,
            PendingIn = true,
            PreApproved = true,
            PendingInStanza = B("<presence from='juliet@capulet.lit' type='subscribe'/>"),
            Hidden = true,
        };

        Assert.Equal(1, await Store.Rosters.SetAsync(Romeo, item));

        AssertSame(item, Store.Rosters.Get(Romeo, B("juliet@capulet.lit")));
        AssertSame(item, Assert.Single(Store.Rosters.GetAll(Romeo)));
        Assert.Null(Store.Rosters.Get(Romeo, B("nurse@capulet.lit")));
    }

    [Fact]
    public async Task Minimal_item_round_trips()
    {
        var item = new RosterItemRecord { Jid = B("benvolio@montague.lit") };
        await Store.Rosters.SetAsync(Romeo, item);

        var read = Store.Rosters.Get(Romeo, item.Jid);
        AssertSame(item, read);
        Assert.Null(read!.Name);
        Assert.Null(read.PendingInStanza);
        Assert.Empty(read.Groups);
    }

    [Fact]
    public async Task Version_counts_changes_and_update_does_not_duplicate()
    {
        Assert.Equal(0, Store.Rosters.GetVersion(Romeo));
        Assert.Empty(Store.Rosters.GetAll(Romeo));

        Assert.Equal(1, await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B("a@x") }));
        Assert.Equal(2, await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B("b@x") }));
        Assert.Equal(3, await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B("a@x"), Subscription = SubscriptionState.Both }));

        Assert.Equal(3, Store.Rosters.GetVersion(Romeo));
        Assert.Equal(2, Store.Rosters.GetAll(Romeo).Count);
        Assert.Equal(SubscriptionState.Both, Store.Rosters.Get(Romeo, B("a@x"))!.Subscription);
    }

    [Fact]
    public async Task Remove_deletes_one_item_and_bumps_the_version_only_when_present()
    {
        await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B("a@x") });
        await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B("b@x") });

        Assert.Equal(3, await Store.Rosters.RemoveAsync(Romeo, B("a@x")));
        Assert.Equal(3, await Store.Rosters.RemoveAsync(Romeo, B("a@x")));
        Assert.Equal(3, await Store.Rosters.RemoveAsync(Romeo, B("never@x")));

        Assert.Null(Store.Rosters.Get(Romeo, B("a@x")));
        Assert.Equal("b@x", System.Text.Encoding.UTF8.GetString(Assert.Single(Store.Rosters.GetAll(Romeo)).Jid));
    }

    [Fact]
    public async Task Rosters_of_different_users_are_separate()
    {
        await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B("a@x") });
        await Store.Rosters.SetAsync(B("juliet@capulet.lit"), new RosterItemRecord { Jid = B("b@x") });

        Assert.Null(Store.Rosters.Get(Romeo, B("b@x")));
        Assert.Single(Store.Rosters.GetAll(Romeo));
        Assert.Equal(1, Store.Rosters.GetVersion(B("juliet@capulet.lit")));
    }

    [Fact]
    public async Task DeleteAll_clears_the_roster_and_its_version()
    {
        for (var i = 0; i < 50; i++)
            await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B($"c{i}@x") });

        await Store.Rosters.DeleteAllAsync(Romeo);

        Assert.Empty(Store.Rosters.GetAll(Romeo));
        Assert.Null(Store.Rosters.Get(Romeo, B("c1@x")));
        Assert.Equal(0, Store.Rosters.GetVersion(Romeo));
        Assert.Equal(1, await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B("c1@x") }));
    }

    [Fact]
    public async Task Rosters_survive_a_restart()
    {
        for (var i = 0; i < 20; i++)
            await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B($"c{i}@x"), Name = B($"Contact {i}"), Groups = [B("G")] });
        await Store.Rosters.RemoveAsync(Romeo, B("c3@x"));

        await ReopenAsync();

        var all = Store.Rosters.GetAll(Romeo);
        Assert.Equal(19, all.Count);
        Assert.Equal(21, Store.Rosters.GetVersion(Romeo));
        Assert.Equal(B("Contact 5"), Store.Rosters.Get(Romeo, B("c5@x"))!.Name);
        Assert.Null(Store.Rosters.Get(Romeo, B("c3@x")));
    }

    [Fact]
    public async Task Ten_thousand_concurrent_sets_all_land_with_one_version_each()
    {
        const int Count = 10_000;

        // Concurrent writers share group commits, as many clients' roster pushes would.
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B($"contact{i}@example.com"), Groups = [B("Buddies")], Subscription = SubscriptionState.Both }));

        Assert.Equal(Count, Store.Rosters.GetVersion(Romeo));
        var all = Store.Rosters.GetAll(Romeo);
        Assert.Equal(Count, all.Count);
        Assert.Equal(Count, all.Select(item => System.Text.Encoding.UTF8.GetString(item.Jid)).Distinct().Count());

        Assert.Equal(Count + 1, await Store.Rosters.RemoveAsync(Romeo, B("contact1234@example.com")));
        Assert.Equal(Count - 1, Store.Rosters.GetAll(Romeo).Count);
        Assert.Equal(Count + 2, await Store.Rosters.SetAsync(Romeo, new RosterItemRecord { Jid = B("contact1234@example.com") }));
    }

    private static void AssertSame(RosterItemRecord expected, RosterItemRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Jid, actual.Jid);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Groups.Count, actual.Groups.Count);
        for (var i = 0; i < expected.Groups.Count; i++)
            Assert.Equal(expected.Groups[i], actual.Groups[i]);
        Assert.Equal(expected.Subscription, actual.Subscription);
        Assert.Equal(expected.PendingOut, actual.PendingOut);
        Assert.Equal(expected.PendingIn, actual.PendingIn);
        Assert.Equal(expected.PreApproved, actual.PreApproved);
        Assert.Equal(expected.PendingInStanza, actual.PendingInStanza);
        Assert.Equal(expected.Hidden, actual.Hidden);
    }
}
