using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace HighPerf.Xmpp.TestKit;

/// <summary>The negotiation steps a real client goes through (RFC 6120 §4–§7), one method each.</summary>
public sealed partial class XmppTestClient
{
    public static readonly XNamespace Streams = "http://etherx.jabber.org/streams";
    public static readonly XNamespace Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static readonly XNamespace Tls = "urn:ietf:params:xml:ns:xmpp-tls";
    public static readonly XNamespace BindNs = "urn:ietf:params:xml:ns:xmpp-bind";

    /// <summary>Sends a stream header and returns the server's &lt;stream:features/&gt;.</summary>
    public async Task<XElement> OpenStreamAsync(string? to = null)
    {
        // Every stream we open is answered by a new stream from the server (RFC 6120 §4.3.3). The tokenizer
        // was reset where the server's stream ends (TLS, SASL success); anything already buffered is the new one.
        if (_events.Count == 0 && _tokenizer.BufferedBytes == 0)
        {
            ResetTokenizer();
        }

        await SendAsync($"<?xml version='1.0'?><stream:stream to='{to ?? Domain}' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
        var header = await NextAsync();
        if (header.Kind != XmppEventKind.StreamOpened)
        {
            throw new InvalidOperationException($"Expected a stream header, got {header}.");
        }

        var features = await NextElementAsync();
        if (features.Name != Streams + "features")
        {
            throw new InvalidOperationException($"Expected stream features, got {features}.");
        }

        return features;
    }

    /// <summary>STARTTLS (RFC 6120 §5) then a new stream; returns the new features.</summary>
    public async Task<XElement> StartTlsAsync()
    {
        await SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        var proceed = await NextElementAsync();
        if (proceed.Name != Tls + "proceed")
        {
            throw new InvalidOperationException($"Expected <proceed/>, got {proceed}.");
        }

        await UpgradeToTlsAsync();
        return await OpenStreamAsync();
    }

    /// <summary>SASL with the named mechanism; returns the server's last element (success or failure).</summary>
    public async Task<XElement> AuthenticateAsync(string user, string password, string mechanism = "SCRAM-SHA-256")
    {
        if (mechanism == "PLAIN")
        {
            var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
            await SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{plain}</auth>");
            return await NextElementAsync();
        }

        var scram = new ScramClient(user, password, mechanism == "SCRAM-SHA-1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256);
        await SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='{mechanism}'>{Convert.ToBase64String(scram.ClientFirst())}</auth>");
        var challenge = await NextElementAsync();
        if (challenge.Name != Sasl + "challenge")
        {
            return challenge;
        }

        await SendAsync($"<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{Convert.ToBase64String(scram.ClientFinal(Convert.FromBase64String(challenge.Value)))}</response>");
        var outcome = await NextElementAsync();
        if (outcome.Name == Sasl + "success" && !scram.VerifyServerFinal(Convert.FromBase64String(outcome.Value)))
        {
            throw new InvalidOperationException("The server's SCRAM signature is wrong.");
        }

        return outcome;
    }

    /// <summary>Binds a resource (RFC 6120 §7) and returns the full JID.</summary>
    public async Task<string> BindAsync(string? resource = null)
    {
        var request = resource is null
            ? "<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"
            : $"<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}</resource></bind></iq>";
        await SendAsync(request);
        var result = await NextElementAsync();
        var jid = result.Element(BindNs + "bind")?.Element(BindNs + "jid")?.Value
            ?? throw new InvalidOperationException($"Bind failed: {result}");
        Jid = jid;
        return jid;
    }

    /// <summary>Connect, STARTTLS, authenticate, restart, bind: a ready client.</summary>
    public static async Task<XmppTestClient> LoginAsync(
        IPEndPoint endPoint, string domain, string user, string password = "secret",
        string? resource = null, string mechanism = "SCRAM-SHA-256", bool tls = true, int? receiveBufferSize = null)
    {
        var client = await ConnectAsync(endPoint, domain, receiveBufferSize: receiveBufferSize);
        try
        {
            await client.OpenStreamAsync();
            if (tls)
            {
                await client.StartTlsAsync();
            }

            var outcome = await client.AuthenticateAsync(user, password, mechanism);
            if (outcome.Name != Sasl + "success")
            {
                throw new InvalidOperationException($"Authentication failed: {outcome}");
            }

            await client.OpenStreamAsync();
            await client.BindAsync(resource);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends initial presence (no wait).</summary>
    public Task SendPresenceAsync(string extra = "") => SendAsync($"<presence>{extra}</presence>");

    /// <summary>
    /// Sends available presence with <paramref name="priority"/> and waits until the server has processed it:
    /// a message to our own full JID, sent after it on the same stream, comes back only after the presence
    /// was handled (a session's input is processed in order). Anything before it (presence) is skipped.
    /// </summary>
    public async Task BecomeAvailableAsync(int priority = 0)
    {
        var barrier = "available-" + Interlocked.Increment(ref _barriers);
        await SendAsync($"<presence><priority>{priority}</priority></presence><message to='{Jid}' type='headline' id='{barrier}'/>");
        await ExpectAsync(e => e.Name.LocalName == "message" && (string?)e.Attribute("id") == barrier);
    }
}
