using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using HighPerf.Xmpp.Core.Sasl;

namespace HighPerf.Xmpp.Core.Tests.Sasl;

[SuppressMessage("Security", "CA5350", Justification = "SCRAM-SHA-1 is under test.")]
public class ScramCredentialsTests
{
    [Fact]
    public void Derived_keys_match_an_independent_computation()
    {
        var salt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");
        var record = ScramCredentials.Derive("pencil", salt, 4096);
        Assert.Equal(4096, record.Iterations);
        Assert.Equal(salt, record.Salt[..record.SaltLength].ToArray());
        Assert.True(record.CreatedUnixMs > 0);

        var salted256 = Rfc2898DeriveBytes.Pbkdf2("pencil"u8, salt, 4096, HashAlgorithmName.SHA256, 32);
        Assert.Equal(SHA256.HashData(HMACSHA256.HashData(salted256, "Client Key"u8)), record.Sha256StoredKey[..32].ToArray());
        Assert.Equal(HMACSHA256.HashData(salted256, "Server Key"u8), record.Sha256ServerKey[..32].ToArray());

        var salted1 = Rfc2898DeriveBytes.Pbkdf2("pencil"u8, salt, 4096, HashAlgorithmName.SHA1, 20);
        Assert.Equal(SHA1.HashData(HMACSHA1.HashData(salted1, "Client Key"u8)), record.Sha1StoredKey[..20].ToArray());
        Assert.Equal(HMACSHA1.HashData(salted1, "Server Key"u8), record.Sha1ServerKey[..20].ToArray());
    }

    [Fact]
    public void Random_salts_differ_and_default_to_16_bytes()
    {
        var a = ScramCredentials.Derive("pencil");
        var b = ScramCredentials.Derive("pencil");
        Assert.Equal(ScramCredentials.DefaultSaltLength, a.SaltLength);
        Assert.NotEqual(a.Salt[..16].ToArray(), b.Salt[..16].ToArray());
        Assert.NotEqual(a.Sha256StoredKey[..32].ToArray(), b.Sha256StoredKey[..32].ToArray());
    }

    [Fact]
    public void VerifyPassword_accepts_only_the_password()
    {
        var record = ScramCredentials.Derive("correct horse");
        Assert.True(ScramCredentials.VerifyPassword(record, "correct horse"));
        Assert.False(ScramCredentials.VerifyPassword(record, "Correct horse"));
        Assert.False(ScramCredentials.VerifyPassword(record, "correct horse "));
        Assert.False(ScramCredentials.VerifyPassword(record, ""));
    }

    [Fact]
    public void Passwords_are_prepared_with_opaque_string()
    {
        var record = ScramCredentials.Derive("pässwörd");
        Assert.True(ScramCredentials.VerifyPassword(record, "pa\u0308sswo\u0308rd"));   // NFC
        var spaced = ScramCredentials.Derive("a\u00A0b");
        Assert.True(ScramCredentials.VerifyPassword(spaced, "a b"));                     // non-ASCII space to U+0020
        Assert.False(ScramCredentials.VerifyPassword(ScramCredentials.Derive("ＡＢ"), "AB")); // no width mapping
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScramCredentials.Derive("pencil", 4095));
        Assert.Throws<ArgumentException>(() => ScramCredentials.Derive("pencil", new byte[33], 4096));
        Assert.Throws<ArgumentException>(() => ScramCredentials.Derive("pencil", ReadOnlySpan<byte>.Empty, 4096));
        Assert.Throws<ArgumentException>(() => ScramCredentials.Derive(""));
        Assert.Throws<ArgumentException>(() => ScramCredentials.Derive("tab\there"));
        Assert.Throws<ArgumentException>(() => ScramCredentials.Derive("lone \uD800 surrogate"));
        Assert.Throws<ArgumentException>(() => ScramCredentials.Derive(new string('x', ScramCredentials.MaxPasswordBytes + 1)));
    }
}
