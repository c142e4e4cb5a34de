namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>What the server answers to one client message.</summary>
public enum SaslStepResult : byte
{
    /// <summary>Send a &lt;challenge/&gt; with the output (possibly empty) and wait for a &lt;response/&gt;.</summary>
    Challenge,

    /// <summary>Send &lt;success/&gt; with the output as additional data (empty for PLAIN).</summary>
    Success,

    /// <summary>Send &lt;failure/&gt; with the reported condition; the attempt is over.</summary>
    Failure,
}
