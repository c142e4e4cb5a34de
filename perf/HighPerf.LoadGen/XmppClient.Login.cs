using System.Text;

namespace HighPerf.LoadGen;

/// <summary>Stream negotiation as a standard client does it (RFC 6120): header, STARTTLS, SASL, restart, bind, session.</summary>
internal sealed partial class XmppClient
{
    public async Task LoginAsync(Options options, string user, string resource, CancellationToken cancel)
    {
        var domain = options.Domain;
        var header = Encoding.UTF8.GetBytes($"<?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
        var features = await OpenStreamAsync(header, cancel).ConfigureAwait(false);
        if (options.Tls)
        {
            if (!features.Contains("<starttls", StringComparison.Ordinal))
            {
                throw new LoginException("tls", "STARTTLS not offered");
            }

            await SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"u8.ToArray(), cancel).ConfigureAwait(false);
            var reply = await ExpectElementAsync(cancel).ConfigureAwait(false);
            if (reply.Name != "proceed")
            {
                throw new LoginException("tls", reply.Text);
            }

            await StartTlsAsync(domain, options.TlsVersion, cancel).ConfigureAwait(false);
            features = await OpenStreamAsync(header, cancel).ConfigureAwait(false);
        }

        if (!features.Contains($">{options.Mechanism}<", StringComparison.Ordinal))
        {
            throw new LoginException("auth", $"{options.Mechanism} not offered");
        }

        if (options.Mechanism == "PLAIN")
        {
            var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{options.Password}"));
            await SendTextAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{plain}</auth>", cancel).ConfigureAwait(false);
        }
        else
        {
            await ScramAsync(options.Mechanism, user, options.Password, cancel).ConfigureAwait(false);
        }

        var outcome = await ExpectElementAsync(cancel).ConfigureAwait(false);
        if (outcome.Name != "success")
        {
            throw new LoginException("auth", outcome.Text);
        }

        _scram?.VerifyServerFinal(outcome.Text);
        RestartStream();
        features = await OpenStreamAsync(header, cancel).ConfigureAwait(false);
        await SendTextAsync($"<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}</resource></bind></iq>", cancel).ConfigureAwait(false);
        var bound = await ExpectElementAsync(cancel).ConfigureAwait(false);
        var jidStart = bound.Text.IndexOf("<jid>", StringComparison.Ordinal);
        var jidEnd = bound.Text.IndexOf("</jid>", StringComparison.Ordinal);
        if (bound.Name != "iq" || !bound.Text.Contains("type='result'", StringComparison.Ordinal) && !bound.Text.Contains("type=\"result\"", StringComparison.Ordinal) || jidStart < 0 || jidEnd < 0)
        {
            throw new LoginException("bind", bound.Text);
        }

        FullJid = Encoding.UTF8.GetBytes(bound.Text[(jidStart + 5)..jidEnd]);

        // RFC 6121 legacy session: only where the server still requires it (no <optional/> inside <session>).
        var session = features.IndexOf("urn:ietf:params:xml:ns:xmpp-session", StringComparison.Ordinal);
        if (session >= 0 && !features.AsSpan(session).StartsWith("urn:ietf:params:xml:ns:xmpp-session'/>") && !features.AsSpan(session).StartsWith("urn:ietf:params:xml:ns:xmpp-session\"/>")
            && !features[session..].Contains("<optional", StringComparison.Ordinal))
        {
            await SendTextAsync("<iq type='set' id='sess1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>", cancel).ConfigureAwait(false);
            var reply = await ExpectElementAsync(cancel).ConfigureAwait(false);
            if (reply.Name != "iq")
            {
                throw new LoginException("bind", reply.Text);
            }
        }
    }

    /// <summary>XEP-0077 in-band registration of <paramref name="user"/> on a fresh stream; an existing account counts as done.</summary>
    public async Task<bool> RegisterAsync(Options options, string user, CancellationToken cancel)
    {
        var header = Encoding.UTF8.GetBytes($"<?xml version='1.0'?><stream:stream to='{options.Domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
        await OpenStreamAsync(header, cancel).ConfigureAwait(false);
        await SendTextAsync($"<iq type='set' id='reg1'><query xmlns='jabber:iq:register'><username>{user}</username><password>{options.Password}</password></query></iq>", cancel).ConfigureAwait(false);
        var reply = await ExpectElementAsync(cancel).ConfigureAwait(false);
        var ok = reply.Name == "iq" && (reply.Text.Contains("'result'", StringComparison.Ordinal) || reply.Text.Contains("\"result\"", StringComparison.Ordinal));
        if (!ok && !reply.Text.Contains("<conflict", StringComparison.Ordinal))
        {
            throw new LoginException("register", reply.Text);
        }

        return ok;
    }

    public ValueTask SendTextAsync(string text, CancellationToken cancel) => SendAsync(Encoding.UTF8.GetBytes(text), cancel);

    /// <summary>Ends the stream politely; the server's closing tag is not awaited.</summary>
    public async Task CloseStreamAsync()
    {
        try
        {
            await SendAsync("</stream:stream>"u8.ToArray()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private async Task<string> OpenStreamAsync(byte[] header, CancellationToken cancel)
    {
        await SendAsync(header, cancel).ConfigureAwait(false);
        var (unit, _, _) = await NextAsync(cancel).ConfigureAwait(false);
        if (unit != XmlSplitter.Unit.StreamHeader)
        {
            throw new LoginException("stream", "no stream header");
        }

        var features = await ExpectElementAsync(cancel).ConfigureAwait(false);
        return features.Name == "features" ? features.Text : throw new LoginException("stream", features.Text);
    }

    private async Task<(string Name, string Text)> ExpectElementAsync(CancellationToken cancel)
    {
        var (unit, start, length) = await NextAsync(cancel).ConfigureAwait(false);
        if (unit != XmlSplitter.Unit.Element)
        {
            throw new LoginException("stream", "stream closed");
        }

        var bytes = Bytes(start, length);
        var name = Encoding.UTF8.GetString(Xml.LocalName(bytes));
        var text = Encoding.UTF8.GetString(bytes);
        return name == "error" ? throw new LoginException("stream", text) : (name, text);
    }
}
