using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.StreamManagement.SmSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.StreamManagement;

/// <summary>XEP-0198 resumption: a dropped connection loses nothing, whether the client comes back in time or not.</summary>
public sealed class ResumptionTests : IAsyncLifetime
{
    private static readonly System.Xml.Linq.XNamespace Delay = "urn:xmpp:delay";
    private TestServer _server = null!;

    public async Task InitializeAsync()
        => _server = await TestServers.StartAsync(config => config.Modules.Sm.ResumptionTimeoutSeconds = 2, ["alice", "bob", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_network_drop_mid_conversation_resumes_and_every_message_arrives_exactly_once()
    {
        var (alice, id) = await LoginResumableAsync(_server, "alice", "phone");
        await using var bob = await _server.LoginAsync("bob", "pc");
        for (var i = 1; i <= 3; i++)
        {
            await bob.SendAsync(Chat("alice@localhost/phone", $"m{i}"));
        }

        for (var i = 1; i <= 3; i++)
        {
            await alice.ExpectAsync(e => e.Name == Client + "message" && (string?)e.Attribute("id") == $"m{i}");
        }

        await alice.SendAsync(Chat("bob@localhost/pc", "a1") + Chat("bob@localhost/pc", "a2"));
        await bob.ExpectAsync(e => (string?)e.Attribute("id") == "a2");
        await alice.SendAsync("<a xmlns='urn:xmpp:sm:3' h='1'/>"); // acks only the first
        await alice.DisposeAsync(); // the socket goes away without </stream:stream>

        await bob.SendAsync(Chat("alice@localhost/phone", "m4"));
        await bob.SendAsync(Chat("alice@localhost/phone", "m5"));

        var (again, _) = await AuthenticatedAsync(_server, "alice");
        await using var resumed = again;
        var answer = await ResumeAsync(resumed, id, 3); // it did receive three before the drop
        Assert.Equal(Sm + "resumed", answer.Name);
        Assert.Equal(id, (string?)answer.Attribute("previd"));
        Assert.Equal("2", (string?)answer.Attribute("h")); // both of its messages were handled

        Assert.Equal(["m4", "m5"], await MessagesUntilQuietAsync(resumed, TimeSpan.FromMilliseconds(600)));
        await bob.SendAsync(Chat("alice@localhost/phone", "m6"));
        await resumed.ExpectAsync(e => (string?)e.Attribute("id") == "m6");
        await resumed.SendAsync(Chat("bob@localhost/pc", "a3"));
        var fromAlice = await bob.ExpectAsync(e => (string?)e.Attribute("id") == "a3");
        Assert.Equal("alice@localhost/phone", (string?)fromAlice.Attribute("from"));
        Assert.DoesNotContain("m6", await MessagesUntilQuietAsync(resumed, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Resume_after_the_timeout_fails_with_item_not_found_and_the_messages_wait_in_offline_storage()
    {
        var (alice, id) = await LoginResumableAsync(_server, "alice", "tablet");
        await using var bob = await _server.LoginAsync("bob", "late");
        await alice.DisposeAsync();
        await bob.SendAsync(Chat("alice@localhost/tablet", "o1"));
        await bob.SendAsync(Chat("alice@localhost/tablet", "o2"));
        await bob.ExpectSilenceAsync(TimeSpan.FromMilliseconds(200)); // no error: they are kept

        await Task.Delay(TimeSpan.FromSeconds(3)); // past the 2 s resumption timeout
        var (again, _) = await AuthenticatedAsync(_server, "alice");
        await using var fresh = again;
        var failed = await ResumeAsync(fresh, id, 0);
        Assert.Equal(Sm + "failed", failed.Name);
        Assert.Equal("item-not-found", FailedCondition(failed));

        await fresh.BindAsync("tablet"); // the same stream carries on with a fresh session
        await fresh.SendAsync("<presence/>");
        var first = await fresh.ExpectAsync(e => e.Name == Client + "message");
        var second = await fresh.ExpectAsync(e => e.Name == Client + "message");
        Assert.Equal("o1", (string?)first.Attribute("id"));
        Assert.Equal("o2", (string?)second.Attribute("id"));
        Assert.Equal("bob@localhost/late", (string?)first.Attribute("from"));
        Assert.NotNull(first.Element(Delay + "delay"));
        Assert.Empty(await MessagesUntilQuietAsync(fresh, TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public async Task A_wrong_previd_or_another_accounts_id_fails_with_item_not_found()
    {
        var (carol, carolId) = await LoginResumableAsync(_server, "carol", "c");
        await using var _ = carol;
        var (client, _) = await AuthenticatedAsync(_server, "alice");
        await using var alice = client;
        var wrong = await ResumeAsync(alice, "no-such-id", 0);
        Assert.Equal(Sm + "failed", wrong.Name);
        Assert.Equal("item-not-found", FailedCondition(wrong));
        var foreign = await ResumeAsync(alice, carolId, 0);
        Assert.Equal("item-not-found", FailedCondition(foreign));
        await alice.BindAsync("after-failure");

        // Carol's session was not disturbed.
        await alice.SendAsync(Chat("carol@localhost/c", "still-there"));
        await carol.ExpectAsync(e => (string?)e.Attribute("id") == "still-there");
    }

    [Fact]
    public async Task Resuming_a_session_whose_connection_still_looks_alive_takes_it_over_and_closes_the_old_connection()
    {
        var (old, id) = await LoginResumableAsync(_server, "alice", "laptop");
        await using var _ = old;
        await using var bob = await _server.LoginAsync("bob", "b");
        await bob.SendAsync(Chat("alice@localhost/laptop", "t1"));
        await old.ExpectAsync(e => (string?)e.Attribute("id") == "t1");

        var (client, _) = await AuthenticatedAsync(_server, "alice");
        await using var taker = client;
        var answer = await ResumeAsync(taker, id, 0); // t1 not acknowledged: it comes again
        Assert.Equal(Sm + "resumed", answer.Name);
        await old.ExpectClosedAsync();
        await taker.ExpectAsync(e => (string?)e.Attribute("id") == "t1");
        await bob.SendAsync(Chat("alice@localhost/laptop", "t2"));
        await taker.ExpectAsync(e => (string?)e.Attribute("id") == "t2");
    }

    [Fact]
    public async Task A_new_login_binding_the_resource_of_a_detached_session_replaces_it_and_gets_its_unacked_messages()
    {
        var (alice, _) = await LoginResumableAsync(_server, "alice", "watch");
        await using var bob = await _server.LoginAsync("bob", "r");
        await bob.SendAsync(Chat("alice@localhost/watch", "u1"));
        await alice.ExpectAsync(e => (string?)e.Attribute("id") == "u1");
        await alice.DisposeAsync(); // u1 never acknowledged
        await Task.Delay(200);

        await using var fresh = await _server.LoginAsync("alice", "watch");
        await fresh.SendAsync("<presence/>");
        Assert.Equal(["u1"], await MessagesUntilQuietAsync(fresh, TimeSpan.FromMilliseconds(600)));
        await bob.SendAsync(Chat("alice@localhost/watch", "u2"));
        await fresh.ExpectAsync(e => (string?)e.Attribute("id") == "u2");
    }

    [Fact]
    public async Task A_clean_close_with_unacked_messages_stores_them_offline()
    {
        await using var alice = await _server.LoginAsync("alice", "desk");
        await alice.SendAsync("<enable xmlns='urn:xmpp:sm:3'/>");
        await alice.NextElementAsync();
        await using var bob = await _server.LoginAsync("bob", "c");
        await bob.SendAsync(Chat("alice@localhost/desk", "k1"));
        await bob.SendAsync(Chat("alice@localhost/desk", "k2"));
        await alice.ExpectAsync(e => (string?)e.Attribute("id") == "k2");
        await alice.SendAsync("<a xmlns='urn:xmpp:sm:3' h='1'/></stream:stream>"); // k2 not acknowledged
        await alice.ExpectClosedAsync();

        await using var next = await _server.LoginAsync("alice", "desk2");
        await next.SendAsync("<presence/>");
        Assert.Equal(["k2"], await MessagesUntilQuietAsync(next, TimeSpan.FromMilliseconds(600)));
    }
}
