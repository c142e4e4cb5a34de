using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace HighPerf.Xmpp.Modules.ExternalServices;

/// <summary>
/// Time-limited TURN credentials of the TURN REST API (draft-uberti-behave-turn-rest, coturn's use-auth-secret):
/// username = expiry (Unix seconds) ":" user, password = base64(HMAC-SHA1(shared secret, username)). The TURN
/// server recomputes the password from the username and refuses it after the expiry, so nothing is stored.
/// </summary>
[SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
    Justification = "The TURN REST API (and coturn, which checks it) defines the password as HMAC-SHA1.")]
public static class TurnCredentials
{
    public static (string Username, string Password) Create(string secret, string user, DateTimeOffset expires)
    {
        var username = expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + user;
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username));
        return (username, Convert.ToBase64String(mac));
    }
}
