using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Logging;
using static HighPerf.Xmpp.EndToEnd.Tests.StreamManagement.SmSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.StreamManagement;

/// <summary>
/// XEP-0198 with a small unacked bound (4 KiB) and timed ack requests: a detached session that crosses the bound
/// moves its oldest stanzas to offline storage and stays resumable; an attached one that never acks is ended; in
/// neither case is a message lost or duplicated.
/// </summary>
public sealed class UnackedBoundTests : IAsyncLifetime
{
    private static readonly System.Xml.Linq.XNamespace Delay = "urn:xmpp:delay";
    private readonly TestLog _log = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
        => _server = await TestServers.StartAsync(
            config =>
            {
                config.Modules.Sm.ResumptionTimeoutSeconds = 30;
                config.Modules.Sm.MaxUnackedBytes = 4096;
                config.Modules.Sm.RequestAfterStanzas = 1000;
                config.Modules.Sm.RequestAfterSeconds = 1;
                config.Modules.Sm.AckGraceSeconds = 2;
            },
            ["alice", "bob", "carol", "dave", "erin"],
            loggerFactory: _log.Factory);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _log.Dispose();
    }

    /// <summary>Drops the client's socket and waits until the server has detached the session (so that what is sent
    /// next is queued for a detached session, not written to a dead connection).</summary>
    private async Task DropAsync(XmppTestClient client, string fullJid)
    {
        await client.DisposeAsync();
        await _log.WaitForAsync(1100, e => e.Message.Contains(fullJid, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
    }

    /// <summary>Reads until nothing comes for a second, answering every &lt;r/&gt; as a client does (h counts every
    /// stanza since <paramref name="handled"/>); returns the stanzas in arrival order.</summary>
    private static async Task<List<System.Xml.Linq.XElement>> ReadAckingAsync(XmppTestClient client, uint handled)
    {
        var stanzas = new List<System.Xml.Linq.XElement>();
        while (true)
        {
            System.Xml.Linq.XElement next;
            try
            {
                next = await client.NextElementAsync(TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
                return stanzas;
            }

            if (next.Name == Sm + "r")
            {
                await client.SendAsync($"<a xmlns='urn:xmpp:sm:3' h='{handled}'/>");
            }
            else if (next.Name.Namespace == Client)
            {
                handled++;
                stanzas.Add(next);
            }
        }
    }

    private static List<System.Xml.Linq.XElement> Messages(List<System.Xml.Linq.XElement> stanzas)
        => stanzas.Where(e => e.Name == Client + "message").ToList();

    private static string Padded(string to, string id) =>
        $"<message to='{to}' type='chat' id='{id}'><body>{id} {new string('x', 400)}</body></message>";

    [Fact]
    public async Task A_detached_session_over_its_bound_moves_the_oldest_to_offline_storage_and_the_resume_gets_everything_once()
    {
        var (alice, id) = await LoginResumableAsync(_server, "alice", "phone");
        await alice.SendAsync("<presence/>");
        await using var bob = await _server.LoginAsync("bob", "pc");
        await bob.SendAsync(Padded("alice@localhost/phone", "before"));
        await alice.ExpectAsync(e => (string?)e.Attribute("id") == "before");
        await DropAsync(alice, "alice@localhost/phone"); // without acking 'before' (nor its own presence echo)

        // About 20 KiB for a session bound to 4 KiB: spills happen while it is detached.
        var sent = Enumerable.Range(1, 40).Select(i => $"d{i}").ToList();
        foreach (var message in sent)
        {
            await bob.SendAsync(Padded("alice@localhost/phone", message));
        }

        await bob.ExpectNothingElseAsync(); // nothing bounced: the messages were kept or stored
        var (again, _) = await AuthenticatedAsync(_server, "alice");
        await using var resumed = again;
        var answer = await ResumeAsync(resumed, id, 0); // it handled nothing before the drop
        Assert.Equal(Sm + "resumed", answer.Name);

        var arrived = Messages(await ReadAckingAsync(resumed, 0)).Select(m => (string)m.Attribute("id")!).ToList();
        Assert.Equal(41, arrived.Count); // none twice...
        Assert.Equal(new HashSet<string>(["before", .. sent]), arrived.ToHashSet()); // ...and none missing
        Assert.Equal("before", arrived[0]); // what may have reached the client before the drop is kept, not spilled
        await _log.WaitForAsync(1105, e => e.Message.Contains("alice@localhost/phone", StringComparison.Ordinal));

        // The session carries on: live messages arrive, and an ack of everything is accepted.
        await bob.SendAsync(Chat("alice@localhost/phone", "live"));
        await resumed.ExpectAsync(e => (string?)e.Attribute("id") == "live");
    }

    [Fact]
    public async Task Messages_moved_to_offline_storage_while_detached_carry_a_delay_stamp()
    {
        var (carol, id) = await LoginResumableAsync(_server, "carol", "phone");
        await carol.SendAsync("<presence/>");
        await carol.ExpectAsync(e => e.Name == Client + "presence");
        await DropAsync(carol, "carol@localhost/phone");
        await using var dave = await _server.LoginAsync("dave", "pc");
        for (var i = 1; i <= 30; i++)
        {
            await dave.SendAsync(Padded("carol@localhost/phone", $"s{i}"));
        }

        await dave.ExpectNothingElseAsync();
        var (again, _) = await AuthenticatedAsync(_server, "carol");
        await using var resumed = again;
        Assert.Equal(Sm + "resumed", (await ResumeAsync(resumed, id, 1)).Name);
        var messages = Messages(await ReadAckingAsync(resumed, 1));
        var stamped = messages.Where(m => m.Element(Delay + "delay") is not null).Select(m => (string)m.Attribute("id")!).ToList();
        var plain = messages.Where(m => m.Element(Delay + "delay") is null).Select(m => (string)m.Attribute("id")!).ToList();

        Assert.NotEmpty(stamped); // the oldest went through offline storage
        Assert.NotEmpty(plain);   // the newest waited in the session
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"s{i}").ToHashSet(), stamped.Concat(plain).ToHashSet());
        Assert.Equal(30, stamped.Count + plain.Count);
        Assert.All(stamped, s => Assert.True(int.Parse(s[1..]) < int.Parse(plain[0][1..]), "the stored ones are the oldest"));
    }

    [Fact]
    public async Task Presence_dropped_while_detached_is_made_up_at_resume_with_the_contacts_current_state()
    {
        await MobileSteps.BefriendAsync(_server, "erin", "bob");
        var (erin, id) = await LoginResumableAsync(_server, "erin", "phone");
        await erin.SendAsync("<presence/>");
        await erin.ExpectPresenceAsync("erin@localhost/phone");
        await DropAsync(erin, "erin@localhost/phone");

        // bob comes online and changes his status many times: far beyond the bound of the detached erin.
        await using var bob = await ImSteps.OnlineAsync(_server, "bob", "laptop");
        for (var i = 0; i < 40; i++)
        {
            await bob.SendAsync($"<presence><status>status {i} {new string('y', 300)}</status></presence>");
        }

        await bob.SendAsync("<presence><show>away</show><status>final</status></presence>");
        await bob.ExpectAsync(e => e.Name == Client + "presence" && e.Element(Client + "status")?.Value == "final");

        // Messages after it push bob's final presence out of the bound too: only the resume's resync can bring it.
        for (var i = 0; i < 20; i++)
        {
            await bob.SendAsync(Padded("erin@localhost/phone", $"p{i}"));
        }

        await bob.ExpectNothingElseAsync(e => e.Name == Client + "presence");
        await _log.WaitForAsync(1105, e => e.Message.Contains("erin@localhost/phone", StringComparison.Ordinal));

        var (again, _) = await AuthenticatedAsync(_server, "erin");
        await using var resumed = again;
        Assert.Equal(Sm + "resumed", (await ResumeAsync(resumed, id, 1)).Name);
        var stanzas = await ReadAckingAsync(resumed, 1);
        var last = stanzas.Last(e => e.Name == Client + "presence" && (string?)e.Attribute("from") == "bob@localhost/laptop");
        Assert.Equal("final", last.Element(Client + "status")?.Value);
        Assert.Equal("away", last.Element(Client + "show")?.Value);
        Assert.Equal(20, Messages(stanzas).Count(m => ((string)m.Attribute("id")!).StartsWith('p')));
    }

    [Fact]
    public async Task An_attached_session_that_never_acks_past_its_bound_is_ended_and_its_messages_wait_offline()
    {
        await using var dave = await _server.LoginAsync("dave", "silent");
        await dave.SendAsync("<enable xmlns='urn:xmpp:sm:3'/>");
        await dave.NextElementAsync();
        await dave.SendAsync("<presence/>");
        await using var erin = await _server.LoginAsync("erin", "sender");
        var ids = Enumerable.Range(1, 20).Select(i => $"o{i}").ToList();
        foreach (var message in ids)
        {
            await erin.SendAsync(Padded("dave@localhost/silent", message));
        }

        await dave.ExpectStreamErrorAsync("resource-constraint", TimeSpan.FromSeconds(20), skipOthers: true);
        await _server.WaitUntilUnboundAsync("dave@localhost/silent");

        await using var next = await _server.LoginAsync("dave", "next");
        await next.SendAsync("<presence/>");
        // Every message once: those the ended session got without acking them count as not received (XEP-0198 §4).
        var arrived = await MessagesUntilQuietAsync(next, TimeSpan.FromSeconds(1));
        Assert.Equal(ids.Count, arrived.Count);
        Assert.Equal(ids.ToHashSet(), arrived.ToHashSet());
    }

    [Fact]
    public async Task The_server_requests_an_ack_after_the_configured_time_when_too_few_stanzas_are_unacked()
    {
        await using var alice = await _server.LoginAsync("alice", "timed");
        await alice.SendAsync("<enable xmlns='urn:xmpp:sm:3'/>");
        await alice.NextElementAsync();
        await using var bob = await _server.LoginAsync("bob", "timer");
        await bob.SendAsync(Chat(alice.Jid!, "t1"));
        Assert.Equal(Client + "message", (await alice.NextElementAsync()).Name);
        Assert.Equal(Sm + "r", (await alice.NextElementAsync(TimeSpan.FromSeconds(20))).Name); // after about a second
        await alice.SendAsync("<a xmlns='urn:xmpp:sm:3' h='1'/>");
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(1500)); // all acked: no further request
    }
}
