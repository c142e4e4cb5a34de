using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>Adds children to &lt;stream:features/&gt; offered after authentication (compression, rosterver, sm…).</summary>
public interface IStreamFeatureProvider
{
    void WriteFeatures(XmppSession session, PooledBufferWriter writer);
}
