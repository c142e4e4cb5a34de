namespace HighPerf.Xmpp.TestKit.Scripts;

/// <summary>A parsed conversation script (the format is described in the Scripts folder's README).</summary>
public sealed record ConversationScript(string Name, string Title, IReadOnlyList<ScriptClient> Clients, IReadOnlyList<ScriptStep> Steps)
{
    public ScriptClient Client(string name)
        => Clients.FirstOrDefault(c => c.Name == name) ?? throw new FormatException($"{Name}: no [Client] {name} in the header.");
}
