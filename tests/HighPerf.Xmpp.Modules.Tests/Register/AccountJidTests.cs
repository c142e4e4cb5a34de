using System.Text;
using HighPerf.Xmpp.Modules.Register;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Tests.Register;

public sealed class AccountJidTests
{
    [Theory]
    [InlineData("Juliet", "juliet@localhost")]
    [InlineData("JÜLIET", "jüliet@localhost")]
    public void A_username_becomes_a_normalized_bare_jid(string username, string expected)
        => Assert.Equal(expected, Encoding.UTF8.GetString(AccountJid.TryCreate(Encoding.UTF8.GetBytes(username), "localhost"u8)!));

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a@b")]
    [InlineData("a/b")]
    [InlineData("a\"b")]
    public void An_invalid_localpart_is_refused(string username)
        => Assert.Null(AccountJid.TryCreate(Encoding.UTF8.GetBytes(username), "localhost"u8));

    [Fact]
    public void Credentials_come_from_plain_fields_or_a_submitted_form()
    {
        Span<byte> user = stackalloc byte[64];
        Span<byte> password = stackalloc byte[64];
        var plain = Read("<query xmlns='jabber:iq:register'><username>bill</username><password>p&amp;ss</password></query>");
        Assert.True(RegisterModule.TryReadCredentials(plain, user, out var userLength, password, out var passwordLength));
        Assert.Equal("bill", Encoding.UTF8.GetString(user[..userLength]));
        Assert.Equal("p&ss", Encoding.UTF8.GetString(password[..passwordLength]));

        var form = Read("<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>jabber:iq:register</value></field>"
            + "<field var='username'><value>ann</value></field><field var='password'><value>pw</value></field></x></query>");
        Assert.True(RegisterModule.TryReadCredentials(form, user, out userLength, password, out _));
        Assert.Equal("ann", Encoding.UTF8.GetString(user[..userLength]));

        var wrongType = Read("<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:other</value></field>"
            + "<field var='username'><value>ann</value></field><field var='password'><value>pw</value></field></x></query>");
        Assert.False(RegisterModule.TryReadCredentials(wrongType, user, out _, password, out _));
        Assert.False(RegisterModule.TryReadCredentials(Read("<query xmlns='jabber:iq:register'><username>bill</username></query>"), user, out _, password, out _));
    }

    private static XmlElementReader Read(string xml) => XmlElementReader.Create(Encoding.UTF8.GetBytes(xml), "jabber:client"u8);
}
