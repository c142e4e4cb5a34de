namespace HighPerf.Xmpp.TestKit.Scripts;

public enum ScriptStepKind
{
    /// <summary><c>Romeo connects</c>: connect, STARTTLS, SCRAM, bind.</summary>
    Connects,

    /// <summary><c>Romeo sends:</c> followed by indented XML, sent as written (after variables are replaced).</summary>
    Sends,

    /// <summary><c>Romeo receives:</c> followed by indented XML: the next elements must match, in order.</summary>
    Receives,

    /// <summary><c>Romeo receives nothing</c>: nothing arrives for a short while.</summary>
    ReceivesNothing,

    /// <summary><c>Romeo disconnects</c>: the client closes its stream and waits for the server to close too.</summary>
    Disconnects,

    /// <summary><c>Romeo is disconnected</c>: the server closes the stream (after a stream error, say).</summary>
    IsDisconnected,
}
