using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.DataForms;
using HighPerf.Xmpp.Xml.Reader;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Register;

/// <summary>
/// XEP-0077 in-band registration. Before authentication (and after TLS where TLS is required): the registration
/// form (plain fields and an XEP-0004 form) and account creation, rate-limited per client address. Once
/// authenticated: password change and cancellation, which deletes the account with its roster, offline messages
/// and private data, then ends the user's sessions with not-authorized (XEP-0077 §3.2). New SCRAM credentials are
/// derived off the event loop (PBKDF2), and every change is answered once it is durable.
/// </summary>
public sealed partial class RegisterModule(RegisterOptions options) : IXmppModule, IIqHandler, IStreamFeatureProvider
{
    private const int MaxFieldBytes = 1024;

    private RegistrationThrottle? _throttle;
    private ILogger? _logger;
    private byte[] _form = [];

    public RegisterModule()
        : this(new RegisterOptions())
    {
    }

    public string Name => "register";

    internal static ReadOnlySpan<byte> Namespace => "jabber:iq:register"u8;

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _throttle = new RegistrationThrottle(options.MaxAttemptsPerAddress, options.Window, TimeProvider.System);
        _logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules");
        _form = BuildForm(options);
        registry.AddIqHandler(Namespace, "query"u8, IqTarget.Unauthenticated | IqTarget.Server | IqTarget.OwnAccount, this);
        registry.AddFeature("jabber:iq:register");
        if (options.AllowRegistration)
        {
            registry.AddPreAuthStreamFeatures(this);
        }
    }

    public void WriteFeatures(XmppSession session, PooledBufferWriter writer)
        => writer.Write("<register xmlns='http://jabber.org/features/iq-register'/>"u8);

    public void HandleIq(ref IqRequest request)
    {
        if (request.Target == IqTarget.Unauthenticated)
        {
            HandleUnauthenticated(ref request);
        }
        else
        {
            HandleAccount(ref request);
        }
    }

    private void HandleUnauthenticated(ref IqRequest request)
    {
        if (!options.AllowRegistration)
        {
            request.ReplyError(StanzaErrorCondition.NotAllowed);
            return;
        }

        if (request.Type == IqType.Get)
        {
            request.ReplyResult(_form);
            return;
        }

        if (request.Payload.TryGetChild("remove"u8, Namespace, out _))
        {
            request.ReplyError(StanzaErrorCondition.NotAuthorized); // cancelling needs an authenticated stream
            return;
        }

        if (!_throttle!.TryAcquire(request.Session.Transport.RemoteAddress))
        {
            request.ReplyError(StanzaErrorCondition.PolicyViolation);
            return;
        }

        Span<byte> username = stackalloc byte[MaxFieldBytes];
        Span<byte> password = stackalloc byte[MaxFieldBytes];
        if (!TryReadCredentials(request.Payload, username, out var usernameLength, password, out var passwordLength))
        {
            request.ReplyError(StanzaErrorCondition.NotAcceptable);
            return;
        }

        var jid = AccountJid.TryCreate(username[..usernameLength], request.Session.Domain);
        if (jid is null)
        {
            request.ReplyError(StanzaErrorCondition.JidMalformed);
            return;
        }

        if (!TryDecodePassword(password[..passwordLength], out var text))
        {
            request.ReplyError(StanzaErrorCondition.NotAcceptable);
            return;
        }

        _ = CreateAsync(jid, text, request.Session.Transport.RemoteAddress, request.Defer());
    }

    /// <summary>Username and password from the plain fields or from a submitted jabber:iq:register form.</summary>
    internal static bool TryReadCredentials(XmlElementReader query, Span<byte> username, out int usernameLength, Span<byte> password, out int passwordLength)
    {
        usernameLength = passwordLength = 0;
        if (DataForm.TryFind(query, out var form))
        {
            return form.Type.SequenceEqual("submit"u8) && form.HasFormType(Namespace)
                && form.TryGetValue("username"u8, username, out usernameLength) && usernameLength > 0
                && form.TryGetValue("password"u8, password, out passwordLength) && passwordLength > 0;
        }

        return TryReadText(query, "username"u8, username, out usernameLength) && TryReadText(query, "password"u8, password, out passwordLength);
    }

    private static bool TryReadText(XmlElementReader query, ReadOnlySpan<byte> name, Span<byte> destination, out int written)
    {
        written = 0;
        return query.TryGetChild(name, Namespace, out var field) && field.GetTextLength() <= destination.Length
            && field.TryGetText(destination, out written) && written > 0;
    }

    private bool TryDecodePassword(ReadOnlySpan<byte> utf8, out string password)
    {
        password = System.Text.Encoding.UTF8.GetString(utf8);
        return password.Length >= options.MinPasswordLength;
    }

    private static byte[] BuildForm(RegisterOptions options)
    {
        using var writer = new PooledBufferWriter(1024);
        writer.Write("<query xmlns='jabber:iq:register'><instructions>"u8);
        EscapingWriter.WriteEscaped(writer, System.Text.Encoding.UTF8.GetBytes(options.Instructions));
        writer.Write("</instructions><username/><password/>"u8);
        var form = new DataFormWriter(writer);
        form.Begin("form"u8, "Registration", options.Instructions);
        form.FormType("jabber:iq:register");
        form.Field("username", FieldTypes.TextSingle, "Username", required: true, []);
        form.Field("password", FieldTypes.TextPrivate, "Password", required: true, []);
        form.End();
        writer.Write("</query>"u8);
        return writer.ToArray();
    }
}
