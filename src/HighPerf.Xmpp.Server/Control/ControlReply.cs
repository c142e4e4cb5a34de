namespace HighPerf.Xmpp.Server.Control;

/// <summary>What a control command answers: an exit code for the CLI (0 ok, 1 failed, 2 bad usage) and text.</summary>
public readonly record struct ControlReply(int ExitCode, string Text)
{
    public static ControlReply Ok(string text) => new(0, text);

    public static ControlReply Failed(string text) => new(1, text);

    public static ControlReply Usage(string text) => new(2, text);
}
