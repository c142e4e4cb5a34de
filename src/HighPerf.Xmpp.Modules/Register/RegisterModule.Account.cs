using System.Text;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Register;

/// <summary>The account side: creation, password change and cancellation, each answered once durable.</summary>
public sealed partial class RegisterModule
{
    private void HandleAccount(ref IqRequest request)
    {
        var session = request.Session;
        if (request.Type == IqType.Get)
        {
            // XEP-0077 §3.2.1: an entity already registered is told so (its password is never known here).
            var writer = Core.Buffers.ScratchWriter.RentPayload();
            writer.Write("<query xmlns='jabber:iq:register'><registered/><username>"u8);
            var bare = session.BareJid;
            EscapingWriter.WriteEscaped(writer, bare[..bare.IndexOf((byte)'@')]);
            writer.Write("</username></query>"u8);
            request.ReplyResult(writer.WrittenSpan);
            return;
        }

        if (request.Payload.TryGetChild("remove"u8, Namespace, out _))
        {
            _ = CancelAsync(request.Server, session.BareJid.ToArray(), request.Defer());
            return;
        }

        Span<byte> username = stackalloc byte[MaxFieldBytes];
        Span<byte> password = stackalloc byte[MaxFieldBytes];
        if (!TryReadCredentials(request.Payload, username, out var usernameLength, password, out var passwordLength))
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        var jid = AccountJid.TryCreate(username[..usernameLength], session.Domain);
        if (jid is null || !jid.AsSpan().SequenceEqual(session.BareJid))
        {
            request.ReplyError(StanzaErrorCondition.NotAllowed); // only one's own password
            return;
        }

        if (!TryDecodePassword(password[..passwordLength], out var text))
        {
            request.ReplyError(StanzaErrorCondition.NotAcceptable);
            return;
        }

        _ = ChangePasswordAsync(request.Server, jid, text, request.Defer());
    }

    private async Task CreateAsync(byte[] jid, string password, string address, DeferredIqReply reply)
    {
        try
        {
            var record = await DeriveAsync(password).ConfigureAwait(false);
            if (record is null)
            {
                reply.ReplyError(StanzaErrorCondition.NotAcceptable);
                return;
            }

            if (!await reply.Session.Server.Store.Accounts.CreateAsync(jid, record.Value).ConfigureAwait(false))
            {
                reply.ReplyError(StanzaErrorCondition.Conflict);
                return;
            }

            ModulesLog.AccountRegistered(_logger!, Encoding.UTF8.GetString(jid), address);
            reply.ReplyResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_logger!, "account create", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
        }
    }

    private async Task ChangePasswordAsync(XmppServer server, byte[] jid, string password, DeferredIqReply reply)
    {
        try
        {
            var record = await DeriveAsync(password).ConfigureAwait(false);
            if (record is null)
            {
                reply.ReplyError(StanzaErrorCondition.NotAcceptable);
                return;
            }

            if (!await server.Store.Accounts.UpdateAsync(jid, record.Value).ConfigureAwait(false))
            {
                reply.ReplyError(StanzaErrorCondition.ItemNotFound);
                return;
            }

            ModulesLog.PasswordChanged(_logger!, Encoding.UTF8.GetString(jid));
            reply.ReplyResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_logger!, "password change", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
        }
    }

    /// <summary>
    /// Deletes the account record first (no new login can start), then its roster, offline messages and private
    /// data (vCard, private XML, last activity); answers once all is durable, then ends every session of the user.
    /// </summary>
    private async Task CancelAsync(XmppServer server, byte[] jid, DeferredIqReply reply)
    {
        var store = server.Store;
        try
        {
            await store.Accounts.DeleteAsync(jid).ConfigureAwait(false);
            await store.Rosters.DeleteAllAsync(jid).ConfigureAwait(false);
            await store.Offline.DeleteAllAsync(jid).ConfigureAwait(false);
            await store.UserData.DeleteAllAsync(jid).ConfigureAwait(false);
            await store.Archive.DeleteAllAsync(jid).ConfigureAwait(false);
            await store.Pep.DeleteAllAsync(jid).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_logger!, "account cancel", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
            return;
        }

        ModulesLog.AccountCancelled(_logger!, Encoding.UTF8.GetString(jid));
        reply.ReplyResult();
        if (server.Routes.TryGetUser(jid, out var user))
        {
            foreach (var session in user.Sessions)
            {
                session.Kick(StreamErrorCondition.NotAuthorized);
            }
        }
    }

    /// <summary>SCRAM credentials on the thread pool: PBKDF2 takes milliseconds an event loop must not spend.</summary>
    private Task<Storage.Abstractions.AccountRecord?> DeriveAsync(string password)
        => Task.Run<Storage.Abstractions.AccountRecord?>(() =>
        {
            try
            {
                return ScramCredentials.Derive(password, options.ScramIterations);
            }
            catch (ArgumentException)
            {
                return null; // PRECIS OpaqueString refused the password
            }
        });
}
