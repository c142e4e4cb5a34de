using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Im;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>
/// RFC 6120 §8.3: a stanza handed to an s2s connection that then drops is not silently lost. What the connection had
/// not written to its socket (still queued, or in writes that failed) bounces with remote-server-timeout; what it
/// had written lies in kernel buffers, beyond what can be known without acknowledgements.
/// </summary>
public sealed class FederationDropTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Messages = 768;
    private const int BodyBytes = 16 * 1024;

    [Fact]
    public async Task Stanzas_a_dropped_connection_had_not_written_bounce_with_remote_server_timeout()
    {
        await using var gamma = StalledPeer.Listen("127.0.0.2", "gamma.test");
        await using var pair = await FederatedPair.StartAsync(
            f => f.Routes["gamma.test"] = $"127.0.0.2:{gamma.Port}", configureAlpha: c => c.Limits.InboundBytesPerSecond = 0);
        await using var romeo = await pair.AlphaLoginAsync("romeo");

        await romeo.SendAsync("<message to='mercutio@gamma.test' type='chat' id='d0'><body>first</body></message>");
        await gamma.AcceptAndAuthenticateAsync(TimeSpan.FromSeconds(30));

        // 12 MiB that the peer never reads: more than the kernel's buffers on both sides can take (our send buffer is
        // at most tcp_wmem's maximum, the peer's window is 4 KiB), so the rest waits in our server when the reset comes.
        var body = new string('x', BodyBytes);
        for (var i = 1; i <= Messages; i++)
        {
            await romeo.SendAsync($"<message to='mercutio@gamma.test' type='chat' id='d{i}'><body>{body}</body></message>");
        }

        await romeo.SendAsync("<iq type='get' to='alpha.test' id='sync'><ping xmlns='urn:xmpp:ping'/></iq>");

        // Collect the bounces (each message at most once) until every message is accounted for, or none came for a
        // while after the reset. The ping's answer means our server has routed every message: then the peer resets.
        var bounced = new Dictionary<string, string>(StringComparer.Ordinal);
        var reset = false;
        while (bounced.Count <= Messages)
        {
            System.Xml.Linq.XElement next;
            try
            {
                next = await romeo.ExpectAsync(
                    e => ImSteps.IsResponse(e, "sync") || (e.Name == ImSteps.Client + "message" && (string?)e.Attribute("type") == "error"),
                    TimeSpan.FromSeconds(reset ? 20 : 120));
            }
            catch (TimeoutException) when (reset)
            {
                break;
            }

            if (ImSteps.IsResponse(next, "sync"))
            {
                gamma.Reset();
                reset = true;
                continue;
            }

            var id = (string?)next.Attribute("id") ?? "";
            Assert.True(bounced.TryAdd(id, ImSteps.ErrorCondition(next) ?? "?"), $"{id} bounced twice");
            Assert.Equal("mercutio@gamma.test", (string?)next.Attribute("from"));
        }

        output.WriteLine($"{bounced.Count} of {Messages + 1} messages bounced: {Describe(bounced)}");
        var timeouts = bounced.Count(b => b.Value == "remote-server-timeout");
        Assert.True(timeouts > 0, $"no remote-server-timeout bounce; bounces: {Describe(bounced)}");
        var kernelBytes = TcpSendBufferMax() + (1 << 20);
        var unaccounted = Messages + 1 - bounced.Count;
        Assert.True((long)unaccounted * BodyBytes <= kernelBytes,
            $"{unaccounted} of {Messages + 1} messages neither bounced nor possibly in kernel buffers ({kernelBytes} bytes); bounces: {Describe(bounced)}");
    }

    private static string Describe(Dictionary<string, string> bounced)
        => string.Join(", ", bounced.GroupBy(b => b.Value).Select(g => $"{g.Key}: {g.Count()}"));

    /// <summary>The most a TCP socket's send buffer grows to (Linux: the third field of tcp_wmem).</summary>
    private static long TcpSendBufferMax()
    {
        var fields = File.ReadAllText("/proc/sys/net/ipv4/tcp_wmem").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[2], CultureInfo.InvariantCulture);
    }
}
