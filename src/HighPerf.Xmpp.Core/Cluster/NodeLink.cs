using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.StreamManagement;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// This node's outbound link to one other node, set up on demand. Every data frame stays held (one pooled byte
/// array, no object per frame) until the other node acknowledges it; while the connection is being set up frames
/// only wait there, and once it is authenticated they go out in order and later ones go straight into the
/// connection's outbound queue. When the connection fails or ends (the node died, the secret is wrong, the node
/// restarted under a new id), every frame not acknowledged is handled as undeliverable here
/// (<see cref="ClusterDelivery.Undeliverable"/>: messages to offline storage, iq requests bounced), so nothing is
/// silently lost; a frame both handled there and acknowledged too late is delivered twice, never zero times.
/// Thread-safe.
/// </summary>
public sealed class NodeLink
{
    private readonly NodeLinks _links;
    private readonly Lock _gate = new();
    private UnackedStanzas _held = new();
    private INodeLinkConnection? _connection;
    private bool _connecting;
    private long _attempt;
    private long _acked;
    private long _sent;

    internal NodeLink(NodeLinks links, string nodeId)
    {
        _links = links;
        NodeId = nodeId;
    }

    /// <summary>The other node's id (as its heartbeat lists it).</summary>
    public string NodeId { get; }

    public NodeLinks Links => _links;

    /// <summary>True while an authenticated connection carries the link.</summary>
    public bool IsReady
    {
        get
        {
            lock (_gate)
            {
                return _connection is not null;
            }
        }
    }

    /// <summary>Frames not acknowledged yet (for tests and the stats).</summary>
    public int HeldFrames
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Data frames queued on the link since it was created (for tests and the stats).</summary>
    public long FramesSent => Interlocked.Read(ref _sent);

    /// <summary>
    /// Queues one data frame (its parts are the whole frame, header included). False when the link holds more than
    /// its bound: the caller handles the stanza as undeliverable at once.
    /// </summary>
    public bool Send(scoped in OutboundParts frame)
    {
        long attempt;
        lock (_gate)
        {
            if (_held.Bytes + frame.Length > _links.Options.HeldBytesPerNode && _held.Count > 0)
            {
                return false;
            }

            _held.Append(frame);
            _sent++;
            if (_connection is { } connection)
            {
                if (!connection.Enqueue(frame))
                {
                    // Closing under us, or over its queue bound: the close hands every held frame over.
                    connection.Close("outbound queue full");
                }

                return true;
            }

            if (_connecting)
            {
                return true;
            }

            _connecting = true;
            attempt = ++_attempt;
        }

        StartConnect(attempt);
        return true;
    }

    /// <summary>The connection for <paramref name="attempt"/> authenticated: held frames go out in order.</summary>
    public bool Attach(INodeLinkConnection connection, long attempt)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_gate)
        {
            if (attempt != _attempt || !_connecting)
            {
                return false;
            }

            _connecting = false;
            _connection = connection;
            _acked = 0;
            var cursor = _held.GetCursor();
            while (cursor.MoveNext())
            {
                connection.Enqueue(new OutboundParts(cursor.Current));
            }
        }

        NodeLinkLog.LinkReady(_links.Logger, NodeId);
        return true;
    }

    /// <summary>The other node handled <paramref name="total"/> data frames on <paramref name="connection"/> so far.</summary>
    public void OnAck(INodeLinkConnection connection, long total)
    {
        lock (_gate)
        {
            if (_connection != connection || total <= _acked)
            {
                return;
            }

            var count = (int)Math.Min(total - _acked, _held.Count);
            _held.DropOldest(count);
            _acked = total;
        }
    }

    /// <summary>Resolution, connect or authentication failed for <paramref name="attempt"/>.</summary>
    public void OnConnectFailed(long attempt, string reason)
    {
        UnackedStanzas failed;
        lock (_gate)
        {
            if (attempt != _attempt || !_connecting)
            {
                return;
            }

            _connecting = false;
            failed = TakeHeldLocked();
        }

        Fail(failed, reason);
    }

    /// <summary>The authenticated connection ended.</summary>
    public void OnClosed(INodeLinkConnection connection, string reason)
    {
        UnackedStanzas failed;
        lock (_gate)
        {
            if (_connection != connection)
            {
                return;
            }

            _connection = null;
            failed = TakeHeldLocked();
        }

        Fail(failed, reason);
    }

    private UnackedStanzas TakeHeldLocked()
    {
        var taken = _held;
        _held = new UnackedStanzas();
        return taken;
    }

    private void Fail(UnackedStanzas failed, string reason)
    {
        NodeLinkLog.LinkFailed(_links.Logger, NodeId, reason, failed.Count);
        try
        {
            var cursor = failed.GetCursor();
            while (cursor.MoveNext())
            {
                _links.Delivery.UndeliverableFrame(cursor.Current);
            }
        }
        finally
        {
            failed.Release();
        }
    }

    private void StartConnect(long attempt)
    {
        _ = Task.Delay(_links.Options.ConnectTimeout).ContinueWith(static (_, state) =>
        {
            var (link, attempt) = ((NodeLink, long))state!;
            link.OnConnectFailed(attempt, "timed out");
        }, (this, attempt), TaskScheduler.Default);
        try
        {
            _links.Connector.Connect(this, attempt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            OnConnectFailed(attempt, ex.Message);
        }
    }
}
