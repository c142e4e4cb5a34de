using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Xunit.Sdk;

namespace HighPerf.Xmpp.TestKit.Scripts;

/// <summary>
/// Plays a <see cref="ConversationScript"/> against a server: creates the accounts it names, then runs its
/// steps in order. Any difference fails with the script's name, the step's line and both XML texts.
/// </summary>
public sealed partial class ScriptRunner : IAsyncDisposable
{
    private readonly ConversationScript _script;
    private readonly TestServer _server;
    private readonly Dictionary<string, XmppTestClient> _connected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _boundJids = new(StringComparer.Ordinal);

    public ScriptRunner(ConversationScript script, TestServer server)
    {
        _script = script;
        _server = server;
    }

    /// <summary>How long a "receives" step waits, and how long "receives nothing" listens.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan SilenceWindow { get; init; } = TimeSpan.FromMilliseconds(300);

    public static async Task RunAsync(ConversationScript script, TestServer server)
    {
        await using var runner = new ScriptRunner(script, server);
        await runner.RunAsync();
    }

    public async Task RunAsync()
    {
        foreach (var account in _script.Clients.Select(c => (c.LocalPart, c.Password)).Distinct())
        {
            try
            {
                await _server.AddUserAsync(account.LocalPart, account.Password);
            }
            catch (InvalidOperationException)
            {
                // Two clients of one account: created once.
            }
        }

        foreach (var step in _script.Steps)
        {
            try
            {
                await RunStepAsync(step);
            }
            catch (Exception ex) when (ex is not XunitException)
            {
                throw new XunitException($"{_script.Name} {step}: {ex.Message}");
            }
        }
    }

    private async Task RunStepAsync(ScriptStep step)
    {
        var client = _script.Client(step.Client);
        switch (step.Kind)
        {
            case ScriptStepKind.Connects:
                var connection = await XmppTestClient.LoginAsync(_server.ClientEndPoint, _server.Domain, client.LocalPart, client.Password, client.RequestedResource);
                _connected[client.Name] = connection;
                _boundJids[client.Name] = connection.Jid!;
                break;
            case ScriptStepKind.Sends:
                await Connection(step).SendAsync(Substitute(step.Xml, step));
                break;
            case ScriptStepKind.Receives:
                await ReceiveAsync(step);
                break;
            case ScriptStepKind.ReceivesNothing:
                await Connection(step).ExpectSilenceAsync(SilenceWindow);
                break;
            case ScriptStepKind.Disconnects:
                var leaving = Connection(step);
                await leaving.SendAsync("</stream:stream>");
                await leaving.ExpectClosedAsync(ReceiveTimeout);
                await leaving.DisposeAsync();
                _connected.Remove(client.Name);
                break;
            default:
                await Connection(step).ExpectClosedAsync(ReceiveTimeout);
                await Connection(step).DisposeAsync();
                _connected.Remove(client.Name);
                break;
        }
    }

    private async Task ReceiveAsync(ScriptStep step)
    {
        var connection = Connection(step);
        foreach (var expected in ParseFragment(Substitute(step.Xml, step)))
        {
            XmppEvent next;
            try
            {
                next = await connection.NextAsync(ReceiveTimeout);
            }
            catch (TimeoutException)
            {
                throw new XunitException($"{_script.Name} {step}: nothing arrived within {ReceiveTimeout.TotalSeconds} s; expected\n{expected}");
            }

            if (next.Kind != XmppEventKind.Element)
            {
                throw new XunitException($"{_script.Name} {step}: expected\n{expected}\nbut the stream said {next.Kind}");
            }

            var mismatch = XmlShapeMatcher.Mismatch(expected, next.Element!);
            if (mismatch is not null)
            {
                throw new XunitException($"{_script.Name} {step}: {mismatch}\nexpected:\n{expected}\nreceived:\n{next.Xml}");
            }
        }
    }

    private XmppTestClient Connection(ScriptStep step)
        => _connected.TryGetValue(step.Client, out var connection)
            ? connection
            : throw new XunitException($"{_script.Name} {step}: {step.Client} is not connected.");

    /// <summary>Replaces <c>${Name's full JID}</c> (the bound JID) and <c>${Name's JID}</c> (the bare JID).</summary>
    private string Substitute(string xml, ScriptStep step) => VariablePattern().Replace(xml, match =>
    {
        var name = match.Groups["client"].Value;
        var client = _script.Client(name);
        if (match.Groups["full"].Success)
        {
            return _boundJids.TryGetValue(name, out var full)
                ? full
                : throw new XunitException($"{_script.Name} {step}: {name} has no full JID before it connects.");
        }

        return client.BareJid;
    });

    /// <summary>Parses one or more elements in the stream's context (default namespace jabber:client, prefix 'stream').</summary>
    private static List<XElement> ParseFragment(string xml)
    {
        var names = new XmlNamespaceManager(new NameTable());
        names.AddNamespace("stream", "http://etherx.jabber.org/streams");
        names.AddNamespace(string.Empty, "jabber:client");
        var context = new XmlParserContext(null, names, null, XmlSpace.None);
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { ConformanceLevel = ConformanceLevel.Fragment }, context);
        var elements = new List<XElement>();
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                elements.Add((XElement)XNode.ReadFrom(reader));
            }
            else
            {
                reader.Read();
            }
        }

        return elements;
    }

    [GeneratedRegex(@"\$\{(?<client>.+?)'s (?<full>full )?JID\}")]
    private static partial Regex VariablePattern();

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connected.Values)
        {
            await connection.DisposeAsync();
        }

        _connected.Clear();
    }
}
