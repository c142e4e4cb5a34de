namespace HighPerf.Xmpp.Storage.Tests;

public class UserDataStoreTests : StoreTestBase
{
    private static readonly byte[] Romeo = B("romeo@montague.lit");
    private static readonly byte[] VCard = B("vcard-temp");
    private static readonly byte[] Bookmarks = B("storage:bookmarks");

    [Fact]
    public async Task Documents_are_stored_per_user_and_key()
    {
        await Store.UserData.SetAsync(Romeo, VCard, B("<vCard xmlns='vcard-temp'><FN>Romeo</FN></vCard>"));
        await Store.UserData.SetAsync(Romeo, Bookmarks, B("<storage xmlns='storage:bookmarks'/>"));

        Assert.Equal(B("<vCard xmlns='vcard-temp'><FN>Romeo</FN></vCard>"), Store.UserData.Get(Romeo, VCard));
        Assert.Equal(B("<storage xmlns='storage:bookmarks'/>"), Store.UserData.Get(Romeo, Bookmarks));
        Assert.Null(Store.UserData.Get(B("juliet@capulet.lit"), VCard));
        Assert.Null(Store.UserData.Get(Romeo, B("other")));
    }

    [Fact]
    public async Task Set_replaces_and_empty_value_is_kept()
    {
        await Store.UserData.SetAsync(Romeo, VCard, B("<vCard/>"));
        await Store.UserData.SetAsync(Romeo, VCard, B("<vCard><NICKNAME>R</NICKNAME></vCard>"));
        Assert.Equal(B("<vCard><NICKNAME>R</NICKNAME></vCard>"), Store.UserData.Get(Romeo, VCard));

        await Store.UserData.SetAsync(Romeo, VCard, ReadOnlyMemory<byte>.Empty);
        Assert.Empty(Assert.IsType<byte[]>(Store.UserData.Get(Romeo, VCard)));
    }

    [Fact]
    public async Task Large_documents_round_trip()
    {
        var photo = new byte[600_000];
        new Random(1).NextBytes(photo);
        await Store.UserData.SetAsync(Romeo, VCard, photo);

        Assert.Equal(photo, Store.UserData.Get(Romeo, VCard));
        await ReopenAsync();
        Assert.Equal(photo, Store.UserData.Get(Romeo, VCard));
    }

    [Fact]
    public async Task Oversized_documents_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.UserData.SetAsync(Romeo, VCard, new byte[2 << 20]));
    }

    [Fact]
    public async Task Delete_and_DeleteAll()
    {
        await Store.UserData.SetAsync(Romeo, VCard, B("<vCard/>"));
        await Store.UserData.SetAsync(Romeo, Bookmarks, B("<storage/>"));

        Assert.True(await Store.UserData.DeleteAsync(Romeo, VCard));
        Assert.False(await Store.UserData.DeleteAsync(Romeo, VCard));
        Assert.Null(Store.UserData.Get(Romeo, VCard));
        Assert.NotNull(Store.UserData.Get(Romeo, Bookmarks));

        await Store.UserData.SetAsync(Romeo, VCard, B("<vCard/>"));
        await Store.UserData.DeleteAllAsync(Romeo);
        Assert.Null(Store.UserData.Get(Romeo, VCard));
        Assert.Null(Store.UserData.Get(Romeo, Bookmarks));
    }

    [Fact]
    public async Task Documents_survive_a_restart()
    {
        await Store.UserData.SetAsync(Romeo, VCard, B("<vCard/>"));
        await Store.UserData.SetAsync(Romeo, Bookmarks, B("<storage/>"));
        await Store.UserData.DeleteAsync(Romeo, Bookmarks);

        await ReopenAsync();

        Assert.Equal(B("<vCard/>"), Store.UserData.Get(Romeo, VCard));
        Assert.Null(Store.UserData.Get(Romeo, Bookmarks));
    }
}
