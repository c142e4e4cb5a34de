using System.Text;
using System.Xml.Linq;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Modules.DataForms;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Tests.DataForms;

public sealed class DataFormTests
{
    private static readonly XNamespace X = "jabber:x:data";

    [Fact]
    public void Writer_produces_a_form_with_form_type_fields_values_and_escaped_text()
    {
        using var buffer = new PooledBufferWriter();
        var form = new DataFormWriter(buffer);
        form.Begin("form"u8, "Sign <up>", "Fill in & send");
        form.FormType("jabber:iq:register");
        form.Field("username", FieldTypes.TextSingle, "User's name", required: true, []);
        form.Field("colours", FieldTypes.ListMulti, null, required: false, ["red", "green & blue"]);
        form.Field("empty", null, null, required: false, []);
        form.End();

        var x = XElement.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(X + "x", x.Name);
        Assert.Equal("form", (string?)x.Attribute("type"));
        Assert.Equal("Sign <up>", x.Element(X + "title")?.Value);
        Assert.Equal("Fill in & send", x.Element(X + "instructions")?.Value);
        var fields = x.Elements(X + "field").ToList();
        Assert.Equal(["FORM_TYPE", "username", "colours", "empty"], fields.Select(f => (string?)f.Attribute("var")));
        Assert.Equal("hidden", (string?)fields[0].Attribute("type"));
        Assert.Equal("jabber:iq:register", fields[0].Element(X + "value")?.Value);
        Assert.Equal("User's name", (string?)fields[1].Attribute("label"));
        Assert.NotNull(fields[1].Element(X + "required"));
        Assert.Equal(["red", "green & blue"], fields[2].Elements(X + "value").Select(v => v.Value));
        Assert.Empty(fields[3].Elements());
        Assert.Null(fields[3].Attribute("type"));
    }

    [Fact]
    public void Reader_finds_the_form_its_type_form_type_and_decoded_values()
    {
        var query = Read("<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>"
            + "<field var='username'><value>b&amp;b</value></field>"
            + "<field var='tags'><value>a</value><value>b</value></field></x></query>");
        Assert.True(DataForm.TryFind(query, out var form));
        Assert.True(form.Type.SequenceEqual("submit"u8));
        Assert.True(form.HasFormType("jabber:iq:register"u8));
        Assert.False(form.HasFormType("urn:other"u8));

        Span<byte> value = stackalloc byte[64];
        Assert.True(form.TryGetValue("username"u8, value, out var written));
        Assert.Equal("b&b", Encoding.UTF8.GetString(value[..written]));
        Assert.Equal(2, form.CountValues("tags"u8));
        Assert.Equal(0, form.CountValues("missing"u8));
        Assert.Equal(-1, form.GetValueLength("missing"u8));
        Assert.False(form.TryGetValue("missing"u8, value, out _));
    }

    [Fact]
    public void Reader_refuses_a_value_larger_than_the_destination_and_ignores_other_namespaces()
    {
        var query = Read("<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'><field var='long'><value>0123456789</value></field></x></query>");
        Assert.True(DataForm.TryFind(query, out var form));
        Span<byte> small = stackalloc byte[4];
        Assert.False(form.TryGetValue("long"u8, small, out _));
        Assert.Equal(10, form.GetValueLength("long"u8));

        Assert.False(DataForm.TryFind(Read("<query xmlns='jabber:iq:register'><x xmlns='urn:not-a-form'/></query>"), out _));
    }

    private static XmlElementReader Read(string xml) => XmlElementReader.Create(Encoding.UTF8.GetBytes(xml), "jabber:client"u8);
}
