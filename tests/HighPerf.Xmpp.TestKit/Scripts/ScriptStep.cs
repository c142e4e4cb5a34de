namespace HighPerf.Xmpp.TestKit.Scripts;

/// <summary>One action of a script; <see cref="Xml"/> holds the indented block of sends/receives.</summary>
public sealed record ScriptStep(ScriptStepKind Kind, string Client, string Xml, int Line)
{
    public override string ToString() => $"line {Line}: {Client} {Kind}";
}
