using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace HighPerf.LoadGen;

/// <summary>
/// SCRAM-SHA-1 / SCRAM-SHA-256 (RFC 5802, RFC 7677) as a client. The salted password is cached per
/// (mechanism, salt, iterations), as RFC 5802 §5.1 allows clients to, so repeated logins of the login storm measure
/// the server, not the generator's PBKDF2.
/// </summary>
internal sealed partial class XmppClient
{
    private static readonly ConcurrentDictionary<string, byte[]> s_saltedPasswords = new(StringComparer.Ordinal);
    private ScramState? _scram;

    private async Task ScramAsync(string mechanism, string user, string password, CancellationToken cancel)
    {
        var sha256 = mechanism == "SCRAM-SHA-256";
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var clientFirstBare = $"n={user},r={nonce}";
        await SendTextAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='{mechanism}'>{Convert.ToBase64String(Encoding.UTF8.GetBytes("n,," + clientFirstBare))}</auth>", cancel).ConfigureAwait(false);
        var challenge = await ExpectElementAsync(cancel).ConfigureAwait(false);
        if (challenge.Name != "challenge")
        {
            throw new LoginException("auth", challenge.Text);
        }

        var serverFirst = Encoding.UTF8.GetString(Convert.FromBase64String(InnerText(challenge.Text)));
        string? combined = null, salt = null;
        var iterations = 0;
        foreach (var part in serverFirst.Split(','))
        {
            if (part.StartsWith("r=", StringComparison.Ordinal)) combined = part[2..];
            else if (part.StartsWith("s=", StringComparison.Ordinal)) salt = part[2..];
            else if (part.StartsWith("i=", StringComparison.Ordinal)) iterations = int.Parse(part[2..], System.Globalization.CultureInfo.InvariantCulture);
        }

        if (combined is null || salt is null || iterations <= 0 || !combined.StartsWith(nonce, StringComparison.Ordinal))
        {
            throw new LoginException("auth", "bad server-first-message " + serverFirst);
        }

        var hash = sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        var salted = s_saltedPasswords.GetOrAdd($"{mechanism}|{salt}|{iterations}|{password}",
            _ => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(salt), iterations, hash, sha256 ? 32 : 20));
        var withoutProof = $"c=biws,r={combined}";
        var authMessage = Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{withoutProof}");
        var clientKey = CryptographicOperations.HmacData(hash, salted, "Client Key"u8);
        var storedKey = CryptographicOperations.HashData(hash, clientKey);
        var signature = CryptographicOperations.HmacData(hash, storedKey, authMessage);
        for (var i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= signature[i];
        }

        var serverKey = CryptographicOperations.HmacData(hash, salted, "Server Key"u8);
        _scram = new ScramState(CryptographicOperations.HmacData(hash, serverKey, authMessage));
        var final = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(clientKey)}"));
        await SendTextAsync($"<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{final}</response>", cancel).ConfigureAwait(false);
    }

    private static string InnerText(string element)
    {
        var start = element.IndexOf('>', StringComparison.Ordinal) + 1;
        var end = element.LastIndexOf("</", StringComparison.Ordinal);
        return end > start ? element[start..end] : "";
    }

    private sealed class ScramState(byte[] serverSignature)
    {
        /// <summary>Checks v= in &lt;success&gt; (RFC 5802 §5.1: the server proves it knows the password too).</summary>
        public void VerifyServerFinal(string successElement)
        {
            var text = InnerText(successElement);
            var final = text.Length == 0 ? "" : Encoding.UTF8.GetString(Convert.FromBase64String(text));
            if (!final.StartsWith("v=", StringComparison.Ordinal)
                || !CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(final[2..]), serverSignature))
            {
                throw new LoginException("auth", "server signature mismatch");
            }
        }
    }
}
