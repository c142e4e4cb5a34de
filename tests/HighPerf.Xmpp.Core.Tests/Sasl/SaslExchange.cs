using System.Text;
using HighPerf.Xmpp.Core.Sasl;

namespace HighPerf.Xmpp.Core.Tests.Sasl;

/// <summary>Drives a <see cref="SaslServer"/> with strings, for readable tests.</summary>
internal sealed class SaslExchange(SaslServer server, string domain = "example.com")
{
    private readonly byte[] _output = new byte[SaslServer.MaxOutputBytes];

    public SaslServer Server => server;

    public SaslFailure Failure { get; private set; }

    public string Output { get; private set; } = "";

    public SaslStepResult Start(SaslMechanism mechanism, string? initial)
        => Start(mechanism, initial is null ? null : Encoding.UTF8.GetBytes(initial));

    public SaslStepResult Start(SaslMechanism mechanism, byte[]? initial)
    {
        var result = server.Start(mechanism, Encoding.UTF8.GetBytes(domain), initial, initial is not null, _output, out var written, out var failure);
        return Record(result, written, failure);
    }

    public SaslStepResult Step(string response) => Step(Encoding.UTF8.GetBytes(response));

    public SaslStepResult Step(byte[] response)
    {
        var result = server.Step(response, _output, out var written, out var failure);
        return Record(result, written, failure);
    }

    private SaslStepResult Record(SaslStepResult result, int written, SaslFailure failure)
    {
        Output = Encoding.UTF8.GetString(_output, 0, written);
        Failure = failure;
        Assert.Equal(result == SaslStepResult.Failure, failure != SaslFailure.None);
        return result;
    }
}
