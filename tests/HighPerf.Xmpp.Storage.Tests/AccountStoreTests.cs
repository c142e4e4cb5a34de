using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Tests;

public class AccountStoreTests : StoreTestBase
{
    [Fact]
    public async Task Create_then_get_returns_the_record()
    {
        Assert.True(await Store.Accounts.CreateAsync(B("romeo@montague.lit"), Accounts.Make(1)));

        Assert.True(Store.Accounts.TryGet(B("romeo@montague.lit"), out var record));
        Assert.True(Accounts.AreEqual(Accounts.Make(1), record));
        Assert.False(Store.Accounts.TryGet(B("juliet@capulet.lit"), out _));
    }

    [Fact]
    public async Task Create_refuses_an_existing_account()
    {
        Assert.True(await Store.Accounts.CreateAsync(B("romeo@montague.lit"), Accounts.Make(1)));
        Assert.False(await Store.Accounts.CreateAsync(B("romeo@montague.lit"), Accounts.Make(2)));

        Assert.True(Store.Accounts.TryGet(B("romeo@montague.lit"), out var record));
        Assert.True(Accounts.AreEqual(Accounts.Make(1), record));
    }

    [Fact]
    public async Task Update_changes_credentials_only_of_existing_accounts()
    {
        Assert.False(await Store.Accounts.UpdateAsync(B("romeo@montague.lit"), Accounts.Make(2)));
        Assert.False(Store.Accounts.TryGet(B("romeo@montague.lit"), out _));

        await Store.Accounts.CreateAsync(B("romeo@montague.lit"), Accounts.Make(1));
        Assert.True(await Store.Accounts.UpdateAsync(B("romeo@montague.lit"), Accounts.Make(2)));

        Assert.True(Store.Accounts.TryGet(B("romeo@montague.lit"), out var record));
        Assert.True(Accounts.AreEqual(Accounts.Make(2), record));
    }

    [Fact]
    public async Task Delete_removes_the_account()
    {
        Assert.False(await Store.Accounts.DeleteAsync(B("romeo@montague.lit")));
        await Store.Accounts.CreateAsync(B("romeo@montague.lit"), Accounts.Make(1));

        Assert.True(await Store.Accounts.DeleteAsync(B("romeo@montague.lit")));

        Assert.False(Store.Accounts.TryGet(B("romeo@montague.lit"), out _));
        Assert.True(await Store.Accounts.CreateAsync(B("romeo@montague.lit"), Accounts.Make(3)));
    }

    [Fact]
    public async Task Accounts_survive_a_restart()
    {
        for (var i = 0; i < 100; i++)
            await Store.Accounts.CreateAsync(B($"user{i}@example.com"), Accounts.Make(i));
        await Store.Accounts.DeleteAsync(B("user7@example.com"));
        await Store.Accounts.UpdateAsync(B("user8@example.com"), Accounts.Make(800));

        await ReopenAsync();

        for (var i = 0; i < 100; i++)
        {
            var found = Store.Accounts.TryGet(B($"user{i}@example.com"), out var record);
            Assert.Equal(i != 7, found);
            if (found)
                Assert.True(Accounts.AreEqual(Accounts.Make(i == 8 ? 800 : i), record));
        }
    }

    [Fact]
    public void TryGet_rejects_empty_and_oversized_names_without_throwing()
    {
        Assert.False(Store.Accounts.TryGet([], out _));
        Assert.False(Store.Accounts.TryGet(new byte[5000], out _));
    }

#if !GARNET_STORE
    // The embedded store's property: a login read over the network allocates the client's request (Cluster.Tests
    // measures it instead).
    [Fact]
    public async Task TryGet_allocates_nothing_once_warm()
    {
        var user = B("romeo@montague.lit");
        var missing = B("nobody@montague.lit");
        await Store.Accounts.CreateAsync(user, Accounts.Make(1));
        for (var i = 0; i < 1000; i++)
        {
            Store.Accounts.TryGet(user, out _);
            Store.Accounts.TryGet(missing, out _);
        }

        var found = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            if (Store.Accounts.TryGet(user, out var record) && record.Iterations == 4097)
                found++;
            Store.Accounts.TryGet(missing, out _);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10_000, found);
        Assert.Equal(0, allocated);
    }
#endif
}
