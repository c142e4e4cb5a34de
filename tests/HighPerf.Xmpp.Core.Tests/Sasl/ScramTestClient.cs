using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace HighPerf.Xmpp.Core.Tests.Sasl;

/// <summary>
/// An independent SCRAM client (RFC 5802 §3) written with System.Security.Cryptography and strings, to check
/// the server against values it did not compute itself.
/// </summary>
[SuppressMessage("Security", "CA5350", Justification = "SCRAM-SHA-1 is under test.")]
internal sealed class ScramTestClient(bool sha256, string username, string password, string clientNonce, string gs2Header = "n,,")
{
    private string? _clientFirstBare;
    private byte[]? _saltedPassword;
    private string? _authMessage;

    public string ClientFirst()
    {
        var escaped = username.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);
        _clientFirstBare = $"n={escaped},r={clientNonce}";
        return gs2Header + _clientFirstBare;
    }

    public string ClientFinal(string serverFirst, string? nonceOverride = null, string? bindingOverride = null, string? extension = null)
    {
        var attributes = serverFirst.Split(',').ToDictionary(a => a[0], a => a[2..]);
        var salt = Convert.FromBase64String(attributes['s']);
        var iterations = int.Parse(attributes['i'], System.Globalization.CultureInfo.InvariantCulture);
        var hash = sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        _saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, hash, sha256 ? 32 : 20);
        var withoutProof = $"c={bindingOverride ?? Convert.ToBase64String(Encoding.UTF8.GetBytes(gs2Header))},r={nonceOverride ?? attributes['r']}{extension}";
        _authMessage = $"{_clientFirstBare},{serverFirst},{withoutProof}";
        var clientKey = Hmac(_saltedPassword, "Client Key");
        var storedKey = sha256 ? SHA256.HashData(clientKey) : SHA1.HashData(clientKey);
        var signature = Hmac(storedKey, _authMessage);
        var proof = clientKey.Zip(signature, (k, s) => (byte)(k ^ s)).ToArray();
        return $"{withoutProof},p={Convert.ToBase64String(proof)}";
    }

    public string ExpectedServerFinal()
        => "v=" + Convert.ToBase64String(Hmac(Hmac(_saltedPassword!, "Server Key"), _authMessage!));

    private byte[] Hmac(byte[] key, string data)
        => sha256 ? HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data)) : HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(data));
}
