using System.Security.Cryptography;
using System.Text;

namespace HighPerf.Xmpp.TestKit;

/// <summary>
/// A client-side SCRAM (RFC 5802 / RFC 7677) written independently of the server's, so that tests check
/// the server against the RFC rather than against itself.
/// </summary>
public sealed class ScramClient(string user, string password, HashAlgorithmName hash)
{
    private readonly string _clientNonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    private string _clientFirstBare = "";
    private byte[] _serverSignature = [];

    public string MechanismName => hash == HashAlgorithmName.SHA1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";

    public byte[] ClientFirst()
    {
        _clientFirstBare = $"n={user.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal)},r={_clientNonce}";
        return Encoding.UTF8.GetBytes("n,," + _clientFirstBare);
    }

    public byte[] ClientFinal(byte[] serverFirstBytes)
    {
        var serverFirst = Encoding.UTF8.GetString(serverFirstBytes);
        var attributes = Parse(serverFirst);
        var nonce = attributes["r"];
        if (!nonce.StartsWith(_clientNonce, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Server nonce does not extend the client nonce.");
        }

        var salt = Convert.FromBase64String(attributes["s"]);
        var iterations = int.Parse(attributes["i"], System.Globalization.CultureInfo.InvariantCulture);
        var length = hash == HashAlgorithmName.SHA1 ? 20 : 32;
        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, hash, length);
        var clientKey = Hmac(saltedPassword, "Client Key");
        var storedKey = hash == HashAlgorithmName.SHA1 ? SHA1.HashData(clientKey) : SHA256.HashData(clientKey);
        var withoutProof = $"c=biws,r={nonce}";
        var authMessage = $"{_clientFirstBare},{serverFirst},{withoutProof}";
        var clientSignature = Hmac(storedKey, authMessage);
        var proof = new byte[clientKey.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        }

        var serverKey = Hmac(saltedPassword, "Server Key");
        _serverSignature = Hmac(serverKey, authMessage);
        return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
    }

    public bool VerifyServerFinal(byte[] serverFinal)
    {
        var attributes = Parse(Encoding.UTF8.GetString(serverFinal));
        return attributes.TryGetValue("v", out var v) && Convert.FromBase64String(v).AsSpan().SequenceEqual(_serverSignature);
    }

    private byte[] Hmac(byte[] key, string data)
        => hash == HashAlgorithmName.SHA1
            ? HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(data))
            : HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static Dictionary<string, string> Parse(string message)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in message.Split(','))
        {
            if (part.Length > 2 && part[1] == '=')
            {
                result[part[..1]] = part[2..];
            }
        }

        return result;
    }
}
