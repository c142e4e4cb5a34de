using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Archive.MamSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Archive;

/// <summary>
/// XEP-0313 §4 queries over one archive of 30 messages: alice exchanges m0..m29 with bob (from alice/desk, even) and
/// carol (from alice/laptop, odd), with every filter (with bare and full JID, start, end, before-id, after-id, ids)
/// and every paging direction (RSM after, before, empty before, max 0, flip-page), and the errors.
/// </summary>
public sealed class QueryTests : IAsyncLifetime
{
    private const int Messages = 30;
    private TestServer _server = null!;
    private XmppTestClient _alice = null!;
    private List<(string Id, DateTimeOffset Stamp)> _all = [];

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);
        await using var desk = await _server.LoginAsync("alice", "desk");
        await using var laptop = await _server.LoginAsync("alice", "laptop");
        await using var bob = await _server.LoginAsync("bob", "phone");
        await using var carol = await _server.LoginAsync("carol", "home");
        foreach (var client in new[] { desk, laptop, bob, carol })
            await client.BecomeAvailableAsync();
        for (var i = 0; i < Messages; i++)
        {
            if (i % 2 == 0)
                await desk.ChatAsync(bob, $"m{i}");
            else
                await laptop.ChatAsync(carol, $"m{i}");
        }

        _alice = await _server.LoginAsync("alice", "reader");
        var everything = await _alice.QueryResultAsync(rsm: "<max>100</max>");
        _all = everything.Results.Select(r => (r.Id, r.Stamp)).ToList();
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static string[] M(params int[] indexes) => indexes.Select(i => $"m{i}").ToArray();

    private static int[] Span(int from, int to, int step = 1) => Enumerable.Range(0, (to - from) / step + 1).Select(k => from + k * step).ToArray();

    [Fact]
    public async Task The_whole_archive_comes_back_in_order_with_its_count()
    {
        Assert.Equal(Messages, _all.Count);
        var answer = await _alice.QueryResultAsync(rsm: "<max>100</max>");
        Assert.Equal(M(Span(0, 29)), answer.Bodies);
        Assert.Equal(Messages, answer.Count);
        Assert.True(answer.Complete);
        Assert.Equal(_all[0].Id, answer.First);
        Assert.Equal(_all[^1].Id, answer.Last);
        Assert.Equal("0", (string?)answer.Set!.Element(Rsm + "first")!.Attribute("index"));
    }

    [Fact]
    public async Task The_query_form_lists_the_filters()
    {
        var reply = await _alice.IqResultAsync("get", "<query xmlns='urn:xmpp:mam:2'/>");
        var fields = reply.Element(Mam + "query")!.Element(ModuleSteps.DataForms + "x")!.Elements(ModuleSteps.DataForms + "field").Select(f => (string)f.Attribute("var")!).ToList();
        Assert.Equal(["FORM_TYPE", "with", "start", "end", "before-id", "after-id", "ids"], fields);
    }

    [Fact]
    public async Task With_a_bare_jid_returns_the_conversation_and_with_a_full_jid_only_that_resource()
    {
        var bob = await _alice.QueryResultAsync([Field("with", "bob@localhost")], "<max>100</max>");
        Assert.Equal(M(Span(0, 28, 2)), bob.Bodies);
        Assert.Equal(15, bob.Count);

        // alice's outgoing messages were addressed to bob's bare JID; in bob's archive they come from alice/desk.
        await using var bobReader = await _server.LoginAsync("bob", "reader");
        var fromDesk = await bobReader.QueryResultAsync([Field("with", "alice@localhost/desk")], "<max>100</max>");
        Assert.Equal(M(Span(0, 28, 2)), fromDesk.Bodies);
        Assert.Empty((await bobReader.QueryResultAsync([Field("with", "alice@localhost/laptop")])).Results);
        Assert.Empty((await _alice.QueryResultAsync([Field("with", "nobody@localhost")])).Results);
    }

    [Fact]
    public async Task Start_and_end_bound_the_time_inclusively()
    {
        var start = _all[10].Stamp.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        var end = _all[14].Stamp.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        var answer = await _alice.QueryResultAsync([Field("start", start), Field("end", end)]);
        Assert.Equal(M(Span(10, 14)), answer.Bodies);
        Assert.Equal(5, answer.Count);

        var withBob = await _alice.QueryResultAsync([Field("with", "bob@localhost"), Field("start", start)], "<max>3</max>");
        Assert.Equal(M(10, 12, 14), withBob.Bodies);
        Assert.Equal(10, withBob.Count);
    }

    [Fact]
    public async Task After_id_and_before_id_exclude_their_own_message()
    {
        var answer = await _alice.QueryResultAsync([Field("after-id", _all[3].Id), Field("before-id", _all[8].Id)]);
        Assert.Equal(M(Span(4, 7)), answer.Bodies);
        var withCarol = await _alice.QueryResultAsync([Field("with", "carol@localhost"), Field("after-id", _all[20].Id)]);
        Assert.Equal(M(Span(21, 29, 2)), withCarol.Bodies);
    }

    [Fact]
    public async Task Ids_returns_those_messages_in_archive_order()
    {
        var answer = await _alice.QueryResultAsync([Field("ids", _all[7].Id, _all[2].Id, _all[25].Id)]);
        Assert.Equal(M(2, 7, 25), answer.Bodies);
        Assert.Equal(3, answer.Count);
    }

    [Fact]
    public async Task Paging_forward_with_after_walks_the_archive_to_a_complete_page()
    {
        var seen = new List<string>();
        string? after = null;
        for (var page = 0; page < 10; page++)
        {
            var answer = await _alice.QueryResultAsync(rsm: $"<max>7</max>{(after is null ? "" : $"<after>{after}</after>")}");
            seen.AddRange(answer.Bodies);
            Assert.Equal(Messages, answer.Count);
            Assert.Equal((page * 7).ToString(CultureInfo.InvariantCulture), (string?)answer.Set!.Element(Rsm + "first")!.Attribute("index"));
            after = answer.Last;
            if (answer.Complete)
            {
                Assert.Equal(4, page);
                break;
            }
        }

        Assert.Equal(M(Span(0, 29)), seen);
    }

    [Fact]
    public async Task Paging_back_from_the_end_walks_to_a_complete_first_page()
    {
        var last = await _alice.QueryResultAsync(rsm: "<max>8</max><before/>");
        Assert.Equal(M(Span(22, 29)), last.Bodies);
        Assert.False(last.Complete);
        var pages = new List<string[]> { last.Bodies };
        var before = last.First;
        for (var i = 0; i < 10; i++)
        {
            var answer = await _alice.QueryResultAsync(rsm: $"<max>8</max><before>{before}</before>");
            pages.Insert(0, answer.Bodies);
            before = answer.First;
            if (answer.Complete)
                break;
        }

        Assert.Equal(M(Span(0, 29)), pages.SelectMany(p => p));
        Assert.Equal(M(Span(0, 5)), pages[0]);
    }

    [Fact]
    public async Task A_page_that_ends_exactly_at_the_archive_end_is_complete_in_either_direction()
    {
        // 30 messages in pages of 10: the third page reaches the end without a further empty page.
        var forward = new List<bool>();
        string? after = null;
        for (var page = 0; page < 3; page++)
        {
            var answer = await _alice.QueryResultAsync(rsm: $"<max>10</max>{(after is null ? "" : $"<after>{after}</after>")}");
            Assert.Equal(M(Span(page * 10, page * 10 + 9)), answer.Bodies);
            forward.Add(answer.Complete);
            after = answer.Last;
        }

        Assert.Equal([false, false, true], forward);

        var backward = new List<bool>();
        string? before = null;
        for (var page = 0; page < 3; page++)
        {
            var answer = await _alice.QueryResultAsync(rsm: $"<max>10</max>{(before is null ? "<before/>" : $"<before>{before}</before>")}");
            Assert.Equal(M(Span(20 - page * 10, 29 - page * 10)), answer.Bodies);
            Assert.Equal((20 - page * 10).ToString(CultureInfo.InvariantCulture), (string?)answer.Set!.Element(Rsm + "first")!.Attribute("index"));
            backward.Add(answer.Complete);
            before = answer.First;
        }

        Assert.Equal([false, false, true], backward);

        // A last page as large as the archive is complete at once.
        var all = await _alice.QueryResultAsync(rsm: "<max>30</max><before/>");
        Assert.Equal(M(Span(0, 29)), all.Bodies);
        Assert.True(all.Complete);
    }

    [Fact]
    public async Task After_the_newest_message_the_page_is_empty_and_complete_and_before_the_oldest_too()
    {
        var afterNewest = await _alice.QueryResultAsync(rsm: $"<max>5</max><after>{_all[^1].Id}</after>");
        Assert.Empty(afterNewest.Results);
        Assert.True(afterNewest.Complete);
        Assert.Equal(Messages, afterNewest.Count);
        Assert.Null(afterNewest.First);
        Assert.Null(afterNewest.Last);

        var beforeOldest = await _alice.QueryResultAsync(rsm: $"<max>5</max><before>{_all[0].Id}</before>");
        Assert.Empty(beforeOldest.Results);
        Assert.True(beforeOldest.Complete);
        Assert.Equal(Messages, beforeOldest.Count);
    }

    [Fact]
    public async Task A_client_pages_one_conversation_back_from_its_end_as_real_clients_do()
    {
        // Conversations, Dino and Gajim open a chat with the last page of that conversation, then page backwards.
        var pages = new List<string[]>();
        var indexes = new List<string?>();
        var completes = new List<bool>();
        string? before = null;
        for (var page = 0; page < 10; page++)
        {
            var answer = await _alice.QueryResultAsync([Field("with", "bob@localhost")], $"<max>4</max>{(before is null ? "<before/>" : $"<before>{before}</before>")}");
            Assert.Equal(15, answer.Count);
            pages.Insert(0, answer.Bodies);
            indexes.Add((string?)answer.Set!.Element(Rsm + "first")!.Attribute("index"));
            completes.Add(answer.Complete);
            before = answer.First;
            if (answer.Complete)
                break;
        }

        Assert.Equal(M(Span(0, 28, 2)), pages.SelectMany(p => p));
        Assert.Equal([M(0, 2, 4), M(6, 8, 10, 12), M(14, 16, 18, 20), M(22, 24, 26, 28)], pages);
        Assert.Equal(["11", "7", "3", "0"], indexes);
        Assert.Equal([false, false, false, true], completes);

        // The same walk flipped: each page newest first, first/last as sent.
        var flipped = await _alice.QueryResultAsync([Field("with", "bob@localhost")], $"<max>4</max><before>{_all[22].Id}</before>", flip: true);
        Assert.Equal(M(20, 18, 16, 14), flipped.Bodies);
        Assert.Equal(_all[20].Id, flipped.First);
        Assert.Equal(_all[14].Id, flipped.Last);
    }

    [Fact]
    public async Task A_flipped_page_comes_newest_first_with_first_and_last_as_sent()
    {
        var answer = await _alice.QueryResultAsync(rsm: "<max>3</max><before/>", flip: true);
        Assert.Equal(M(29, 28, 27), answer.Bodies);
        Assert.Equal(_all[29].Id, answer.First);
        Assert.Equal(_all[27].Id, answer.Last);
    }

    [Fact]
    public async Task Max_zero_returns_only_the_count_and_a_large_max_is_capped()
    {
        var count = await _alice.QueryResultAsync([Field("with", "carol@localhost")], "<max>0</max>");
        Assert.Empty(count.Results);
        Assert.Equal(15, count.Count);
        Assert.Null(count.First);

        var capped = await _alice.QueryResultAsync(rsm: "<max>100000</max>");
        Assert.Equal(Messages, capped.Results.Count);
    }

    [Fact]
    public async Task Bad_queries_get_the_errors_the_protocols_name()
    {
        Assert.Equal("item-not-found", await ErrorAsync(rsm: "<after>0123456789abcdef</after>"));
        Assert.Equal("item-not-found", await ErrorAsync(rsm: "<max>5</max><before>0123456789abcdef</before>"));
        Assert.Equal("item-not-found", await ErrorAsync([Field("before-id", "fedcba9876543210")]));
        Assert.Equal("item-not-found", await ErrorAsync([Field("with", "bob@localhost")], "<max>5</max><before>not-an-id</before>"));
        Assert.Equal("item-not-found", await ErrorAsync([Field("after-id", "not-an-id")]));
        Assert.Equal("item-not-found", await ErrorAsync([Field("ids", "ffffffffffffffff")]));
        Assert.Equal("feature-not-implemented", await ErrorAsync([Field("fulltext", "hello")]));
        Assert.Equal("feature-not-implemented", await ErrorAsync(rsm: "<index>3</index>"));
        Assert.Equal("bad-request", await ErrorAsync([Field("start", "yesterday")]));
        Assert.Equal("bad-request", await ErrorAsync([Field("start", "2020-01-01T00:00:00")]));
        Assert.Equal("bad-request", await ErrorAsync(rsm: "<max>-1</max>"));
        Assert.Equal("bad-request", await ErrorAsync(rsm: $"<after>{_all[0].Id}</after><before>{_all[5].Id}</before>"));
        Assert.Equal("jid-malformed", await ErrorAsync([Field("with", "@@")]));
        var reply = await _alice.IqAsync("set", "<query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:xmpp:mam:1</value></field></x></query>");
        Assert.Equal("bad-request", Wire.ErrorCondition(reply));

        // Only one's own archive: another account's answers as if absent.
        var other = await _alice.QueryAsync(to: "bob@localhost");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(other.Reply));
        Assert.Empty(other.Results);
        var own = await _alice.QueryAsync(to: "alice@localhost", rsm: "<max>1</max>");
        Assert.Equal("result", (string?)own.Reply.Attribute("type"));
        Assert.Single(own.Results);
    }

    private async Task<string?> ErrorAsync((string Var, string[] Values)[]? fields = null, string? rsm = null)
    {
        var answer = await _alice.QueryAsync(fields, rsm);
        Assert.Empty(answer.Results);
        return Wire.ErrorCondition(answer.Reply);
    }
}
