using DotNetty.Transport.Channels;

namespace HighPerf.TlsMemory;

/// <summary>Writes every plaintext buffer back: the smallest application that keeps a session alive.</summary>
internal sealed class EchoHandler : ChannelHandlerAdapter
{
    public static readonly EchoHandler Instance = new();

    public override bool IsSharable => true;

    public override void ChannelRead(IChannelHandlerContext context, object message) => context.WriteAndFlushAsync(message);

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception) => context.CloseAsync();
}
