using System.Text;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Modules.ModuleSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>
/// XEP-0138 zlib over STARTTLS: negotiation and its failures, chat between compressed clients, the per-sender
/// dictionary reset, and decompression bombs.
/// </summary>
public sealed class CompressionTests
{
    [Fact]
    public async Task Compression_is_not_offered_by_default()
    {
        await using var server = await TestServers.StartAsync();
        var (client, features) = await AuthenticateAsync(server.ClientEndPoint, server.Domain, "alice");
        await using (client)
        {
            Assert.Null(features.Element(CompressFeature + "compression"));
        }
    }

    [Fact]
    public async Task Two_clients_chat_over_starttls_and_zlib_and_with_an_uncompressed_client()
    {
        await using var server = await StartAsync(["alice", "bob", "carol"]);
        var (alice, _) = await LoginCompressedAsync(server.ClientEndPoint, server.Domain, "alice", "a");
        var (bob, _) = await LoginCompressedAsync(server.ClientEndPoint, server.Domain, "bob", "b");
        await using var carol = await server.LoginAsync("carol", "c");
        await using (alice)
        await using (bob)
        {
            for (var i = 0; i < 20; i++)
            {
                await alice.SendAsync($"<message to='bob@localhost/b' type='chat' id='ab{i}'><body>hello bob #{i} &amp; more</body></message>");
                var atBob = await bob.ExpectAsync(Wire.Reply($"ab{i}"));
                Assert.Equal($"hello bob #{i} & more", atBob.Element(Wire.Client + "body")?.Value);
                Assert.Equal("alice@localhost/a", (string?)atBob.Attribute("from"));

                await bob.SendAsync($"<message to='alice@localhost/a' type='chat' id='ba{i}'><body>hello alice #{i}</body></message>");
                Assert.Equal($"hello alice #{i}", (await alice.ExpectAsync(Wire.Reply($"ba{i}"))).Element(Wire.Client + "body")?.Value);
            }

            await carol.SendAsync("<message to='alice@localhost/a' type='chat' id='ca'><body>from plain carol</body></message>");
            Assert.Equal("from plain carol", (await alice.ExpectAsync(Wire.Reply("ca"))).Element(Wire.Client + "body")?.Value);
            await alice.SendAsync("<message to='carol@localhost/c' type='chat' id='ac'><body>to plain carol</body></message>");
            Assert.Equal("to plain carol", (await carol.ExpectAsync(Wire.Reply("ac"))).Element(Wire.Client + "body")?.Value);
            await alice.IqResultAsync("get", "<ping xmlns='urn:xmpp:ping'/>", "localhost");
        }
    }

    [Fact]
    public async Task A_sender_change_resets_the_dictionary_and_the_same_sender_reuses_it()
    {
        await using var server = await StartAsync(["alice", "bob", "carol"]);
        var (alice, zlib) = await LoginCompressedAsync(server.ClientEndPoint, server.Domain, "alice", "a");
        await using var bob = await server.LoginAsync("bob", "b");
        await using var carol = await server.LoginAsync("carol", "c");
        await using (alice)
        {
            var body = RandomText(1500);
            async Task<long> ReceiveAsync(XmppTestClient from, string id)
            {
                var before = zlib.CompressedBytesRead;
                await from.SendAsync($"<message to='alice@localhost/a' type='chat' id='{id}'><body>{body}</body></message>");
                await alice.ExpectAsync(Wire.Reply(id));
                return zlib.CompressedBytesRead - before;
            }

            var first = await ReceiveAsync(bob, "s1");
            var sameSender = await ReceiveAsync(bob, "s2");
            var otherSender = await ReceiveAsync(carol, "s3");
            Assert.True(first > 1000, $"first {first}");
            Assert.True(sameSender < first / 4, $"same sender {sameSender} vs first {first}: the dictionary should be reused");
            Assert.True(otherSender > first * 3 / 4, $"other sender {otherSender} vs first {first}: the dictionary should have been reset");
        }
    }

    [Fact]
    public async Task Compression_is_offered_only_on_listeners_named_in_the_configuration()
    {
        await using var server = await StartAsync(["alice"]);
        await using var client = await server.ConnectAsync(directTls: true);
        await client.OpenStreamAsync();
        Assert.Equal(XmppTestClient.Sasl + "success", (await client.AuthenticateAsync("alice", "secret")).Name);
        var features = await client.OpenStreamAsync();
        Assert.Null(features.Element(CompressFeature + "compression"));
        await client.SendAsync("<compress xmlns='http://jabber.org/protocol/compress'><method>zlib</method></compress>");
        Assert.NotNull((await client.NextElementAsync()).Element(Compress + "setup-failed"));
        await client.BindAsync("d"); // the stream goes on, uncompressed
        await client.IqResultAsync("get", "<ping xmlns='urn:xmpp:ping'/>", "localhost");
    }

    [Fact]
    public async Task An_unsupported_method_or_a_request_after_bind_fails_and_the_stream_goes_on()
    {
        await using var server = await StartAsync(["alice"]);
        var (client, _) = await AuthenticateAsync(server.ClientEndPoint, server.Domain, "alice");
        await using (client)
        {
            await client.SendAsync("<compress xmlns='http://jabber.org/protocol/compress'><method>lzw</method></compress>");
            var failure = await client.NextElementAsync();
            Assert.Equal(Compress + "failure", failure.Name);
            Assert.NotNull(failure.Element(Compress + "unsupported-method"));

            await client.SendAsync("<compress xmlns='http://jabber.org/protocol/compress'/>");
            Assert.NotNull((await client.NextElementAsync()).Element(Compress + "setup-failed"));

            await client.BindAsync("x");
            await client.SendAsync("<compress xmlns='http://jabber.org/protocol/compress'><method>zlib</method></compress>");
            Assert.NotNull((await client.NextElementAsync()).Element(Compress + "setup-failed"));
            await client.IqResultAsync("get", "<ping xmlns='urn:xmpp:ping'/>", "localhost");
        }
    }

    [Fact]
    public async Task A_decompression_bomb_in_a_stanza_gets_policy_violation_and_the_server_stays_responsive()
    {
        await using var server = await StartAsync(["alice", "bob"]);
        var (alice, _) = await LoginCompressedAsync(server.ClientEndPoint, server.Domain, "alice", "a");
        await using (alice)
        {
            // 8 MiB of one letter: about 8 KiB compressed, 32 times the stanza limit once inflated.
            var bomb = new StringBuilder("<message to='bob@localhost' type='chat'><body>").Append('A', 8 << 20).Append("</body></message>");
            await alice.SendAsync(bomb.ToString());
            await alice.ExpectStreamErrorAsync("policy-violation", TimeSpan.FromSeconds(20));
        }

        var (bob, _) = await LoginCompressedAsync(server.ClientEndPoint, server.Domain, "bob", "b");
        await using (bob)
        {
            await bob.IqResultAsync("get", "<ping xmlns='urn:xmpp:ping'/>", "localhost");
        }
    }

    [Fact]
    public async Task Inflated_bytes_count_against_the_stanza_limit_below_the_inflate_ratio_bound()
    {
        const int limit = 16 * 1024;
        await using var server = await StartAsync(["alice", "bob"], c => c.Limits.MaxStanzaBytes = limit);
        var (bob, _) = await LoginCompressedAsync(server.ClientEndPoint, server.Domain, "bob", "b");
        var (alice, _) = await LoginCompressedAsync(server.ClientEndPoint, server.Domain, "alice", "a");
        await using (bob)
        await using (alice)
        {
            // Random letters compress less than 2:1, far from the per-read ratio bound (64:1): only the decoder's
            // count of inflated bytes can tell that the second stanza is twice the limit. (Twice, not more: the
            // whole stanza then fits the socket buffers and is read before the server closes.)
            var random = new Random(138);
            var fits = Letters(random, limit / 2);
            await alice.SendAsync($"<message to='bob@localhost/b' type='chat' id='fits'><body>{fits}</body></message>");
            Assert.Equal(fits, (await bob.ExpectAsync(Wire.Reply("fits"))).Element(Wire.Client + "body")?.Value);

            try
            {
                await alice.SendAsync($"<message to='bob@localhost/b' type='chat' id='big'><body>{Letters(random, limit * 2)}</body></message>");
            }
            catch (IOException)
            {
                // The server may close before the client's zlib layer has flushed the last bytes.
            }

            await alice.ExpectStreamErrorAsync("policy-violation", TimeSpan.FromSeconds(20));
            await bob.IqResultAsync("get", "<ping xmlns='urn:xmpp:ping'/>", "localhost");
        }

        static string Letters(Random random, int count) => string.Create(count, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + r.Next(26));
            }
        });
    }

    [Fact]
    public async Task A_whitespace_bomb_is_stopped_by_the_inflate_bound_per_read()
    {
        await using var server = await StartAsync(["alice"]);
        var (alice, _) = await LoginCompressedAsync(server.ClientEndPoint, server.Domain, "alice", "a");
        await using (alice)
        {
            // Whitespace between stanzas never grows a stanza, so only the ratio bound per read can catch it.
            try
            {
                await alice.SendAsync(new string(' ', 16 << 20));
            }
            catch (IOException)
            {
                // The server may close the connection before it has read all 16 MiB: the error is already on its way.
            }

            await alice.ExpectStreamErrorAsync("policy-violation", TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task Data_that_is_not_zlib_ends_the_stream_with_undefined_condition()
    {
        await using var server = await StartAsync(["alice"]);
        var (alice, zlib) = await LoginCompressedAsync(server.ClientEndPoint, server.Domain, "alice", "a");
        await using (alice)
        {
            await zlib.WriteBelowAsync([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
            await alice.ExpectStreamErrorAsync("undefined-condition");
        }
    }

    /// <summary>A server whose STARTTLS listener (on its own port) offers compression; the direct-TLS one does not.</summary>
    private static Task<TestServer> StartAsync(string[] users, Action<ServerConfig>? configure = null)
    {
        var address = $"127.0.0.1:{FreePort()}";
        return TestServers.StartAsync(
            c =>
            {
                c.Listeners.Client = [address];
                c.Modules.Enabled = ["roster", "presence", "offline", "disco", "ping", "version", "time", "last", "vcard", "private", "compression"];
                c.Modules.Compression.Listeners = [address];
                configure?.Invoke(c);
            },
            users);
    }

    private static string RandomText(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var random = new Random(1138);
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }
}
