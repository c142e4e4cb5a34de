namespace HighPerf.Xmpp.TestKit.External;

/// <summary>
/// Thrown when a test reaches for the in-process server (its host, routing table or test modules) while the suite
/// runs against an external binary. <see cref="ExternalServerTestFramework"/> reports such a test as skipped with
/// this message, so the external run says which tests it could not run instead of failing or passing them.
/// </summary>
public sealed class InProcessOnlyException : Exception
{
    public InProcessOnlyException(string what)
        : base($"needs the in-process server ({what}): {ExternalServer.BinaryVariable} runs this suite against an external binary")
    {
    }

    public InProcessOnlyException()
    {
    }

    public InProcessOnlyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
