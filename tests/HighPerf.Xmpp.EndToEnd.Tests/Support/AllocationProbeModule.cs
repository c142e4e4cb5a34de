using System.Collections.Concurrent;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.EndToEnd.Tests.Support;

/// <summary>
/// Reads the allocation counter of the event-loop thread that handles a stanza carrying <see cref="Mark"/>, so a
/// test can tell how much the server allocated on its loops between two marks (interceptors run on the sender's loop).
/// </summary>
public sealed class AllocationProbeModule : IXmppModule, IStanzaInterceptor
{
    public const string Mark = "urn:test:allocation-mark";

    private readonly ConcurrentDictionary<int, List<(int Round, long Bytes)>> _rounds = new();
    private int _round;

    public string Name => "allocation-probe";

    /// <summary>Per loop thread, the round (<see cref="BeginRound"/>) and allocation counter at each mark in arrival order.</summary>
    public IReadOnlyDictionary<int, List<(int Round, long Bytes)>> RoundReadings => _rounds;

    /// <summary>Marks handled from now on belong to round <paramref name="round"/>.</summary>
    public void BeginRound(int round) => Volatile.Write(ref _round, round);

    public void Register(ModuleRegistry registry, XmppServer server) => registry.AddInterceptor(this);

    public bool OnClientStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to)
    {
        if (element.Raw.IndexOf("urn:test:allocation-mark"u8) >= 0)
        {
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var rounds = _rounds.GetOrAdd(Environment.CurrentManagedThreadId, _ => []);
            lock (rounds)
            {
                rounds.Add((Volatile.Read(ref _round), bytes));
            }

            return false; // consumed: a mark goes nowhere
        }

        return true;
    }
}
