using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Benchmarks.Sasl;

/// <summary>
/// Cost and allocations of one login on the server: a whole SCRAM exchange (client-first to server-final,
/// with stored keys: no PBKDF2 on the server), a PLAIN check (one PBKDF2-SHA-256 at 4096 iterations) and the
/// credential derivation that adduser/passwd pay (two PBKDF2s).
/// </summary>
[MemoryDiagnoser]
public class SaslBenchmarks
{
    private const string ClientNonce = "rOprNGfwEbeRWgbNEkqO";
    private const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

    private readonly byte[] _output = new byte[SaslServer.MaxOutputBytes];
    private SaslServer _server = null!;
    private byte[] _clientFirst = [];
    private byte[] _clientFinal256 = [];
    private byte[] _clientFinal1 = [];
    private byte[] _plain = [];

    [GlobalSetup]
    public void Setup()
    {
        var record = ScramCredentials.Derive("pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        _server = new SaslServer(new SingleUser(record)) { FixedServerNonce = Encoding.ASCII.GetBytes(ServerNonce) };
        _clientFirst = Encoding.ASCII.GetBytes($"n,,n=user,r={ClientNonce}");
        _clientFinal256 = ClientFinal(true);
        _clientFinal1 = ClientFinal(false);
        _plain = "\0user\0pencil"u8.ToArray();
        if (ScramSha256Login() != 46 || ScramSha1Login() != 30 || !PlainLogin())
        {
            throw new InvalidOperationException("The benchmark exchange does not authenticate.");
        }
    }

    [Benchmark(Baseline = true)]
    public int ScramSha256Login() => Scram(SaslMechanism.ScramSha256, _clientFinal256);

    [Benchmark]
    public int ScramSha1Login() => Scram(SaslMechanism.ScramSha1, _clientFinal1);

    [Benchmark]
    public bool PlainLogin()
    {
        var result = _server.Start(SaslMechanism.Plain, "example.com"u8, _plain, true, _output, out _, out _);
        _server.Reset();
        return result == SaslStepResult.Success;
    }

    [Benchmark]
    public int DeriveCredentials() => ScramCredentials.Derive("pencil").Iterations;

    private int Scram(SaslMechanism mechanism, byte[] clientFinal)
    {
        _server.Start(mechanism, "example.com"u8, _clientFirst, true, _output, out _, out _);
        var result = _server.Step(clientFinal, _output, out var written, out _);
        _server.Reset();
        return result == SaslStepResult.Success ? written : -1;
    }

    private byte[] ClientFinal(bool sha256)
    {
        // The client side, computed independently of the server code.
        var serverFirst = $"r={ClientNonce}{ServerNonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        var hash = sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        var size = sha256 ? 32 : 20;
        var salted = Rfc2898DeriveBytes.Pbkdf2("pencil"u8, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096, hash, size);
        var withoutProof = $"c=biws,r={ClientNonce}{ServerNonce}";
        var authMessage = Encoding.ASCII.GetBytes($"n=user,r={ClientNonce},{serverFirst},{withoutProof}");
        var clientKey = CryptographicOperations.HmacData(hash, salted, "Client Key"u8);
        var storedKey = CryptographicOperations.HashData(hash, clientKey);
        var signature = CryptographicOperations.HmacData(hash, storedKey, authMessage);
        for (var i = 0; i < size; i++)
        {
            clientKey[i] ^= signature[i];
        }

        return Encoding.ASCII.GetBytes($"{withoutProof},p={Convert.ToBase64String(clientKey)}");
    }

    private sealed class SingleUser(AccountRecord record) : ISaslCredentialSource
    {
        public bool TryGetCredentials(ReadOnlySpan<byte> bareJid, out AccountRecord result)
        {
            result = record;
            return bareJid.SequenceEqual("user@example.com"u8);
        }
    }
}
