namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>What a connection knows of the listener that accepted it: its name in logs and metrics.</summary>
internal sealed class ListenerInfo
{
    public ListenerInfo(string name, bool directTls)
    {
        Name = name;
        DirectTls = directTls;
    }

    /// <summary>The bound address (e.g. "127.0.0.1:5222"); set once the listener is bound, before any accept.</summary>
    public string Name { get; set; }

    public bool DirectTls { get; }

    /// <summary>The 'listener' tag of the connection metrics (a struct around a fixed string: no allocation).</summary>
    public KeyValuePair<string, object?> Tag => new("listener", Name);
}
