namespace HighPerf.Xmpp.Storage.Tests;

public class PepStoreTests : StoreTestBase
{
    private static readonly byte[] Romeo = B("romeo@montague.lit");
    private static readonly byte[] Nick = B("http://jabber.org/protocol/nick");
    private static readonly byte[] Devices = B("urn:xmpp:omemo:2:devices");
    private static readonly byte[] Config = [1, 0, 1, 2, 0, 0, 0];

    [Fact]
    public async Task A_publish_creates_the_node_keeps_the_newest_items_and_reports_those_it_dropped()
    {
        Assert.Empty(await Store.Pep.PublishAsync(Romeo, Nick, Config, B("a"), B("<nick>1</nick>"), 2));
        Assert.Empty(await Store.Pep.PublishAsync(Romeo, Nick, Config, B("b"), B("<nick>2</nick>"), 2));
        Assert.Equal([B("a")], await Store.Pep.PublishAsync(Romeo, Nick, Config, B("c"), B("<nick>3</nick>"), 2));

        var node = Assert.IsType<Abstractions.PepNodeRecord>(Store.Pep.GetNode(Romeo, Nick));
        Assert.Equal(Config, node.Configuration);
        Assert.Equal([B("b"), B("c")], node.ItemIds);
        Assert.Null(Store.Pep.GetItem(Romeo, Nick, B("a")));
        Assert.Equal(B("<nick>3</nick>"), Store.Pep.GetItem(Romeo, Nick, B("c")));

        // Republishing an id replaces it and makes it the newest.
        Assert.Empty(await Store.Pep.PublishAsync(Romeo, Nick, Config, B("b"), B("<nick>2'</nick>"), 2));
        Assert.Equal([B("c"), B("b")], Store.Pep.GetNode(Romeo, Nick)!.ItemIds);
        Assert.Equal(B("<nick>2'</nick>"), Store.Pep.GetItem(Romeo, Nick, B("b")));
    }

    [Fact]
    public async Task Nodes_items_retraction_and_deletion_survive_a_reopen()
    {
        await Store.Pep.PublishAsync(Romeo, Nick, Config, B("a"), B("<nick>1</nick>"), 10);
        await Store.Pep.PublishAsync(Romeo, Devices, Config, B("current"), B("<devices/>"), 10);
        await Store.Pep.PublishAsync(Romeo, Devices, Config, B("old"), B("<devices old=''/>"), 10);
        Assert.True(await Store.Pep.RetractAsync(Romeo, Devices, B("old")));
        Assert.False(await Store.Pep.RetractAsync(Romeo, Devices, B("old")));
        await ReopenAsync();

        Assert.Equal([Nick, Devices], Store.Pep.GetNodes(Romeo));
        Assert.Equal([B("current")], Store.Pep.GetNode(Romeo, Devices)!.ItemIds);
        Assert.True(await Store.Pep.DeleteNodeAsync(Romeo, Nick));
        Assert.False(await Store.Pep.DeleteNodeAsync(Romeo, Nick));
        await ReopenAsync();
        Assert.Equal([Devices], Store.Pep.GetNodes(Romeo));
        Assert.Null(Store.Pep.GetItem(Romeo, Nick, B("a")));
    }

    [Fact]
    public async Task Reconfiguring_trims_items_and_not_keeping_items_stores_none()
    {
        await Store.Pep.PublishAsync(Romeo, Nick, Config, B("a"), B("<a/>"), 5);
        await Store.Pep.PublishAsync(Romeo, Nick, Config, B("b"), B("<b/>"), 5);
        byte[] changed = [1, 1, 1, 1, 0, 0, 0];
        Assert.Equal([B("a")], await Store.Pep.SetNodeAsync(Romeo, Nick, changed, 1));
        Assert.Equal(changed, Store.Pep.GetNode(Romeo, Nick)!.Configuration);

        Assert.Empty(await Store.Pep.PublishAsync(Romeo, Devices, Config, B("x"), B("<x/>"), 0));
        Assert.Empty(Store.Pep.GetNode(Romeo, Devices)!.ItemIds);
        Assert.Null(Store.Pep.GetItem(Romeo, Devices, B("x")));
    }

    [Fact]
    public async Task Deleting_an_account_removes_all_its_nodes()
    {
        await Store.Pep.PublishAsync(Romeo, Nick, Config, B("a"), B("<a/>"), 5);
        await Store.Pep.PublishAsync(Romeo, Devices, Config, B("b"), B("<b/>"), 5);
        await Store.Pep.DeleteAllAsync(Romeo);
        await ReopenAsync();
        Assert.Empty(Store.Pep.GetNodes(Romeo));
        Assert.Null(Store.Pep.GetNode(Romeo, Nick));
        Assert.Null(Store.Pep.GetItem(Romeo, Devices, B("b")));
    }
}
