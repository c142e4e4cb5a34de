using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.VCard;

/// <summary>Answers an iq once the store write it asked for is durable (the write's failure: internal-server-error).</summary>
internal static class StoredThen
{
    public static Task ReplyAsync(ValueTask write, DeferredIqReply reply, ILogger logger, string operation)
        => ReplyAsync(write.AsTask(), reply, logger, operation);

    public static async Task ReplyAsync(Task write, DeferredIqReply reply, ILogger logger, string operation)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(logger, operation, ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
            return;
        }

        reply.ReplyResult();
    }
}
