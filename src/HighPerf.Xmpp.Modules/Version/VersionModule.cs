using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Version;

/// <summary>XEP-0092 software version of the server (iq get to the domain); the answer is encoded once.</summary>
public sealed class VersionModule(VersionOptions options) : IXmppModule, IIqHandler
{
    private byte[] _reply = [];

    public VersionModule()
        : this(new VersionOptions())
    {
    }

    public string Name => "version";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _reply = BuildReply(options);
        registry.AddIqHandler("jabber:iq:version"u8, "query"u8, IqTarget.Server, this);
        registry.AddFeature("jabber:iq:version");
    }

    public void HandleIq(ref IqRequest request)
    {
        if (request.Type == IqType.Get)
        {
            request.ReplyResult(_reply);
        }
        else
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
        }
    }

    internal static string DefaultVersion()
    {
        var version = typeof(VersionModule).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    private static byte[] BuildReply(VersionOptions options)
    {
        using var writer = new PooledBufferWriter(256);
        writer.Write("<query xmlns='jabber:iq:version'><name>"u8);
        EscapingWriter.WriteEscaped(writer, Encoding.UTF8.GetBytes(options.Name));
        writer.Write("</name><version>"u8);
        EscapingWriter.WriteEscaped(writer, Encoding.UTF8.GetBytes(options.Version ?? DefaultVersion()));
        writer.Write("</version>"u8);
        if (options.ShowOperatingSystem)
        {
            writer.Write("<os>"u8);
            EscapingWriter.WriteEscaped(writer, Encoding.UTF8.GetBytes(RuntimeInformation.OSDescription));
            writer.Write("</os>"u8);
        }

        writer.Write("</query>"u8);
        return writer.ToArray();
    }
}
