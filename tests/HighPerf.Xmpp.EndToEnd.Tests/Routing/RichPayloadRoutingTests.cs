using System.Security.Cryptography;
using System.Text;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Routing;

/// <summary>
/// What clients negotiate end to end crosses the server byte for byte, with only 'from' stamped (RFC 6120 §8.1.2.1):
/// XHTML-IM bodies (XEP-0071), Stream Initiation file offers (XEP-0095/0096), Jingle RTP and file transfer sessions
/// (XEP-0166/0167/0176/0234) and In-Band Bytestreams (XEP-0047) up to the stanza size limit. Each test compares the
/// bytes the recipient read with the bytes the sender wrote.
/// </summary>
public sealed class RichPayloadRoutingTests
{
    private const string Romeo = "romeo@localhost/orchard";
    private const string Juliet = "juliet@localhost/balcony";

    [Fact]
    public async Task An_xhtml_im_message_with_markup_entities_and_non_ascii_text_arrives_byte_for_byte()
    {
        await using var pair = await Pair.StartAsync();
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet,
            $"<message to='{Juliet}' id='x1' type='chat' xml:lang='en'><body>Wherefore art thou, Romeo?</body>"
            + "<html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>"
            + "<p style='font-weight:bold'>Wherefore <em>art</em> thou, <span style='color:#c00'>Romeo</span>? — «é» 🌹</p>"
            + "<p><a href='https://example.org/?a=1&amp;b=2'>a link &lt;here&gt;</a><br/><img alt='rose' src='data:image/png;base64,iVBORw0KGgo='/></p>"
            + "<blockquote><ul><li>one</li><li>two</li></ul></blockquote></body></html></message>");
    }

    [Fact]
    public async Task An_xhtml_im_message_to_a_bare_jid_reaches_the_resource_untouched()
    {
        await using var pair = await Pair.StartAsync();
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet,
            "<message type='chat' id='x2' to='juliet@localhost'><body>hi</body><html xmlns='http://jabber.org/protocol/xhtml-im'>"
            + "<body xmlns='http://www.w3.org/1999/xhtml'><p><strong>hi</strong></p></body></html></message>");
    }

    [Fact]
    public async Task A_stanza_carrying_its_senders_own_from_gets_only_that_from_rewritten()
    {
        await using var pair = await Pair.StartAsync();
        var sent = $"<message from='{Romeo}' to='{Juliet}' id='x3'><body>own from</body></message>";
        var received = await pair.SendAndReceiveAsync(pair.Romeo, pair.Juliet, sent, "x3");
        Assert.Equal($"<message from='{Romeo}' to='{Juliet}' id='x3'><body>own from</body></message>", received);
    }

    [Fact]
    public async Task A_stream_initiation_file_offer_and_its_acceptance_arrive_untouched()
    {
        await using var pair = await Pair.StartAsync();
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet,
            $"<iq type='set' id='offer1' to='{Juliet}'><si xmlns='http://jabber.org/protocol/si' id='a0' mime-type='text/plain' "
            + "profile='http://jabber.org/protocol/si/profile/file-transfer'><file xmlns='http://jabber.org/protocol/si/profile/file-transfer' "
            + "name='test.txt' size='1022' hash='552da749930852c69ae5d2141d3766b1' date='1969-07-21T02:56:15Z'><desc>This is a test. If this were a real file...</desc><range/></file>"
            + "<feature xmlns='http://jabber.org/protocol/feature-neg'><x xmlns='jabber:x:data' type='form'><field var='stream-method' type='list-single'>"
            + "<option><value>http://jabber.org/protocol/bytestreams</value></option><option><value>http://jabber.org/protocol/ibb</value></option>"
            + "</field></x></feature></si></iq>");
        await pair.AssertUntouchedAsync(pair.Juliet, pair.Romeo,
            $"<iq type='result' to='{Romeo}' id='offer1'><si xmlns='http://jabber.org/protocol/si'><feature xmlns='http://jabber.org/protocol/feature-neg'>"
            + "<x xmlns='jabber:x:data' type='submit'><field var='stream-method'><value>http://jabber.org/protocol/bytestreams</value></field></x></feature></si></iq>");
    }

    [Fact]
    public async Task A_jingle_rtp_session_initiate_ringing_accept_and_terminate_arrive_untouched()
    {
        await using var pair = await Pair.StartAsync();
        const string Content = "<content creator='initiator' name='voice'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
            + "<payload-type id='96' name='speex' clockrate='16000'/><payload-type id='97' name='speex' clockrate='8000'/>"
            + "<payload-type id='18' name='G729'/><payload-type id='0' name='PCMU'/><payload-type id='103' name='L16' clockrate='16000' channels='2'/>"
            + "<payload-type id='111' name='opus' clockrate='48000' channels='2'><parameter name='minptime' value='10'/><rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/></payload-type>"
            + "<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/></description>"
            + "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' pwd='asd88fgpdd777uzjYhagZg' ufrag='8hhy'>"
            + "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>02:1A:CC:54:27:AB:EB:9C:53:3F:3E:4B:65:2E:7D:46:3F:54:42:CD:54:F1:7A:03:A2:7D:F9:B0:7F:46:19:B2</fingerprint>"
            + "<candidate component='1' foundation='1' generation='0' id='el0747fg11' ip='10.0.1.1' network='1' port='8998' priority='2130706431' protocol='udp' type='host'/>"
            + "<candidate component='1' foundation='2' generation='0' id='y3s2b30v3r' ip='192.0.2.3' network='1' port='45664' priority='1694498815' protocol='udp' rel-addr='10.0.1.1' rel-port='8998' type='srflx'/>"
            + "</transport></content>";
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet,
            $"<iq to='{Juliet}' id='jingle1' type='set'><jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' initiator='{Romeo}' sid='a73sjjvkla37jfea'>"
            + Content + "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'><content name='voice'/></group></jingle></iq>");
        await pair.AssertUntouchedAsync(pair.Juliet, pair.Romeo, $"<iq to='{Romeo}' id='jingle1' type='result'/>");
        await pair.AssertUntouchedAsync(pair.Juliet, pair.Romeo,
            $"<iq to='{Romeo}' id='ring1' type='set'><jingle xmlns='urn:xmpp:jingle:1' action='session-info' initiator='{Romeo}' sid='a73sjjvkla37jfea'>"
            + "<ringing xmlns='urn:xmpp:jingle:apps:rtp:info:1'/></jingle></iq>");
        await pair.AssertUntouchedAsync(pair.Juliet, pair.Romeo,
            $"<iq to='{Romeo}' id='accept1' type='set'><jingle xmlns='urn:xmpp:jingle:1' action='session-accept' initiator='{Romeo}' responder='{Juliet}' sid='a73sjjvkla37jfea'>"
            + Content.Replace("actpass", "active", StringComparison.Ordinal) + "</jingle></iq>");
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet,
            $"<iq to='{Juliet}' id='term1' type='set'><jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='a73sjjvkla37jfea'>"
            + "<reason><success/><text>Sorry, gotta go!</text></reason></jingle></iq>");
    }

    [Fact]
    public async Task A_jingle_file_transfer_offer_with_socks5_candidates_and_its_transport_info_arrive_untouched()
    {
        await using var pair = await Pair.StartAsync();
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet,
            $"<iq to='{Juliet}' id='ft1' type='set'><jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' initiator='{Romeo}' sid='851ba2'>"
            + "<content creator='initiator' name='a-file-offer' senders='initiator'><description xmlns='urn:xmpp:jingle:apps:file-transfer:5'><file>"
            + "<date>1969-07-21T02:56:15Z</date><desc>This is a test. If this were a real file...</desc><media-type>text/plain</media-type>"
            + "<name>test.txt</name><range/><size>6144</size><hash xmlns='urn:xmpp:hashes:2' algo='sha-1'>w0mcJylzCn+AfvuGdqkty2+KP48=</hash></file></description>"
            + "<transport xmlns='urn:xmpp:jingle:transports:s5b:1' mode='tcp' sid='vj3hs98y'>"
            + $"<candidate cid='hft54dqy' host='192.168.4.1' jid='{Romeo}' port='5086' priority='8257636' type='direct'/>"
            + "<candidate cid='ht567dq' host='proxy.localhost' jid='proxy.localhost' port='7777' priority='4128818' type='proxy'/></transport>"
            + "<security xmlns='urn:xmpp:jingle:security:xtls:0'/></content></jingle></iq>");
        await pair.AssertUntouchedAsync(pair.Juliet, pair.Romeo,
            $"<iq to='{Romeo}' id='ti1' type='set'><jingle xmlns='urn:xmpp:jingle:1' action='transport-info' initiator='{Romeo}' sid='851ba2'>"
            + "<content creator='initiator' name='a-file-offer'><transport xmlns='urn:xmpp:jingle:transports:s5b:1' sid='vj3hs98y'>"
            + "<candidate-used cid='ht567dq'/></transport></content></jingle></iq>");
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet,
            $"<iq to='{Juliet}' id='ibbft' type='set'><jingle xmlns='urn:xmpp:jingle:1' action='transport-replace' initiator='{Romeo}' sid='851ba2'>"
            + "<content creator='initiator' name='a-file-offer'><transport xmlns='urn:xmpp:jingle:transports:ibb:1' block-size='4096' sid='ch3d9s71'/></content></jingle></iq>");
    }

    [Fact]
    public async Task In_band_bytestream_open_data_up_to_the_stanza_limit_and_close_arrive_untouched()
    {
        await using var pair = await Pair.StartAsync();
        var limit = pair.Server.Host.Config.Limits.MaxStanzaBytes;
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet,
            $"<iq to='{Juliet}' id='ibb1' type='set'><open xmlns='http://jabber.org/protocol/ibb' block-size='65535' sid='i781hf64' stanza='iq'/></iq>");

        // An iq data packet exactly at limits.maxStanzaBytes, and a message data packet just under it.
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet, IbbData($"<iq to='{Juliet}' id='ibb2' type='set'>", "</iq>", 0, limit));
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet, IbbData($"<message to='{Juliet}' id='ibb3'>", "</message>", 1, limit - 3));
        await pair.AssertUntouchedAsync(pair.Juliet, pair.Romeo, $"<iq to='{Romeo}' id='ibb2' type='result'/>");
        await pair.AssertUntouchedAsync(pair.Romeo, pair.Juliet,
            $"<iq to='{Juliet}' id='ibb4' type='set'><close xmlns='http://jabber.org/protocol/ibb' sid='i781hf64'/></iq>");
    }

    /// <summary>An IBB data stanza of exactly <paramref name="total"/> bytes, its payload random base64.</summary>
    private static string IbbData(string open, string close, int seq, int total)
    {
        var head = $"{open}<data xmlns='http://jabber.org/protocol/ibb' seq='{seq}' sid='i781hf64'>";
        var tail = "</data>" + close;
        var room = total - head.Length - tail.Length;
        var base64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(room / 4 * 3));
        var padding = new string(' ', room - base64.Length); // XEP-0047 allows whitespace inside the base64 text
        var stanza = head + base64 + padding + tail;
        Assert.Equal(total, Encoding.UTF8.GetByteCount(stanza));
        return stanza;
    }

    private sealed class Pair : IAsyncDisposable
    {
        private Pair(TestServer server, XmppTestClient romeo, XmppTestClient juliet)
        {
            Server = server;
            Romeo = romeo;
            Juliet = juliet;
        }

        public TestServer Server { get; }

        public XmppTestClient Romeo { get; }

        public XmppTestClient Juliet { get; }

        public static async Task<Pair> StartAsync()
        {
            var server = await TestServers.StartAsync(users: ["romeo", "juliet"]);
            var romeo = await server.LoginAsync("romeo", "orchard");
            var juliet = await server.LoginAsync("juliet", "balcony");
            await juliet.BecomeAvailableAsync();
            return new Pair(server, romeo, juliet);
        }

        /// <summary>Asserts that <paramref name="recipient"/> reads exactly <paramref name="stanza"/> with the sender's
        /// 'from' inserted after the element name, where the router puts it.</summary>
        public async Task AssertUntouchedAsync(XmppTestClient sender, XmppTestClient recipient, string stanza)
        {
            var id = System.Text.RegularExpressions.Regex.Match(stanza, "id='([^']+)'").Groups[1].Value;
            var received = await SendAndReceiveAsync(sender, recipient, stanza, id);
            var nameEnd = stanza.IndexOfAny([' ', '>', '/']);
            var expected = stanza.Insert(nameEnd, $" from='{sender.Jid}'");
            Assert.True(Encoding.UTF8.GetBytes(expected).AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(received)),
                $"Sent (with from stamped):\n{Shorten(expected)}\nReceived:\n{Shorten(received)}");
        }

        public async Task<string> SendAndReceiveAsync(XmppTestClient sender, XmppTestClient recipient, string stanza, string id)
        {
            await sender.SendRawAsync(Encoding.UTF8.GetBytes(stanza));
            var received = await recipient.ExpectEventAsync(e => (string?)e.Attribute("id") == id && e.Name.LocalName != "presence");
            return WithoutArchiveStanzaId(received.Xml, recipient);
        }

        /// <summary>
        /// The recipient's archive (XEP-0313) appends its stanza-id (XEP-0359) to an archived message as the last child;
        /// it must be exactly that element, by the recipient's bare JID, and the bytes before it are what is compared.
        /// </summary>
        private static string WithoutArchiveStanzaId(string xml, XmppTestClient recipient)
        {
            var match = System.Text.RegularExpressions.Regex.Match(xml, "<stanza-id xmlns='urn:xmpp:sid:0' id='[^']+' by='([^']+)'/></message>$");
            if (!match.Success)
            {
                return xml;
            }

            Assert.Equal(recipient.Jid!.Split('/')[0], match.Groups[1].Value);
            return xml[..match.Index] + "</message>";
        }

        private static string Shorten(string xml) => xml.Length <= 2000 ? xml : xml[..1000] + " … " + xml[^1000..];

        public async ValueTask DisposeAsync()
        {
            await Romeo.DisposeAsync();
            await Juliet.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
