using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.DataForms;

namespace HighPerf.Xmpp.Modules.Disco;

/// <summary>
/// The disco payloads, built once on first use: by then every module has registered (the registry is sealed),
/// and nothing changes them afterwards, so a query costs one copy of pre-encoded bytes.
/// </summary>
internal sealed class DiscoReplies(DiscoOptions options, ModuleRegistry registry, DiscoContext context)
{
    private byte[]? _serverInfo;
    private byte[]? _serverItems;
    private byte[]? _accountInfo;

    public ReadOnlySpan<byte> ServerInfo => _serverInfo ??= BuildServerInfo();

    public ReadOnlySpan<byte> ServerItems => _serverItems ??= BuildServerItems();

    public ReadOnlySpan<byte> AccountInfo => _accountInfo ??= BuildAccountInfo();

    public static ReadOnlySpan<byte> AccountItems => "<query xmlns='http://jabber.org/protocol/disco#items'/>"u8;

    private byte[] BuildServerInfo()
    {
        using var writer = new PooledBufferWriter(2048);
        writer.Write("<query xmlns='http://jabber.org/protocol/disco#info'>"u8);
        foreach (var identity in registry.Identities)
        {
            WriteIdentity(writer, identity);
        }

        foreach (var feature in registry.Features)
        {
            WriteFeature(writer, feature);
        }

        WriteContactForm(writer);
        writer.Write("</query>"u8);
        return writer.ToArray();
    }

    private byte[] BuildServerItems()
    {
        using var writer = new PooledBufferWriter(512);
        if (options.Items.Count == 0 && registry.HostedDomains.Count == 0)
        {
            writer.Write("<query xmlns='http://jabber.org/protocol/disco#items'/>"u8);
            return writer.ToArray();
        }

        writer.Write("<query xmlns='http://jabber.org/protocol/disco#items'>"u8);
        foreach (var jid in registry.HostedDomains)
        {
            // Services modules host on their own domains (MUC…), then the configured components.
            writer.Write("<item"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, Encoding.UTF8.GetBytes(jid));
            writer.Write("/>"u8);
        }

        foreach (var jid in options.Items)
        {
            if (registry.HostedDomains.Contains(jid))
            {
                continue;
            }

            writer.Write("<item"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, Encoding.UTF8.GetBytes(jid));
            writer.Write("/>"u8);
        }

        writer.Write("</query>"u8);
        return writer.ToArray();
    }

    private byte[] BuildAccountInfo()
    {
        using var writer = new PooledBufferWriter(512);
        writer.Write("<query xmlns='http://jabber.org/protocol/disco#info'><identity category='account' type='registered'/>"u8);
        foreach (var (category, type) in context.AccountIdentities)
        {
            writer.Write("<identity"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "category"u8, System.Text.Encoding.UTF8.GetBytes(category));
            EscapingWriter.WriteEscapedAttribute(writer, "type"u8, System.Text.Encoding.UTF8.GetBytes(type));
            writer.Write("/>"u8);
        }

        WriteFeature(writer, DiscoModule.InfoNamespace);
        WriteFeature(writer, DiscoModule.ItemsNamespace);
        foreach (var feature in context.AccountFeatures)
        {
            WriteFeature(writer, feature);
        }

        writer.Write("</query>"u8);
        return writer.ToArray();
    }

    /// <summary>XEP-0157 server contact addresses as an XEP-0128 extended-information form.</summary>
    private void WriteContactForm(PooledBufferWriter writer)
    {
        if (options.ContactAddresses.Count == 0)
        {
            return;
        }

        var form = new DataFormWriter(writer);
        form.Begin("result"u8);
        form.FormType("http://jabber.org/network/serverinfo");
        foreach (var kind in DiscoOptions.ContactKinds)
        {
            if (options.ContactAddresses.TryGetValue(kind, out var addresses) && addresses.Count > 0)
            {
                form.Field(kind + "-addresses", null, null, false, addresses.ToArray());
            }
        }

        form.End();
    }

    private static void WriteIdentity(PooledBufferWriter writer, DiscoIdentity identity)
    {
        writer.Write("<identity"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "category"u8, Encoding.UTF8.GetBytes(identity.Category));
        EscapingWriter.WriteEscapedAttribute(writer, "type"u8, Encoding.UTF8.GetBytes(identity.Type));
        if (identity.Name is not null)
        {
            EscapingWriter.WriteEscapedAttribute(writer, "name"u8, Encoding.UTF8.GetBytes(identity.Name));
        }

        writer.Write("/>"u8);
    }

    private static void WriteFeature(PooledBufferWriter writer, string feature)
    {
        writer.Write("<feature"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "var"u8, Encoding.UTF8.GetBytes(feature));
        writer.Write("/>"u8);
    }
}
